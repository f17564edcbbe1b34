/**
 * How many terminal cells a piece of text takes, as xterm.js counts them (its default Unicode 6
 * widths): East Asian wide and fullwidth characters take two, combining marks and format
 * characters none, everything else one. The line editor lays its input out with this, so the
 * cursor lands where xterm draws the character.
 */

/** The wide ranges of xterm's UnicodeV6 table (start, end inclusive). */
const WIDE: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x115f],
  [0x2329, 0x232a],
  [0x2e80, 0x303e],
  [0x3040, 0xa4cf],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x20000, 0x2fffd],
  [0x30000, 0x3fffd],
];
/** Nonspacing and enclosing marks, format characters (ZWJ, direction marks, BOM) and Hangul vowels that join the syllable before. */
const ZERO = /^[\p{Mn}\p{Me}\p{Cf}\u1160-\u11ff]$/u;

/** Cells of one code point: 0, 1 or 2 (controls count 0; the editor never inserts them). */
export function codePointWidth(code: number): 0 | 1 | 2 {
  if (code < 0x20 || (code >= 0x7f && code < 0xa0)) return 0;
  if (code < 0x300) return 1;
  if (ZERO.test(String.fromCodePoint(code))) return 0;
  for (const [start, end] of WIDE) if (code >= start && code <= end) return 2;
  return 1;
}

/** Cells of a string (a grapheme, a prompt): the sum over its code points, as xterm adds them up. */
export function textWidth(text: string): number {
  let cells = 0;
  for (const char of text) cells += codePointWidth(char.codePointAt(0) ?? 0);
  return cells;
}

const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });
const RUNS = /[\u0020-\u007e]+|[^\u0020-\u007e]+/g;

/**
 * The user-perceived characters of a string: the editor's cursor steps over one at a time.
 * Printable ASCII inside a run of it is one character each; only the edges of such runs and
 * other text go through Intl.Segmenter, which is slow (seconds for a 100,000-character paste).
 */
export function graphemes(text: string): string[] {
  const out: string[] = [];
  let pending = "";
  const flush = () => {
    for (const { segment } of segmenter.segment(pending)) out.push(segment);
    pending = "";
  };
  for (const [run] of text.matchAll(RUNS)) {
    if (run.length <= 2 || run.charCodeAt(0) > 0x7e || run.charCodeAt(0) < 0x20) {
      pending += run;
      continue;
    }
    // An ASCII run's first character may join what precedes it (a prepended mark), its last what follows (a combining mark).
    pending += run[0];
    flush();
    for (let i = 1; i < run.length - 1; i++) out.push(run[i] ?? "");
    pending = run[run.length - 1] ?? "";
  }
  if (pending) flush();
  return out;
}
