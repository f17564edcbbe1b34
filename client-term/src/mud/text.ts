/**
 * What the MUD prints: lines of toned spans, rendered to ANSI colour or plain text by the front
 * end. Every span's text passes `inert` on the way out, so nothing anyone else wrote (a name, a
 * message, a room's topic) can reach a terminal as a control sequence.
 */

/** How a span is shown; the renderer maps tones to colours (or to nothing, in plain mode). */
export type Tone =
  | "plain"
  | "room"
  | "exit"
  | "name"
  | "me"
  | "bot"
  | "speech"
  | "mention"
  | "direct"
  | "emote"
  | "notice"
  | "error"
  | "dim"
  | "order";

export interface Span {
  text: string;
  tone?: Tone;
}

/** One printed line; a terminal may wrap it. */
export type Line = Span[];

/** Build a line from strings (plain) and spans. */
export function line(...parts: Array<string | Span>): Line {
  return parts.map((part) => (typeof part === "string" ? { text: part } : part));
}

export function span(text: string, tone: Tone): Span {
  return { text, tone };
}

/** C0 controls (tab and newline too: a span is one line), DEL and C1 controls. */
const CONTROLS = /[\u0000-\u001F\u007F-\u009F]/g;
/** Embeddings, overrides and isolates: they would reorder what follows them on the line. */
const BIDI = /[\u202A-\u202E\u2066-\u2069]/g;

/**
 * Text that can be written to any terminal and shows as itself: each C0 control becomes its
 * Unicode control picture (ESC shows as ␛), DEL as ␡, a C1 control as `<9B>`, and direction
 * overrides as `<U+202E>`. Nothing is dropped, so a reader sees that something odd was sent.
 */
export function inert(text: string): string {
  return text
    .replace(CONTROLS, (c) => {
      const code = c.charCodeAt(0);
      if (code < 0x20) return String.fromCharCode(0x2400 + code);
      if (code === 0x7f) return "\u2421";
      return `<${code.toString(16).toUpperCase()}>`;
    })
    .replace(BIDI, (c) => `<U+${c.charCodeAt(0).toString(16).toUpperCase()}>`);
}

/** SGR colours per tone (16-colour palette, readable on dark and light themes). */
const SGR: Record<Tone, string> = {
  plain: "",
  room: "1;36",
  exit: "33",
  name: "1",
  me: "1;32",
  bot: "35",
  speech: "",
  mention: "1;33;4",
  direct: "1;35",
  emote: "3",
  notice: "2",
  error: "31",
  dim: "2",
  order: "34",
};

export interface RenderStyle {
  /** ANSI colour; off for a non-TTY, NO_COLOR and plain mode. */
  color: boolean;
}

/** One line as a terminal gets it (no newline): every span made inert, coloured when asked. */
export function renderLine(printed: Line, style: RenderStyle): string {
  let out = "";
  for (const { text, tone } of printed) {
    const safe = inert(text);
    const sgr = style.color && tone ? SGR[tone] : "";
    out += sgr ? `\u001b[${sgr}m${safe}\u001b[0m` : safe;
  }
  return out;
}

/** The line's text without tones (tests, plain logs). */
export function plainText(printed: Line): string {
  return renderLine(printed, { color: false });
}
