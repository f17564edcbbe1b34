/**
 * What xterm's `onData` hands over (typed keys as the bytes a terminal sends, and pasted text),
 * split into the keys the line editor understands. Pure: a chunk in, keys out.
 */

export type EditKey =
  | "enter"
  | "backspace"
  | "delete"
  | "left"
  | "right"
  | "wordLeft"
  | "wordRight"
  | "home"
  | "end"
  | "up"
  | "down"
  | "tab"
  | "killBefore"
  | "killAfter"
  | "killWordBefore"
  | "killWordAfter"
  | "yank"
  | "search"
  | "cancel"
  | "abort"
  | "clearScreen"
  | "escape";

export type Key = { kind: "edit"; key: EditKey } | { kind: "text"; text: string } | { kind: "paste"; text: string };

/** Control characters (Ctrl-letter) and what they do, readline's way. */
const CONTROL: Readonly<Record<string, EditKey>> = {
  "\u0001": "home", // Ctrl-A
  "\u0002": "left", // Ctrl-B
  "\u0003": "cancel", // Ctrl-C
  "\u0004": "delete", // Ctrl-D
  "\u0005": "end", // Ctrl-E
  "\u0006": "right", // Ctrl-F
  "\u0007": "abort", // Ctrl-G
  "\u0008": "backspace", // Ctrl-H
  "\t": "tab",
  "\u000b": "killAfter", // Ctrl-K
  "\u000c": "clearScreen", // Ctrl-L
  "\u000e": "down", // Ctrl-N
  "\u0010": "up", // Ctrl-P
  "\u0012": "search", // Ctrl-R
  "\u0015": "killBefore", // Ctrl-U
  "\u0017": "killWordBefore", // Ctrl-W
  "\u0019": "yank", // Ctrl-Y
  "\u007f": "backspace",
};

/** CSI and SS3 final bytes without parameters (or with only modifiers). */
const FINAL: Readonly<Record<string, EditKey>> = { A: "up", B: "down", C: "right", D: "left", H: "home", F: "end" };
/** `CSI n ~` keys. */
const TILDE: Readonly<Record<string, EditKey>> = { "1": "home", "7": "home", "4": "end", "8": "end", "3": "delete" };
/** Alt-letter (ESC then the letter), as readline binds them. */
const ALT: Readonly<Record<string, EditKey>> = { b: "wordLeft", f: "wordRight", d: "killWordAfter", "\u007f": "killWordBefore", "\u0008": "killWordBefore" };

const PASTE_START = "\u001b[200~";
const PASTE_END = "\u001b[201~";
/** Escape sequences: CSI with parameters and a final byte, SS3, or ESC and one character. */
const ESCAPE = /^\u001b(?:\[([0-9;?]*)([\u0040-\u007e])|O([A-Za-z])|([\s\S]))?/;
/** A run of printable text: no C0 control, no DEL, no C1 control. */
const TEXT = /^[^\u0000-\u001f\u007f-\u009f]+/;

/** Splits one `onData` chunk into keys. "\r\n" is one Enter; unknown controls and sequences are dropped. */
export function parseKeys(data: string): Key[] {
  const keys: Key[] = [];
  let rest = data;
  while (rest.length > 0) {
    if (rest.startsWith(PASTE_START)) {
      // Bracketed paste (the page turns it on): the text between the markers is pasted, never run as keys.
      const end = rest.indexOf(PASTE_END, PASTE_START.length);
      const text = rest.slice(PASTE_START.length, end === -1 ? undefined : end);
      keys.push({ kind: "paste", text });
      rest = end === -1 ? "" : rest.slice(end + PASTE_END.length);
      continue;
    }
    const text = TEXT.exec(rest);
    if (text) {
      keys.push({ kind: "text", text: text[0] });
      rest = rest.slice(text[0].length);
      continue;
    }
    const first = rest[0];
    if (first === "\r" || first === "\n") {
      keys.push({ kind: "edit", key: "enter" });
      rest = rest.slice(rest.startsWith("\r\n") ? 2 : 1);
      continue;
    }
    if (first === "\u001b") {
      const match = ESCAPE.exec(rest) ?? [rest[0]];
      const key = escapeKey(match[1], match[2], match[3], match[4]);
      if (key) keys.push({ kind: "edit", key });
      rest = rest.slice(match[0].length);
      continue;
    }
    const control = CONTROL[first];
    if (control) keys.push({ kind: "edit", key: control });
    rest = rest.slice(1);
  }
  return keys;
}

function escapeKey(params: string | undefined, final: string | undefined, ss3: string | undefined, alt: string | undefined): EditKey | undefined {
  if (final !== undefined) {
    const [first = "", modifier = ""] = (params ?? "").split(";");
    if (final === "~") return TILDE[first];
    // Ctrl (5) or Alt (3) with Left/Right moves by words.
    if ((modifier === "5" || modifier === "3") && (final === "C" || final === "D")) return final === "C" ? "wordRight" : "wordLeft";
    return FINAL[final];
  }
  if (ss3 !== undefined) return FINAL[ss3];
  if (alt !== undefined) return ALT[alt];
  return "escape";
}
