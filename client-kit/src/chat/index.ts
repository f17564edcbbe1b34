import type { MeshRoom } from "@mesh/bots";
import { h } from "../dom.ts";
import type { ClientSession, RoomInfo } from "../shell.ts";

/** The chat panel every client shows beside its view of the room. */
export interface ChatPanel {
  /** The panel's root element, to place in the page. */
  readonly element: HTMLElement;
  /** Show another room's conversation (after walking through an exit). */
  setRoom(room: MeshRoom, info: RoomInfo): void;
  /** Put the keyboard focus in the composer. */
  focusComposer(): void;
  destroy(): void;
}

/** PLACEHOLDER until the full panel lands: the room's messages as plain text. */
export function createChatPanel(session: ClientSession, room: MeshRoom, info: RoomInfo): ChatPanel {
  const element = h("section", { class: "mesh-chat", "aria-label": `Chat in ${info.name}` });
  let off = room.onMessage((m) => element.append(h("p", {}, `${m.authorName}: ${m.text}`)));
  return {
    element,
    setRoom(next, nextInfo) {
      off();
      element.replaceChildren();
      element.setAttribute("aria-label", `Chat in ${nextInfo.name}`);
      off = next.onMessage((m) => element.append(h("p", {}, `${m.authorName}: ${m.text}`)));
    },
    focusComposer() {},
    destroy() {
      off();
      void session;
    },
  };
}
