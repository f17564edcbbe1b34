/** Direction marks that would reorder what is drawn after a name (a name is remote text). */
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;
/** Combining marks stacked more than two deep (zalgo) would paint over neighbours. */
const STACKED_MARKS = /(\p{M}{2})\p{M}+/gu;

/**
 * A remote name made fit for a canvas label: direction controls and deep mark stacks removed,
 * line breaks flattened, and cut to `max` characters (whole code points) with an ellipsis.
 */
export function shortLabel(raw: string, max = 20): string {
  const flat = raw.replace(BIDI_CONTROLS, "").replace(STACKED_MARKS, "$1").replace(/\s+/g, " ").trim();
  const chars = Array.from(flat);
  return chars.length > max ? `${chars.slice(0, max - 1).join("")}…` : flat;
}
