/** Small display helpers the chat's parts share. */

const TIME = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const DATE_TIME = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
const FULL = new Intl.DateTimeFormat(undefined, { dateStyle: "full", timeStyle: "medium" });

/** "14:03" today, "Mar 4, 14:03" before; the full date for a tooltip. */
export function timeLabel(ts: number, now = Date.now()): { short: string; full: string } {
  const date = new Date(ts);
  const today = new Date(now).toDateString() === date.toDateString();
  return { short: (today ? TIME : DATE_TIME).format(date), full: FULL.format(date) };
}

export function sizeLabel(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** The first line of a message, cut short: for "replying to" and search results. */
export function snippet(text: string, max = 80): string {
  const line = text.replace(/\s+/g, " ").trim();
  const chars = [...line];
  return chars.length > max ? `${chars.slice(0, max - 1).join("")}…` : line;
}

/** "ana", "ana and bob", "ana, bob and cy", "5 people". */
export function nameList(names: string[]): string {
  if (names.length > 3) return `${names.length} people`;
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}
