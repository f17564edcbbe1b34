import { FitAddon } from "@xterm/addon-fit";
import { type ITheme, Terminal } from "@xterm/xterm";
import { inert } from "../mud/text.ts";
import { styleAttributesThroughCssom, withAdoptedStyles } from "./csp-styles.ts";
import { InputView } from "./input-view.ts";
import { type Completer, type EditorEvent, LineEditor } from "./line-editor.ts";
import { graphemes, textWidth } from "./width.ts";

/** client-kit's theme.css colours, as the terminal's palette. */
const THEME: ITheme = {
  background: "#05070d",
  foreground: "#dce6ff",
  cursor: "#38e1ff",
  cursorAccent: "#05070d",
  selectionBackground: "rgba(56, 225, 255, 0.35)",
  black: "#0b1020",
  red: "#ff4d6d",
  green: "#3dffa2",
  yellow: "#ffcf4a",
  blue: "#5c8dff",
  magenta: "#b46bff",
  cyan: "#38e1ff",
  white: "#dce6ff",
  brightBlack: "#7d8bb0",
  brightRed: "#ff7a93",
  brightGreen: "#7dffc4",
  brightYellow: "#ffe14d",
  brightBlue: "#8fb0ff",
  brightMagenta: "#cf9bff",
  brightCyan: "#8cf0ff",
  brightWhite: "#ffffff",
};
/** Fonts a Debian desktop has (DejaVu), then the usual ones elsewhere. */
const FONT = '"DejaVu Sans Mono", "Noto Sans Mono", "Liberation Mono", ui-monospace, Menlo, Consolas, monospace';
const PROMPT_STYLE = "1;36";
const SEARCH_STYLE = "33";
/** Turns on bracketed paste: xterm then marks pasted text, so a paste is never taken for keys (a Tab, an Escape). */
const BRACKETED_PASTE = "\u001b[?2004h";

export interface TermScreenOptions {
  /** A line the user entered (not blank). */
  onLine: (line: string) => void;
  complete: Completer;
}

/**
 * The xterm.js terminal with our line editor on it: keys go to the editor, the input is redrawn
 * by `InputView`, and lines printed while the user types go above the prompt, leaving the half
 * typed line and its cursor as they were. The terminal fills its container and follows its size.
 */
export class TermScreen {
  readonly terminal: Terminal;
  private readonly fit = new FitAddon();
  private readonly editor: LineEditor;
  private readonly view = new InputView();
  private prompt = "";
  private pending: string[] = [];
  private flushing = false;
  private closed = false;

  constructor(
    private readonly container: HTMLElement,
    private readonly options: TermScreenOptions,
  ) {
    this.editor = new LineEditor({ complete: options.complete });
    this.terminal = new Terminal({
      theme: THEME,
      fontFamily: FONT,
      fontSize: 15,
      lineHeight: 1.15,
      cursorBlink: true,
      scrollback: 5000,
      reflowCursorLine: false,
      // Contrast fixes are drawn as style attributes (see csp-styles.ts); our palette needs none.
      minimumContrastRatio: 1,
      allowProposedApi: false,
    });
    this.terminal.loadAddon(this.fit);
    styleAttributesThroughCssom();
    withAdoptedStyles(() => this.terminal.open(container));
    this.terminal.attachCustomKeyEventHandler((event) => this.browserKey(event));
    this.terminal.onData((data) => this.input(data));
    // xterm leaves the rows holding the cursor as they were drawn (reflowCursorLine is off), so the
    // input's first row is where it was: one redraw lays the input out for the new width.
    this.terminal.onResize(() => this.redraw());
    this.terminal.write(BRACKETED_PASTE);
    this.refit();
    const observer = new ResizeObserver(() => this.refit());
    observer.observe(container);
  }

  focus(): void {
    this.terminal.focus();
  }

  /** The prompt changed (another room); the input is redrawn with it. */
  setPrompt(prompt: string): void {
    // Only what prints as itself: the prompt is drawn with our own colour and measured cell by cell.
    this.prompt = prompt.replace(/\u001b\[[0-9;]*[A-Za-z]/g, "").replace(/[\u0000-\u001f\u007f-\u009f]/g, "");
    this.redraw();
  }

  /** A finished terminal line (already rendered and made inert), shown above the input. */
  print(text: string): void {
    this.pending.push(text);
    if (this.flushing) return;
    this.flushing = true;
    // Lines printed in one go (a look, a history) are written with one redraw of the input.
    queueMicrotask(() => {
      this.flushing = false;
      const lines = this.pending.splice(0);
      this.terminal.write(`${this.view.clear()}${lines.map((l) => `${l}\r\n`).join("")}${this.closed ? "" : this.drawn()}`);
    });
  }

  /** The session is over: no more input; the last lines stay readable. */
  close(): void {
    this.closed = true;
    this.terminal.write(this.view.clear());
    this.terminal.options.cursorBlink = false;
  }

  /** Feed text as if typed (the test hook). */
  type(text: string): void {
    this.input(text);
  }

  /** The buffer's logical lines: rows the terminal wrapped are joined back. */
  lines(): string[] {
    const buffer = this.terminal.buffer.active;
    const out: string[] = [];
    for (let i = 0; i < buffer.length; i++) {
      const row = buffer.getLine(i);
      if (!row) continue;
      const text = row.translateToString(true);
      if (row.isWrapped && out.length > 0) out[out.length - 1] += text;
      else out.push(text);
    }
    const trimmed = out.map((l) => l.trimEnd());
    while (trimmed.length > 0 && trimmed[trimmed.length - 1] === "") trimmed.pop();
    return trimmed;
  }

  setScreenReaderMode(on: boolean): void {
    this.terminal.options.screenReaderMode = on;
  }

  refit(): void {
    if (this.container.clientWidth === 0 || this.container.clientHeight === 0) return;
    this.fit.fit();
  }

  private input(data: string): void {
    if (this.closed) return;
    let out = "";
    const submitted: string[] = [];
    for (const event of this.editor.feed(data)) out += this.handle(event, submitted);
    this.terminal.write(out + this.drawn());
    for (const line of submitted) if (line.trim()) this.options.onLine(line);
  }

  private handle(event: EditorEvent, submitted: string[]): string {
    switch (event.kind) {
      case "submit":
        submitted.push(event.line);
        return this.finished(event.line, "");
      case "cancel":
        return this.finished(event.line, "^C");
      case "list":
        return `${this.view.clear()}${columns(event.items, this.terminal.cols)}`;
      case "clearScreen":
        this.view.forget();
        return "\u001b[H\u001b[2J";
      case "bell":
        return "";
    }
  }

  /** Leaves the line on screen as entered (with a mark after it, e.g. ^C) and moves below it. */
  private finished(line: string, mark: string): string {
    const cells = [...graphemes(line), ...mark];
    const drawn = this.view.draw({ prompt: this.prompt, promptStyle: PROMPT_STYLE, cells, cursor: cells.length }, this.terminal.cols, this.terminal.rows);
    return drawn + this.view.finish();
  }

  private frame() {
    const view = this.editor.view();
    return view.search !== undefined
      ? { prompt: view.search, promptStyle: SEARCH_STYLE, cells: view.cells, cursor: view.cursor }
      : { prompt: this.prompt, promptStyle: PROMPT_STYLE, cells: view.cells, cursor: view.cursor };
  }

  private drawn(): string {
    return this.view.draw(this.frame(), this.terminal.cols, this.terminal.rows);
  }

  private redraw(): void {
    if (!this.closed) this.terminal.write(this.drawn());
  }

  /**
   * Keys the browser should have rather than the terminal: copy with Ctrl-C while text is selected
   * (or Ctrl-Shift-C) and paste with Ctrl-V / Ctrl-Shift-V go to the browser's own copy and paste,
   * which xterm answers with the selection and with the pasted text.
   */
  private browserKey(event: KeyboardEvent): boolean {
    if (event.type !== "keydown" || !event.ctrlKey || event.altKey || event.metaKey) return true;
    const key = event.key.toLowerCase();
    if (key === "c" && event.shiftKey) {
      event.preventDefault();
      void navigator.clipboard?.writeText(this.terminal.getSelection()).catch(() => undefined);
      return false;
    }
    if (key === "c" && this.terminal.hasSelection()) return false;
    if (key === "v") return false;
    return true;
  }
}

/** Completion candidates in columns, as shells list them (names are others' text: made inert). */
function columns(items: readonly string[], width: number): string {
  const shown = items.map((item) => inert(item));
  const cell = Math.max(...shown.map((i) => textWidth(i))) + 2;
  const perRow = Math.max(1, Math.floor(width / cell));
  let out = "";
  for (let i = 0; i < shown.length; i += perRow) {
    const row = shown.slice(i, i + perRow).map((item) => item + " ".repeat(cell - textWidth(item)));
    out += `${row.join("").trimEnd()}\r\n`;
  }
  return out;
}
