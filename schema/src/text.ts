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

function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}
