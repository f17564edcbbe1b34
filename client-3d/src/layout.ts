import { h, type RoomInfo } from "@mesh/client-kit";

/** The page's fixed parts: a top bar, the stage (canvas + overlays) on the left, the chat panel on the right. */
export interface Layout {
  root: HTMLElement;
  stage: HTMLElement;
  side: HTMLElement;
  stats: HTMLElement;
  viewToggle: HTMLButtonElement;
  showRoom(info: RoomInfo): void;
  /** Put a canvas (the current renderer's) into the stage, under the overlays. */
  mountCanvas(canvas: HTMLCanvasElement): void;
}

/** `me`: who this page is signed in as, always in view (a #token= link may have signed the tab in as someone else). */
export function createLayout(banner: HTMLElement, me: string): Layout {
  const title = h("h1", { class: "m3-room", dir: "auto" }, "…");
  const topic = h("p", { class: "m3-topic", dir: "auto" });
  const viewToggle = h("button", { type: "button", class: "m3-toggle", "aria-pressed": "false" }, "2D view");
  const chatToggle = h("button", { type: "button", class: "m3-toggle", "aria-expanded": "true", "aria-controls": "m3-side" }, "Hide chat");
  const stats = h("div", { class: "m3-stats", "aria-hidden": "true" });
  const stage = h("div", { class: "m3-stage" }, stats);
  const side = h("aside", { class: "m3-side", id: "m3-side", "aria-label": "Chat" });
  const root = h(
    "div",
    { class: "m3-app" },
    banner,
    h(
      "header",
      { class: "m3-top" },
      h("a", { href: "/", class: "m3-back" }, "← Rooms"),
      h("div", { class: "m3-title" }, title, topic),
      h("p", { class: "m3-help" }, "Click the floor or use WASD / arrows to walk · Enter to chat · drag to look around"),
      h("p", { class: "m3-me", dir: "auto" }, "Signed in as ", h("strong", { class: "m3-me-name" }, me)),
      viewToggle,
      chatToggle,
    ),
    h("div", { class: "m3-body" }, stage, side),
  );
  chatToggle.addEventListener("click", () => {
    const open = side.hidden;
    side.hidden = !open;
    chatToggle.setAttribute("aria-expanded", String(open));
    chatToggle.textContent = open ? "Hide chat" : "Show chat";
  });
  return {
    root,
    stage,
    side,
    stats,
    viewToggle,
    showRoom(info) {
      title.textContent = info.name;
      topic.textContent = info.topic;
      document.title = `${info.name} — The Mesh`;
    },
    mountCanvas(canvas) {
      stage.querySelector("canvas")?.remove();
      stage.prepend(canvas);
    },
  };
}
