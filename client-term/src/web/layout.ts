import { h } from "@mesh/client-kit";

/** The page's fixed parts: a top bar (way back, room, who is signed in, the plain-text toggle) and the terminal under it. */
export interface Layout {
  root: HTMLElement;
  /** Where xterm opens. */
  screen: HTMLElement;
  plainToggle: HTMLButtonElement;
  showRoom(name: string, topic: string): void;
  /** The session is over: say why, above the terminal, with a way back. */
  showEnded(reason: string): void;
}

export function createLayout(me: string): Layout {
  const title = h("h1", { class: "mt-room", dir: "auto" }, "…");
  const topic = h("p", { class: "mt-topic", dir: "auto" });
  const plainToggle = h("button", { type: "button", class: "mt-toggle", "aria-pressed": "false", title: "No colours, and a screen-reader-friendly terminal" }, "Plain text");
  const ended = h("div", { class: "mesh-banner", role: "status", "aria-live": "polite", hidden: true });
  const screen = h("div", { class: "mt-screen", role: "region", "aria-label": "Terminal: The Mesh as text. Type help and press Enter." });
  const root = h(
    "div",
    { class: "mt-app" },
    ended,
    h(
      "header",
      { class: "mt-top" },
      h("a", { href: "/", class: "mt-back" }, "← Rooms"),
      h("div", { class: "mt-title" }, title, topic),
      h("p", { class: "mt-help" }, "help · Tab completes · ↑↓ history · Ctrl-R search"),
      h("p", { class: "mt-me", dir: "auto" }, "Signed in as ", h("strong", { class: "mt-me-name" }, me)),
      plainToggle,
    ),
    h("main", { class: "mt-body" }, screen),
  );
  return {
    root,
    screen,
    plainToggle,
    showRoom(name, text) {
      title.textContent = name;
      topic.textContent = text;
      document.title = `${name} — The Mesh terminal`;
    },
    showEnded(reason) {
      ended.replaceChildren(`${reason} `, h("a", { href: "/" }, "Back to the rooms"));
      ended.dataset.tone = "bad";
      ended.hidden = false;
    },
  };
}
