import type { RoomListing } from "@mesh/bots";
import { CLIENT_PAGES, clientLink } from "../clients.ts";
import { h, orderRows } from "../dom.ts";

/** One room's card; `update` changes text in place so a refresh never moves the keyboard focus. */
interface RoomRow {
  element: HTMLElement;
  update(room: RoomListing, names: ReadonlyMap<string, string>): void;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function roomRow(room: RoomListing): RoomRow {
  const title = h("h3", { class: "room-name", dir: "auto" });
  const topic = h("p", { class: "room-topic", dir: "auto" });
  const online = h("span", { class: "stat online" });
  const unread = h("span", { class: "stat unread" });
  const mentions = h("span", { class: "stat mentions" });
  const exits = h("p", { class: "room-exits" });
  // Client links never change for a room: built once, so a focused link stays put.
  const soon = CLIENT_PAGES.filter((page) => !page.ready);
  const clients = h(
    "p",
    { class: "room-clients" },
    ...CLIENT_PAGES.filter((page) => page.ready).map((page) =>
      h("a", { href: clientLink(page, room.id), class: "client-link", "aria-label": `${page.label}: ${room.name}` }, page.label),
    ),
    soon.length
      ? h(
          "span",
          { class: "soon-line" },
          ...soon.flatMap((page, i) => [i > 0 ? " · " : "", h("span", { class: "client-soon" }, page.label)]),
          " — coming soon",
        )
      : null,
  );
  const element = h(
    "li",
    { class: "room", "data-room": room.id },
    h("div", { class: "room-head" }, title, h("code", { class: "room-id" }, room.id)),
    topic,
    h("p", { class: "room-stats" }, online, unread, mentions),
    exits,
    clients,
  );
  let exitsShown = "";
  return {
    element,
    update(next, names) {
      setText(title, next.name);
      setText(topic, next.topic || "No topic yet.");
      topic.classList.toggle("empty", !next.topic);
      setText(online, plural(next.online, "online", "online"));
      online.classList.toggle("zero", next.online === 0);
      setText(unread, plural(next.unread, "unread", "unread"));
      unread.hidden = next.unread === 0;
      setText(mentions, plural(next.mentions, "mention", "mentions"));
      mentions.hidden = next.mentions === 0;
      const exitList = Object.entries(next.exits);
      const shown = JSON.stringify(exitList.map(([dir, id]) => [dir, id, names.get(id)]));
      if (shown !== exitsShown) {
        exitsShown = shown;
        exits.replaceChildren(
          exitList.length === 0 ? "No exits." : "Exits: ",
          // The name in a <bdi>: a direction override in one room's name stops at its end instead of reversing the exits after it.
          ...exitList.flatMap(([dir, id], i) => [i > 0 ? ", " : "", h("span", { class: "exit" }, `${dir} → `, h("bdi", {}, names.get(id) ?? id))]),
        );
      }
    },
  };
}

function setText(element: HTMLElement, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}

/** The rooms you may see, kept as keyed rows: a refresh updates them without rebuilding the list. */
export function roomList(): { element: HTMLElement; update(rooms: RoomListing[]): void } {
  const list = h("ul", { class: "rooms", "aria-label": "Rooms" });
  const empty = h("p", { class: "dim" }, "No rooms you may see yet.");
  const element = h("div", {}, list, empty);
  const rows = new Map<string, RoomRow>();
  return {
    element,
    update(rooms) {
      const names = new Map(rooms.map((r) => [r.id, r.name]));
      for (const room of rooms) {
        let row = rows.get(room.id);
        if (!row) {
          row = roomRow(room);
          rows.set(room.id, row);
        }
        row.update(room, names);
      }
      orderRows(
        list,
        rows,
        rooms.map((room) => room.id),
      );
      empty.hidden = rooms.length > 0;
    },
  };
}
