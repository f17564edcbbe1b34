/** What a key press means to the scene (the order bar handles its own M F S Y T). */
export type SceneKey =
  | { kind: "set-group"; group: number }
  | { kind: "recall-group"; group: number }
  | { kind: "escape" }
  | { kind: "home" }
  | { kind: "pan"; dx: number; dy: number };

export interface KeyLike {
  key: string;
  code: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}

/** Screen px an arrow key pans the view by. */
export const PAN_STEP = 60;

/**
 * Ctrl+1..9 or Shift+1..9 sets a control group (desktop browsers keep Ctrl+digit for switching
 * tabs, so Shift is the one that always reaches the page) and 1..9 recalls one (by the key's
 * place, so it works on any layout), Escape cancels, Home or 0 fits the room, the arrows pan. WASD does not
 * pan: S is the order bar's Stop.
 */
export function sceneKey(e: KeyLike): SceneKey | undefined {
  const digit = /^Digit([0-9])$/.exec(e.code)?.[1] ?? /^Numpad([0-9])$/.exec(e.code)?.[1];
  if (digit !== undefined && !e.altKey) {
    const n = Number(digit);
    if (n === 0) return e.ctrlKey || e.metaKey ? undefined : { kind: "home" };
    return e.ctrlKey || e.metaKey || e.shiftKey ? { kind: "set-group", group: n } : { kind: "recall-group", group: n };
  }
  if (e.ctrlKey || e.metaKey || e.altKey) return undefined;
  switch (e.key) {
    case "Escape":
      return { kind: "escape" };
    case "Home":
      return { kind: "home" };
    case "ArrowLeft":
      return { kind: "pan", dx: PAN_STEP, dy: 0 };
    case "ArrowRight":
      return { kind: "pan", dx: -PAN_STEP, dy: 0 };
    case "ArrowUp":
      return { kind: "pan", dx: 0, dy: PAN_STEP };
    case "ArrowDown":
      return { kind: "pan", dx: 0, dy: -PAN_STEP };
    default:
      return undefined;
  }
}

/** Inputs that take no typing: with focus on one (a bot's Select checkbox), the scene's keys still work. */
const NOT_TYPED = new Set(["checkbox", "radio", "button", "submit", "reset"]);

/** Keys typed into a field (chat, a task prompt) are the field's, not the scene's. */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target instanceof HTMLInputElement) return !NOT_TYPED.has(target.type);
  return target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement;
}
