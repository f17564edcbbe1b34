import type { MessageData } from "@mesh/schema";
import { h } from "../dom.ts";

/** The picker's choices: common reactions, one grapheme each (the server accepts any single emoji). */
export const COMMON_EMOJI = ["👍", "❤️", "😂", "🎉", "🤔", "👀", "🚀", "✅"] as const;

/**
 * A message's reactions as chips (emoji and count; pressed when one is yours) plus the button that
 * opens the picker. Clicking a chip toggles your own reaction: the list handles it by `data-emoji`.
 */
export function reactionRow(message: MessageData, myId: string, canReact: boolean, nameOf: (id: string) => string): HTMLElement | null {
  const entries = Object.entries(message.reactions).filter(([, by]) => by.length > 0);
  if (entries.length === 0) return null;
  const row = h("div", { class: "msg-reactions" });
  for (const [emoji, by] of entries) {
    const mine = by.includes(myId);
    const who = by.map(nameOf).join(", ");
    row.append(
      h(
        "button",
        {
          type: "button",
          class: mine ? "chip mine" : "chip",
          "data-action": "toggle-reaction",
          "data-emoji": emoji,
          "data-focus": `chip:${emoji}`,
          "aria-pressed": String(mine),
          "aria-label": `${emoji} ${by.length}: ${who}${canReact ? (mine ? ". Remove yours" : ". Add yours") : ""}`,
          title: who,
          disabled: !canReact,
        },
        h("span", { class: "chip-emoji" }, emoji),
        h("span", { class: "chip-count" }, by.length),
      ),
    );
  }
  return row;
}

/** The emoji picker, one per panel, opened under a message; the list wires its clicks. */
export function emojiPicker(): HTMLElement {
  return h(
    "div",
    { class: "picker", role: "group", "aria-label": "Pick a reaction", hidden: true },
    ...COMMON_EMOJI.map((emoji) => h("button", { type: "button", class: "pick", "data-pick": emoji, "aria-label": `React with ${emoji}` }, emoji)),
  );
}
