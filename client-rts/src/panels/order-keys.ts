/** The order bar's orders, in the bar's order, with their hotkeys. */
export const ORDERS = [
  { order: "move", label: "Move", key: "M" },
  { order: "follow", label: "Follow", key: "F" },
  { order: "stop", label: "Stop", key: "S" },
  { order: "say", label: "Say", key: "Y" },
  { order: "task", label: "Task", key: "T" },
] as const;
export type OrderName = (typeof ORDERS)[number]["order"];

/** What a key event looks like to the hotkeys (a KeyboardEvent has these). */
export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  /** The element the key went to: its tag and whether it edits text. */
  target: { tagName?: string; type?: string; isContentEditable?: boolean } | null;
}

/** Inputs that take no typing: a key on one of them (a bot's Select box) may still be an order. */
const KEYLESS_INPUTS = new Set(["checkbox", "radio", "button", "submit", "reset", "range", "color"]);

/** Keys typed into a field are text, never orders. */
export function isTextTarget(target: KeyLike["target"]): boolean {
  if (!target) return false;
  const tag = (target.tagName ?? "").toUpperCase();
  if (tag === "INPUT") return !KEYLESS_INPUTS.has((target.type ?? "text").toLowerCase());
  return tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable === true;
}

/** The order a key press asks for: a bare M F S Y T (Shift allowed) outside text fields. */
export function orderForKey(event: KeyLike): OrderName | undefined {
  if (event.ctrlKey || event.metaKey || event.altKey || isTextTarget(event.target)) return undefined;
  const key = event.key.toUpperCase();
  return ORDERS.find((o) => o.key === key)?.order;
}

/** "2 selected: Bot-7, Scout" (the first few names, then how many more). */
export function selectionText(names: readonly string[], shown = 4): string {
  if (names.length === 0) return "Nothing selected: select your bots first (click them, drag a box, or tick them in Your bots).";
  const listed = names.slice(0, shown).join(", ");
  const more = names.length > shown ? ` and ${names.length - shown} more` : "";
  return `${names.length} selected: ${listed}${more}`;
}

/** "1: 2 bots", for each control group in use (1–9). */
export function groupsText(sizeOf: (n: number) => number): string[] {
  const lines: string[] = [];
  for (let n = 1; n <= 9; n++) {
    const size = sizeOf(n);
    if (size > 0) lines.push(`${n}: ${size} ${size === 1 ? "bot" : "bots"}`);
  }
  return lines;
}
