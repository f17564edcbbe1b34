import type { RoomListing } from "@mesh/bots";
import { h, restErrorText } from "@mesh/client-kit";
import { layoutRooms } from "./graph-layout.ts";
import type { PanelContext } from "./index.ts";
import { poll } from "./poller.ts";

const REFRESH_MS = 5000;
const SVG = "http://www.w3.org/2000/svg";

/**
 * The rooms linked by their exits, laid out by direction around the room you are in (north above,
 * east to the right), with how many are in each. Each room is a button in a list, in reading
 * order, so the graph is also a keyboard list; activating one goes there.
 */
export function createRoomGraph(ctx: PanelContext): { element: HTMLElement; setRoom(roomId: string): void; destroy(): void } {
  let currentId = ctx.info.id;
  let rooms: RoomListing[] = [];
  const lines = document.createElementNS(SVG, "svg");
  lines.setAttribute("class", "rp-graph-lines");
  lines.setAttribute("aria-hidden", "true");
  lines.setAttribute("preserveAspectRatio", "none");
  const nodes = h("ol", { class: "rp-graph-nodes", "aria-label": "Rooms by their exits" });
  const graph = h("div", { class: "rp-graph" }, lines, nodes);
  const note = h("p", { class: "rp-note", role: "status" }, "Loading the rooms…");
  const element = h(
    "section",
    { class: "rp-section", role: "region", "aria-label": "Rooms" },
    h("h2", {}, "Rooms"),
    note,
    h("div", { class: "rp-graph-scroll" }, graph),
  );
  const buttons = new Map<string, HTMLButtonElement>();

  function draw(): void {
    const layout = layoutRooms(rooms, currentId);
    const byId = new Map(rooms.map((room) => [room.id, room]));
    const cell = new Map(layout.nodes.map((node) => [node.id, node]));
    // Cells are grid tracks of equal size; the lines' viewBox counts in cells, so they meet the buttons' centres.
    graph.style.setProperty("--cols", String(layout.cols));
    graph.style.setProperty("--rows", String(layout.rows));
    lines.setAttribute("viewBox", `0 0 ${layout.cols} ${layout.rows}`);
    const segments: SVGLineElement[] = [];
    for (const edge of layout.edges) {
      const a = cell.get(edge.from);
      const b = cell.get(edge.to);
      if (!a || !b) continue;
      const line = document.createElementNS(SVG, "line");
      line.setAttribute("x1", String(a.col + 0.5));
      line.setAttribute("y1", String(a.row + 0.5));
      line.setAttribute("x2", String(b.col + 0.5));
      line.setAttribute("y2", String(b.row + 0.5));
      line.setAttribute("vector-effect", "non-scaling-stroke");
      if (edge.from === currentId || edge.to === currentId) line.setAttribute("class", "rp-graph-near");
      segments.push(line);
    }
    lines.replaceChildren(...segments);

    // Keep the buttons (and so the focus) across refreshes; only their text and place change.
    const items: HTMLLIElement[] = [];
    for (const node of layout.nodes) {
      const room = byId.get(node.id);
      if (!room) continue;
      let button = buttons.get(node.id);
      if (!button) {
        const id = node.id;
        button = h("button", { type: "button", class: "rp-room" });
        button.addEventListener("click", () => {
          if (id !== currentId) ctx.jump(id);
        });
        buttons.set(id, button);
      }
      const here = node.id === currentId;
      const exits = Object.entries(room.exits)
        .filter(([, to]) => byId.has(to))
        .map(([direction, to]) => `${direction} to ${byId.get(to)?.name ?? to}`);
      button.replaceChildren(h("span", { class: "rp-room-name", dir: "auto" }, room.name), h("span", { class: "rp-room-count" }, String(room.online)));
      button.setAttribute(
        "aria-label",
        `${room.name}: ${room.online} online${here ? ", you are here" : ""}${room.private ? ", private" : ""}${exits.length ? `; exits ${exits.join(", ")}` : ""}`,
      );
      button.title = here ? `${room.name} (you are here)` : `Go to ${room.name}`;
      if (here) button.setAttribute("aria-current", "location");
      else button.removeAttribute("aria-current");
      const item = (button.parentElement as HTMLLIElement | null) ?? h("li", {}, button);
      item.style.gridColumn = String(node.col + 1);
      item.style.gridRow = String(node.row + 1);
      items.push(item);
    }
    for (const id of [...buttons.keys()]) if (!byId.has(id)) buttons.delete(id);
    // Re-appending moves nothing that is already in order, so the focused button keeps its focus.
    items.forEach((item, i) => {
      if (nodes.children[i] !== item) nodes.insertBefore(item, nodes.children[i] ?? null);
    });
    while (nodes.children.length > items.length) nodes.lastElementChild?.remove();
  }

  async function refresh(): Promise<void> {
    try {
      rooms = (await ctx.session.client.rest.rooms()).rooms;
    } catch (error) {
      note.textContent = `The rooms could not be listed. ${restErrorText(error)}`;
      note.hidden = false;
      return;
    }
    note.textContent = rooms.length > 1 ? "" : "This is the only room you may see.";
    note.hidden = rooms.length > 1;
    draw();
  }

  const poller = poll(refresh, REFRESH_MS);
  return {
    element,
    setRoom(roomId) {
      currentId = roomId;
      draw();
      poller.now();
    },
    destroy: () => poller.stop(),
  };
}
