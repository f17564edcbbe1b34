import { type EditKey, parseKeys } from "./keys.ts";
import { graphemes } from "./width.ts";

/** What the editor asks of its host besides redrawing the input. */
export type EditorEvent =
  /** A line is done (Enter, or a newline inside pasted text). */
  | { kind: "submit"; line: string }
  /** Ctrl-C: the line is dropped; shells show it with ^C and start afresh. */
  | { kind: "cancel"; line: string }
  /** Tab found several candidates: show them above the prompt. */
  | { kind: "list"; items: string[] }
  | { kind: "clearScreen" }
  /** Nothing to complete, no older match, nothing to delete. */
  | { kind: "bell" };

/** What to draw: a label in place of the prompt while searching, the input as graphemes, the cursor as an index into them. */
export interface EditorView {
  search?: string;
  cells: readonly string[];
  cursor: number;
}

/** Readline's completer shape: candidates, and the word (the end of the text before the cursor) they replace. */
export type Completer = (before: string) => [string[], string];

export interface LineEditorOptions {
  complete?: Completer;
  /** Lines kept for Up/Down and Ctrl-R (default 500). */
  historySize?: number;
}

/** Controls (C0, DEL, C1) never enter the line: a paste cannot smuggle them into what is sent. */
const CONTROLS = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;

interface Search {
  query: string;
  /** History index of the current match, or -1 while nothing matches. */
  match: number;
  failed: boolean;
  /** The line as it was before Ctrl-R, for Ctrl-G / Esc. */
  before: string[];
  beforeCursor: number;
}

/**
 * A readline-style line editor for a terminal that gives us raw key bytes (xterm.js): editing,
 * history, reverse search and completion. It knows nothing of terminals: keys in, events and a
 * view out; `InputView` draws the view.
 */
export class LineEditor {
  private cells: string[] = [];
  private cursor = 0;
  private readonly history: string[] = [];
  /** Which history entry is shown; history.length means the line being written. */
  private index = 0;
  /** The line being written, kept while Up shows older ones. */
  private draft: string[] = [];
  private killed = "";
  private searching: Search | undefined;
  private readonly complete: Completer | undefined;
  private readonly historySize: number;

  constructor(options: LineEditorOptions = {}) {
    this.complete = options.complete;
    this.historySize = options.historySize ?? 500;
  }

  get line(): string {
    return this.cells.join("");
  }

  /** Older lines first. */
  get entries(): readonly string[] {
    return this.history;
  }

  view(): EditorView {
    const search = this.searching;
    if (!search) return { cells: this.cells, cursor: this.cursor };
    return { search: `(${search.failed ? "failed " : ""}reverse-i-search)'${search.query}': `, cells: this.cells, cursor: this.cursor };
  }

  /** One `onData` chunk: typed keys or pasted text. */
  feed(data: string): EditorEvent[] {
    const events: EditorEvent[] = [];
    for (const key of parseKeys(data)) {
      if (key.kind === "text") this.type(key.text, events);
      else if (key.kind === "paste") this.paste(key.text, events);
      else this.press(key.key, events);
    }
    return events;
  }

  /** Text as if typed; newlines submit (a paste of several lines sends them one by one). */
  paste(text: string, events: EditorEvent[] = []): EditorEvent[] {
    const parts = text.replace(/\t/g, " ").split(/\r\n|\r|\n/);
    for (const [i, part] of parts.entries()) {
      this.type(part, events);
      if (i < parts.length - 1) this.press("enter", events);
    }
    return events;
  }

  private type(text: string, events: EditorEvent[]): void {
    if (this.searching) {
      this.searchFor(this.searching.query + text.replace(CONTROLS, ""), events);
      return;
    }
    this.insert(text);
  }

  private insert(text: string): void {
    const clean = text.replace(CONTROLS, "").replace(/\t/g, " ");
    if (!clean) return;
    // Segment again around the cursor: a combining mark typed after a letter joins it.
    const before = this.cells.slice(0, this.cursor).join("") + clean;
    this.cells = graphemes(before + this.cells.slice(this.cursor).join(""));
    this.cursor = graphemes(before).length;
  }

  private press(key: EditKey, events: EditorEvent[]): void {
    if (this.searching && this.pressWhileSearching(key, events)) return;
    switch (key) {
      case "enter":
        this.submit(events);
        return;
      case "backspace":
        if (this.cursor === 0) return void events.push({ kind: "bell" });
        this.cells.splice(this.cursor - 1, 1);
        this.cursor--;
        return;
      case "delete":
        if (this.cursor >= this.cells.length) return;
        this.cells.splice(this.cursor, 1);
        return;
      case "left":
        this.cursor = Math.max(0, this.cursor - 1);
        return;
      case "right":
        this.cursor = Math.min(this.cells.length, this.cursor + 1);
        return;
      case "wordLeft":
        this.cursor = this.wordStart();
        return;
      case "wordRight":
        this.cursor = this.wordEnd();
        return;
      case "home":
        this.cursor = 0;
        return;
      case "end":
        this.cursor = this.cells.length;
        return;
      case "up":
        this.recall(this.index - 1, events);
        return;
      case "down":
        this.recall(this.index + 1, events);
        return;
      case "tab":
        this.tab(events);
        return;
      case "killBefore":
        this.kill(0, this.cursor);
        return;
      case "killAfter":
        this.kill(this.cursor, this.cells.length);
        return;
      case "killWordBefore":
        this.kill(this.wordStart(), this.cursor);
        return;
      case "killWordAfter":
        this.kill(this.cursor, this.wordEnd());
        return;
      case "yank":
        this.insert(this.killed);
        return;
      case "search":
        this.searching = { query: "", match: -1, failed: false, before: [...this.cells], beforeCursor: this.cursor };
        return;
      case "cancel":
        events.push({ kind: "cancel", line: this.line });
        this.reset();
        return;
      case "clearScreen":
        return void events.push({ kind: "clearScreen" });
      case "abort":
      case "escape":
        return;
    }
  }

  private submit(events: EditorEvent[]): void {
    const submitted = this.line;
    if (submitted.trim() && this.history[this.history.length - 1] !== submitted) {
      this.history.push(submitted);
      if (this.history.length > this.historySize) this.history.splice(0, this.history.length - this.historySize);
    }
    events.push({ kind: "submit", line: submitted });
    this.reset();
  }

  private reset(): void {
    this.cells = [];
    this.cursor = 0;
    this.draft = [];
    this.index = this.history.length;
  }

  private recall(index: number, events: EditorEvent[]): void {
    if (index < 0 || index > this.history.length) return void events.push({ kind: "bell" });
    if (this.index === this.history.length) this.draft = this.cells;
    this.index = index;
    this.cells = index === this.history.length ? this.draft : graphemes(this.history[index] ?? "");
    this.cursor = this.cells.length;
  }

  private kill(from: number, to: number): void {
    if (to <= from) return;
    this.killed = this.cells.slice(from, to).join("");
    this.cells.splice(from, to - from);
    this.cursor = from;
  }

  /** Where the word before the cursor starts (words are runs of non-spaces, as Ctrl-W counts them). */
  private wordStart(): number {
    let i = this.cursor;
    while (i > 0 && isSpace(this.cells[i - 1])) i--;
    while (i > 0 && !isSpace(this.cells[i - 1])) i--;
    return i;
  }

  private wordEnd(): number {
    let i = this.cursor;
    while (i < this.cells.length && isSpace(this.cells[i])) i++;
    while (i < this.cells.length && !isSpace(this.cells[i])) i++;
    return i;
  }

  private tab(events: EditorEvent[]): void {
    if (!this.complete) return void events.push({ kind: "bell" });
    const before = this.cells.slice(0, this.cursor).join("");
    const [candidates, word] = this.complete(before);
    if (candidates.length === 0 || !before.endsWith(word)) return void events.push({ kind: "bell" });
    const start = before.length - word.length;
    if (candidates.length === 1) {
      this.replaceBefore(start, `${candidates[0]} `);
      return;
    }
    const prefix = commonPrefix(candidates);
    if (prefix.length > word.length) this.replaceBefore(start, prefix);
    events.push({ kind: "list", items: candidates });
  }

  /** Replace the text before the cursor from `start` (a string index) with `text`. */
  private replaceBefore(start: number, text: string): void {
    const before = this.cells.slice(0, this.cursor).join("").slice(0, start) + text;
    const after = this.cells.slice(this.cursor).join("");
    this.cells = graphemes(before + after);
    this.cursor = graphemes(before).length;
  }

  // ---- Ctrl-R ---------------------------------------------------------------------------------

  /** Keys while searching: true when the key was the search's own; otherwise the match is taken and the key acts on it. */
  private pressWhileSearching(key: EditKey, events: EditorEvent[]): boolean {
    const search = this.searching;
    if (!search) return false;
    switch (key) {
      case "search":
        this.searchFrom(search.query, search.match === -1 ? this.history.length - 1 : search.match - 1, events);
        return true;
      case "backspace":
        this.searchFor(Array.from(search.query).slice(0, -1).join(""), events);
        return true;
      case "abort":
      case "escape":
      case "cancel":
        this.cells = search.before;
        this.cursor = search.beforeCursor;
        this.searching = undefined;
        return key !== "cancel";
      default:
        this.searching = undefined;
        return false;
    }
  }

  /** The query changed: look again from the newest entry. */
  private searchFor(query: string, events: EditorEvent[]): void {
    this.searchFrom(query, this.history.length - 1, events);
  }

  private searchFrom(query: string, from: number, events: EditorEvent[]): void {
    const search = this.searching;
    if (!search) return;
    search.query = query;
    const needle = query.toLowerCase();
    for (let i = from; i >= 0; i--) {
      const entry = this.history[i] ?? "";
      const at = entry.toLowerCase().indexOf(needle);
      if (at === -1) continue;
      search.match = i;
      search.failed = false;
      this.index = i;
      this.cells = graphemes(entry);
      this.cursor = graphemes(entry.slice(0, at)).length;
      return;
    }
    search.failed = query.length > 0;
    if (search.failed) events.push({ kind: "bell" });
  }
}

function isSpace(cell: string | undefined): boolean {
  return cell !== undefined && /^\s+$/.test(cell);
}

/** The longest start all candidates share (compared without case, spelled as the first candidate). */
export function commonPrefix(items: readonly string[]): string {
  const first = items[0] ?? "";
  let end = first.length;
  for (const item of items) {
    let i = 0;
    while (i < end && i < item.length && item[i]?.toLowerCase() === first[i]?.toLowerCase()) i++;
    end = i;
  }
  return first.slice(0, end);
}
