import { MAX_TEXT_LENGTH } from "./protocol.ts";
import { err, ok, type Result } from "./result.ts";

// C0 controls except tab and newline, DEL, and C1 controls.
const CONTROL_CHARS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Clean user text at the trust boundary: refuse lone surrogates and over-long text,
 * strip NUL and control characters (keeping tab and newline), refuse text left empty.
 */
export function sanitizeText(raw: string, maxLength: number = MAX_TEXT_LENGTH): Result<string> {
  // Characters are code points: an emoji counts once, as a reader would count it.
  const length = raw.length > maxLength ? codePoints(raw) : raw.length;
  if (length > maxLength) return err("bad_input", `text is ${length} characters; the limit is ${maxLength}`);
  if (LONE_SURROGATE.test(raw)) return err("bad_input", "text contains a lone surrogate");
  const text = raw.replace(CONTROL_CHARS, "").replace(/\r\n?/g, "\n");
  if (text.trim().length === 0) return err("bad_input", "text is empty");
  return ok(text);
}

/** Direction embeddings, overrides and isolates: in a label they would reorder whatever is shown after it. */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;
/** Every control character, newlines too: a label is one line. */
const LABEL_CONTROLS = /[\u0000-\u001F\u007F-\u009F]/g;

/**
 * Clean a label others will see on their pages (a room's name or topic): one line, no control
 * characters, no direction overrides; lone surrogates and a label left empty are refused.
 */
export function cleanLabel(raw: string, what: string): Result<string> {
  if (LONE_SURROGATE.test(raw)) return err("bad_input", `${what} contains a lone surrogate`);
  const label = raw.replace(LABEL_CONTROLS, " ").replace(BIDI_CONTROLS, "").replace(/ {2,}/g, " ").trim();
  return label === "" ? err("bad_input", `${what} is empty`) : ok(label);
}

function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** True when the string is exactly one grapheme cluster (what a reader sees as one character). */
export function isOneGrapheme(value: string): boolean {
  const iterator = graphemes.segment(value)[Symbol.iterator]();
  const first = iterator.next();
  return !first.done && first.value.segment === value;
}

/** `@name` at the start or after a non-name character; names as usernames are spelled. */
const MENTION = /(?<![\p{L}\p{N}_.@-])@([a-zA-Z0-9_.-]{3,32})(?![a-zA-Z0-9_-])/gu;

/**
 * The usernames a text mentions with `@name`, lower-cased, each once, in order of first
 * mention. One helper for server (mention counts), SDK (`mentionsMe`) and clients (highlight).
 */
export function mentions(text: string): string[] {
  return [...new Set(mentionSpans(text).map((span) => span.name.toLowerCase()))];
}

/** Where each `@name` stands in the text (`start` at the '@', `end` after the name), for highlighting by the same rule. */
export function mentionSpans(text: string): Array<{ start: number; end: number; name: string }> {
  const spans: Array<{ start: number; end: number; name: string }> = [];
  for (const match of text.matchAll(MENTION)) {
    const name = match[1].replace(/\.+$/, "");
    if (name.length < 3) continue;
    const start = match.index ?? 0;
    spans.push({ start, end: start + 1 + name.length, name });
  }
  return spans;
}

/**
 * An emote's action ("/me waves" → "waves"), or undefined for ordinary text. Emotes are a text
 * convention, not a message type: every client shows them as "* ann waves".
 */
export function emoteOf(text: string): string | undefined {
  return text.startsWith("/me ") && text.slice(4).trim() !== "" ? text.slice(4) : undefined;
}
