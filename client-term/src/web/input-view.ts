import { textWidth } from "./width.ts";

const CSI = "\u001b[";

/** What one draw shows: the prompt (or the search label) in a colour, then the input, and where the cursor goes. */
export interface InputFrame {
  prompt: string;
  /** SGR parameters for the prompt ("" for none). */
  promptStyle: string;
  cells: readonly string[];
  /** Index into `cells`; `cells.length` is the end. */
  cursor: number;
}

/** Rows and columns of each cell, laid out as a terminal with auto-wrap lays out text written from column 0. */
interface Layout {
  rows: Int32Array;
  cols: Int32Array;
  /** Where the terminal's cursor is after writing everything (col may equal the width: a pending wrap). */
  endRow: number;
  endCol: number;
}

function layout(widths: readonly number[], columns: number): Layout {
  const rows = new Int32Array(widths.length);
  const cols = new Int32Array(widths.length);
  let row = 0;
  let col = 0;
  for (const [i, width] of widths.entries()) {
    // A character that does not fit goes to the next row, as xterm wraps it (a wide one leaves the last cell empty).
    if (width > 0 && col + width > columns && col > 0) {
      row++;
      col = 0;
    }
    rows[i] = row;
    cols[i] = col;
    col += width;
  }
  return { rows, cols, endRow: row, endCol: col };
}

/**
 * Draws the prompt and the input line of a terminal and keeps track of where it left the cursor,
 * so each draw first goes back to the input's first row and erases what the last draw wrote. An
 * input taller than the terminal shows the rows around the cursor. Pure: it returns the bytes
 * to write.
 */
export class InputView {
  /** Rows between the input's first drawn row and the terminal's cursor. */
  private cursorRow = 0;
  /** First row of the input shown (non-zero only when the input is taller than the terminal). */
  private top = 0;
  /** Where the last draw ended, for `finish`. */
  private lastRow = 0;
  private endsOnFreshRow = false;

  /** Erase what was drawn; the cursor is left at the start of the input's first row. */
  clear(): string {
    const out = `${up(this.cursorRow)}\r${CSI}J`;
    this.cursorRow = 0;
    this.lastRow = 0;
    return out;
  }

  /** Redraw the whole input for a terminal `columns` wide and `rows` high. */
  draw(frame: InputFrame, columns: number, rows: number): string {
    const cols = Math.max(1, columns);
    const prompt = Array.from(frame.prompt);
    const cells = [...prompt, ...frame.cells];
    const placed = layout(
      cells.map((c) => textWidth(c)),
      cols,
    );
    const cursorAt = prompt.length + Math.min(frame.cursor, frame.cells.length);
    let [cursorRow, cursorCol] = cursorAt < cells.length ? [placed.rows[cursorAt] ?? 0, placed.cols[cursorAt] ?? 0] : [placed.endRow, placed.endCol];
    if (cursorCol >= cols) [cursorRow, cursorCol] = [cursorRow + 1, 0];
    // An input taller than the screen (less a row for the line above it) shows a window of rows around the cursor,
    // one row shorter still so that a full last row's wrap never scrolls the screen.
    const needed = placed.endRow + 1 + (placed.endCol >= cols ? 1 : 0);
    const windowed = needed > Math.max(1, rows - 1);
    const visible = windowed ? Math.max(1, rows - 2) : needed;
    if (!windowed) this.top = 0;
    else this.top = Math.max(0, Math.min(Math.max(this.top, cursorRow - visible + 1), cursorRow, placed.endRow + 1 - visible));
    const bottom = this.top + visible - 1;

    let out = this.clear();
    let styled = false;
    let endRow = 0;
    let endCol = 0;
    for (const [i, cell] of cells.entries()) {
      const row = placed.rows[i] ?? 0;
      if (row < this.top) continue;
      if (row > bottom) break;
      const isPrompt = i < prompt.length;
      if (isPrompt && !styled && frame.promptStyle) {
        out += `${CSI}${frame.promptStyle}m`;
        styled = true;
      }
      if (!isPrompt && styled) {
        out += `${CSI}0m`;
        styled = false;
      }
      out += cell;
      endRow = row - this.top;
      endCol = (placed.cols[i] ?? 0) + textWidth(cell);
    }
    if (styled) out += `${CSI}0m`;
    // A row filled to its last column leaves the cursor waiting to wrap; a space and CR make it wrap now, so moves are counted from a real cell.
    this.endsOnFreshRow = endCol >= cols;
    if (this.endsOnFreshRow) {
      out += " \r";
      endRow++;
      endCol = 0;
    }
    const targetRow = Math.min(Math.max(cursorRow - this.top, 0), endRow);
    out += `${up(endRow - targetRow)}\r${cursorCol > 0 ? `${CSI}${cursorCol}C` : ""}`;
    this.cursorRow = targetRow;
    this.lastRow = endRow;
    return out;
  }

  /** The input is done (submitted or cancelled): move below it, so the next draw starts on a new row and this one stays. */
  finish(): string {
    const out = `${down(this.lastRow - this.cursorRow)}${this.endsOnFreshRow ? "\r" : "\r\n"}`;
    this.forget();
    return out;
  }

  /** The screen was cleared with the cursor at its top left: the next draw starts there. */
  forget(): void {
    this.cursorRow = 0;
    this.lastRow = 0;
    this.top = 0;
    this.endsOnFreshRow = false;
  }

}

function up(rows: number): string {
  return rows > 0 ? `${CSI}${rows}A` : "";
}

function down(rows: number): string {
  return rows > 0 ? `${CSI}${rows}B` : "";
}
