import { h, type RoomInfo } from "@mesh/client-kit";

/** The page's fixed parts: a top bar, the stage (scene, minimap, readouts) and the panels' place. */
export interface Layout {
  root: HTMLElement;
  stage: HTMLElement;
  side: HTMLElement;
  stats: HTMLElement;
  hint: HTMLElement;
  inspect: HTMLElement;
  corner: HTMLElement;
  showRoom(info: RoomInfo): void;
}

/** `me`: who this page is signed in as, always in view (a #token= link may have signed the tab in as someone else). */
export function createLayout(banner: HTMLElement, me: string): Layout {
  const title = h("h1", { class: "rts-room", dir: "auto" }, "…");
  const topic = h("p", { class: "rts-topic", dir: "auto" });
  const stats = h("div", { class: "rts-stats", "aria-hidden": "true" });
  const hint = h("div", { class: "rts-hint", role: "status", "aria-live": "polite", hidden: true });
  const inspect = h("div", { class: "rts-inspect", role: "status", "aria-live": "polite", hidden: true });
  const corner = h("div", { class: "rts-corner" });
  const stage = h("div", { class: "rts-stage" }, hint, inspect, corner, stats);
  const side = h("div", { class: "rts-side" });
  const root = h(
    "div",
    { class: "rts-app" },
    banner,
    h(
      "header",
      { class: "rts-top" },
      h("a", { href: "/", class: "rts-back" }, "← Rooms"),
      h("div", { class: "rts-title" }, title, topic),
      h("p", { class: "rts-help" }, "Click or drag a box to select your bots · right-click to move or follow · wheel to zoom · middle-drag or arrows to pan · 0 to fit"),
      h("p", { class: "rts-me", dir: "auto" }, "Signed in as ", h("strong", { class: "rts-me-name" }, me)),
    ),
    h("div", { class: "rts-body" }, stage, side),
  );
  return {
    root,
    stage,
    side,
    stats,
    hint,
    inspect,
    corner,
    showRoom(info) {
      title.textContent = info.name;
      topic.textContent = info.topic;
      document.title = `${info.name} — Command — The Mesh`;
    },
  };
}
