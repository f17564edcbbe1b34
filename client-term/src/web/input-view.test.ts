import { describe, expect, it } from "vitest";
import { InputView } from "./input-view.ts";
import { graphemes, textWidth } from "./width.ts";

/**
 * A small terminal screen: auto-wrap (a character that does not fit goes to the next row, a wide
 * one leaving the last cell blank), CR, LF with scrolling, cursor up/down/forward, erase below,
 * SGR ignored. Enough to check that what InputView writes lands where it should.
 */
class Screen {
  grid: string[][];
  scrolled: string[] = [];
  x = 0;
  y = 0;
  constructor(
    readonly cols: number,
    readonly rows: number,
  ) {
    this.grid = Array.from({ length: rows }, () => this.blank());
  }
  private blank(): string[] {
    return Array.from({ length: this.cols }, () => " ");
  }
  private lineFeed(): void {
    if (this.y < this.rows - 1) this.y++;
    else {
      this.scrolled.push(this.text(this.grid.shift() ?? []));
      this.grid.push(this.blank());
    }
  }
  private text(row: string[]): string {
    return row.join("").trimEnd();
  }
  write(data: string): void {
    const pattern = /\u001b\[([0-9;]*)([A-Za-z])|\r|\n|[^\u001b\r\n]+/g;
    for (const [token, params, final] of data.matchAll(pattern)) {
      if (final) {
        const n = Number(params || "1");
        if (final === "A") this.y = Math.max(0, this.y - n);
        else if (final === "B") this.y = Math.min(this.rows - 1, this.y + n);
        else if (final === "C") this.x = Math.min(this.cols - 1, this.x + n);
        else if (final === "J") {
          for (let c = Math.min(this.x, this.cols); c < this.cols; c++) (this.grid[this.y] as string[])[c] = " ";
          for (let r = this.y + 1; r < this.rows; r++) this.grid[r] = this.blank();
        } else if (final !== "m") throw new Error(`unexpected sequence ${JSON.stringify(token)}`);
      } else if (token === "\r") this.x = 0;
      else if (token === "\n") this.lineFeed();
      else
        for (const g of graphemes(token)) {
          const w = textWidth(g);
          if (w === 0) continue;
          if (this.x + w > this.cols) {
            this.x = 0;
            this.lineFeed();
          }
          (this.grid[this.y] as string[])[this.x] = g;
          if (w === 2) (this.grid[this.y] as string[])[this.x + 1] = "";
          this.x += w;
        }
    }
  }
  lines(): string[] {
    return [...this.scrolled, ...this.grid.map((r) => this.text(r))];
  }
  screen(): string[] {
    return this.grid.map((r) => this.text(r));
  }
}

const frame = (text: string, cursor = graphemes(text).length, prompt = "lobby> ") => ({ prompt, promptStyle: "1;36", cells: graphemes(text), cursor });

describe("drawing the input line", () => {
  it("draws the prompt and input, and redraws in place as it changes", () => {
    const screen = new Screen(40, 6);
    const view = new InputView();
    screen.write(view.draw(frame("say hi"), 40, 6));
    screen.write(view.draw(frame("say hi there", 4), 40, 6));
    expect(screen.screen()[0]).toBe("lobby> say hi there");
    expect([screen.x, screen.y]).toEqual([11, 0]);
  });

  it("wraps a line longer than the terminal and moves the cursor across rows", () => {
    const screen = new Screen(10, 6);
    const view = new InputView();
    const text = "abcdefghijklmnopqrstu"; // 7 + 21 = 28 cells: three rows
    screen.write(view.draw(frame(text), 10, 6));
    expect(screen.screen().slice(0, 3)).toEqual(["lobby> abc", "defghijklm", "nopqrstu"]);
    expect([screen.x, screen.y]).toEqual([8, 2]);
    screen.write(view.draw(frame(text, 2), 10, 6));
    expect([screen.x, screen.y]).toEqual([9, 0]);
    // Shorter again: the rows it no longer needs are erased.
    screen.write(view.draw(frame("ab"), 10, 6));
    expect(screen.screen().slice(0, 3)).toEqual(["lobby> ab", "", ""]);
  });

  it("handles a line that ends exactly at the right edge", () => {
    const screen = new Screen(10, 6);
    const view = new InputView();
    screen.write(view.draw(frame("abc"), 10, 6));
    expect([screen.x, screen.y]).toEqual([0, 1]);
    screen.write(view.draw(frame("abcd"), 10, 6));
    expect(screen.screen().slice(0, 2)).toEqual(["lobby> abc", "d"]);
    expect([screen.x, screen.y]).toEqual([1, 1]);
    screen.write(view.draw(frame("ab"), 10, 6));
    expect(screen.screen().slice(0, 2)).toEqual(["lobby> ab", ""]);
  });

  it("wraps a wide character that does not fit whole onto the next row", () => {
    const screen = new Screen(10, 6);
    const view = new InputView();
    screen.write(view.draw(frame("ab日本語"), 10, 6)); // 7 + 2 = 9: 日 would straddle the edge
    expect(screen.screen().slice(0, 2)).toEqual(["lobby> ab", "日本語"]);
    expect([screen.x, screen.y]).toEqual([6, 1]);
    screen.write(view.draw(frame("ab日本語", 3), 10, 6));
    expect([screen.x, screen.y]).toEqual([2, 1]);
  });

  it("writes output above the input without losing what is typed or where the cursor is", () => {
    const screen = new Screen(12, 8);
    const view = new InputView();
    const typed = frame("say a long one", 5);
    screen.write(view.draw(typed, 12, 8));
    screen.write(`${view.clear()}Ann says hi\r\nBob waves\r\n${view.draw(typed, 12, 8)}`);
    expect(screen.screen().slice(0, 4)).toEqual(["Ann says hi", "Bob waves", "lobby> say a", " long one"]);
    expect([screen.x, screen.y]).toEqual([0, 3]);
  });

  it("leaves a submitted line on screen and starts the next prompt below it", () => {
    const screen = new Screen(10, 6);
    const view = new InputView();
    screen.write(view.draw(frame("abcdefgh", 1), 10, 6));
    screen.write(view.finish());
    screen.write(view.draw(frame(""), 10, 6));
    expect(screen.screen().slice(0, 3)).toEqual(["lobby> abc", "defgh", "lobby>"]);
    // The same when the submitted line filled its last row exactly.
    screen.write(view.draw(frame("abc"), 10, 6));
    screen.write(view.finish());
    screen.write(view.draw(frame("x"), 10, 6));
    expect(screen.screen().slice(2, 4)).toEqual(["lobby> abc", "lobby> x"]);
  });

  it("shows only the rows around the cursor of an input taller than the terminal, and scrolls nothing away", () => {
    const screen = new Screen(20, 5);
    screen.write("earlier line\r\n");
    const view = new InputView();
    const text = "x".repeat(100_000);
    screen.write(view.draw(frame(text), 20, 5));
    expect(screen.lines()[0]).toBe("earlier line");
    expect(screen.screen().slice(1, 5)).toEqual(["x".repeat(20), "x".repeat(20), "x".repeat(7), ""]);
    expect([screen.x, screen.y]).toEqual([7, 3]);
    screen.write(view.draw(frame(text, 0), 20, 5));
    expect(screen.screen().slice(1, 5)).toEqual(["lobby> xxxxxxxxxxxxx", "x".repeat(20), "x".repeat(20), ""]);
    expect([screen.x, screen.y]).toEqual([7, 1]);
    // Moving right through it scrolls the window, never the screen.
    screen.write(view.draw(frame(text, 80), 20, 5));
    expect(screen.lines()[0]).toBe("earlier line");
    expect(screen.y).toBeLessThan(4);
    screen.write(view.draw(frame("short"), 20, 5));
    expect(screen.screen().slice(1, 3)).toEqual(["lobby> short", ""]);
  });
});
