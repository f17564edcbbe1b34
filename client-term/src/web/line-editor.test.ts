import { describe, expect, it } from "vitest";
import { parseKeys } from "./keys.ts";
import { commonPrefix, type EditorEvent, LineEditor } from "./line-editor.ts";
import { codePointWidth, graphemes, textWidth } from "./width.ts";

const KEY = {
  left: "\u001b[D",
  right: "\u001b[C",
  up: "\u001b[A",
  down: "\u001b[B",
  home: "\u001b[H",
  end: "\u001b[F",
  delete: "\u001b[3~",
  backspace: "\u007f",
  tab: "\t",
  enter: "\r",
};
const ctrl = (letter: string) => String.fromCharCode(letter.toUpperCase().charCodeAt(0) - 64);

/** The line with a `|` where the cursor is. */
function shown(editor: LineEditor): string {
  const { cells, cursor } = editor.view();
  return `${cells.slice(0, cursor).join("")}|${cells.slice(cursor).join("")}`;
}

function submitted(events: EditorEvent[]): string[] {
  return events.flatMap((e) => (e.kind === "submit" ? [e.line] : []));
}

describe("keys from xterm's onData", () => {
  it("tells typed text, controls, cursor keys (CSI and SS3) and Ctrl/Alt word moves apart", () => {
    expect(parseKeys("abc\u001b[D\u001bOH\u001b[1;5C\u001bb\u0001\r\n")).toEqual([
      { kind: "text", text: "abc" },
      { kind: "edit", key: "left" },
      { kind: "edit", key: "home" },
      { kind: "edit", key: "wordRight" },
      { kind: "edit", key: "wordLeft" },
      { kind: "edit", key: "home" },
      { kind: "edit", key: "enter" },
    ]);
    expect(parseKeys("\u001b[3~\u001b[4~\u001b[5~\u001b")).toEqual([
      { kind: "edit", key: "delete" },
      { kind: "edit", key: "end" },
      { kind: "edit", key: "escape" },
    ]);
  });

  it("keeps a bracketed paste whole, escape sequences inside it included", () => {
    expect(parseKeys("x\u001b[200~one\rtwo\u001b[2J\u001b[201~y")).toEqual([
      { kind: "text", text: "x" },
      { kind: "paste", text: "one\rtwo\u001b[2J" },
      { kind: "text", text: "y" },
    ]);
  });

  it("drops C1 controls and unknown C0 controls", () => {
    expect(parseKeys("a\u009bb\u001ec")).toEqual([
      { kind: "text", text: "a" },
      { kind: "text", text: "b" },
      { kind: "text", text: "c" },
    ]);
  });
});

describe("widths as xterm counts them", () => {
  it("gives wide East Asian characters two cells and combining marks none", () => {
    expect(textWidth("abc")).toBe(3);
    expect(textWidth("日本")).toBe(4);
    expect(textWidth("e\u0301")).toBe(1);
    expect(codePointWidth(0x200d)).toBe(0);
    expect(codePointWidth(0x1f600)).toBe(1); // emoji are one cell in xterm's default Unicode 6 table
  });
});

describe("the line editor", () => {
  it("inserts where the cursor is and moves by character, word and line", () => {
    const editor = new LineEditor();
    editor.feed("say hello world");
    editor.feed(`${KEY.left}${KEY.left}X`);
    expect(shown(editor)).toBe("say hello worX|ld");
    editor.feed(KEY.home);
    expect(shown(editor)).toBe("|say hello worXld");
    editor.feed("\u001bf\u001bf");
    expect(shown(editor)).toBe("say hello| worXld");
    editor.feed(ctrl("e"));
    expect(shown(editor)).toBe("say hello worXld|");
    editor.feed(ctrl("a") + KEY.right);
    expect(shown(editor)).toBe("s|ay hello worXld");
  });

  it("deletes with Backspace and Delete, and kills with Ctrl-U, Ctrl-K and Ctrl-W (Ctrl-Y puts the last back)", () => {
    const editor = new LineEditor();
    editor.feed(`say one two${KEY.backspace}`);
    expect(shown(editor)).toBe("say one tw|");
    editor.feed(KEY.home + KEY.delete);
    expect(shown(editor)).toBe("|ay one tw");
    editor.feed(`${KEY.end}${ctrl("w")}`);
    expect(shown(editor)).toBe("ay one |");
    editor.feed(ctrl("y"));
    expect(shown(editor)).toBe("ay one tw|");
    editor.feed(`${KEY.left}${KEY.left}${ctrl("k")}`);
    expect(shown(editor)).toBe("ay one |");
    editor.feed(`${KEY.left}${ctrl("u")}`);
    expect(shown(editor)).toBe("| ");
    expect(editor.feed(KEY.home + KEY.backspace)).toEqual([{ kind: "bell" }]);
  });

  it("submits on Enter and recalls lines with Up and Down, keeping the half-written one", () => {
    const editor = new LineEditor();
    expect(submitted(editor.feed(`look${KEY.enter}say hi${KEY.enter}say hi${KEY.enter}`))).toEqual(["look", "say hi", "say hi"]);
    expect(editor.entries).toEqual(["look", "say hi"]); // no duplicate of the last entry
    editor.feed("dra");
    editor.feed(KEY.up);
    expect(shown(editor)).toBe("say hi|");
    editor.feed(ctrl("p"));
    expect(shown(editor)).toBe("look|");
    expect(editor.feed(KEY.up)).toEqual([{ kind: "bell" }]);
    editor.feed(KEY.down + KEY.down);
    expect(shown(editor)).toBe("dra|");
    // Editing a recalled line sends the edit and leaves the history as it was.
    editor.feed(`${ctrl("u")}${KEY.up}${KEY.up} around${KEY.enter}`);
    expect(editor.entries).toEqual(["look", "say hi", "look around"]);
  });

  it("keeps a bounded history and leaves blank lines out", () => {
    const editor = new LineEditor({ historySize: 3 });
    for (const n of [1, 2, 3, 4, 5]) editor.feed(`say ${n}${KEY.enter}`);
    editor.feed(`   ${KEY.enter}`);
    expect(editor.entries).toEqual(["say 3", "say 4", "say 5"]);
  });

  it("searches the history backwards with Ctrl-R, again with Ctrl-R, and runs the match on Enter", () => {
    const editor = new LineEditor();
    editor.feed(`say apples${KEY.enter}look${KEY.enter}say apricots${KEY.enter}who${KEY.enter}`);
    editor.feed(`draft${ctrl("r")}ap`);
    expect(editor.view().search).toBe("(reverse-i-search)'ap': ");
    expect(shown(editor)).toBe("say |apricots");
    editor.feed(ctrl("r"));
    expect(shown(editor)).toBe("say |apples");
    expect(editor.feed(ctrl("r"))).toEqual([{ kind: "bell" }]); // no older match: stays on the last one
    editor.feed("x");
    expect(editor.view().search).toBe("(failed reverse-i-search)'apx': ");
    editor.feed(KEY.backspace);
    expect(shown(editor)).toBe("say |apricots");
    expect(submitted(editor.feed(KEY.enter))).toEqual(["say apricots"]);
    expect(editor.view().search).toBeUndefined();
  });

  it("gives the line back when a search is abandoned with Ctrl-G, and edits the match after another key", () => {
    const editor = new LineEditor();
    editor.feed(`tell ann hi${KEY.enter}`);
    editor.feed(`dra${ctrl("r")}ann${ctrl("g")}`);
    expect(shown(editor)).toBe("dra|");
    editor.feed(`${ctrl("r")}ann${KEY.end}!`);
    expect(shown(editor)).toBe("tell ann hi!|");
  });

  it("completes one candidate with a space, and several to their common start while listing them", () => {
    const names = ["Alice", "Alina", "bob"];
    const editor = new LineEditor({
      complete: (before) => {
        const word = before.split(" ").pop() ?? "";
        return [names.filter((n) => n.toLowerCase().startsWith(word.toLowerCase())), word];
      },
    });
    editor.feed("tell b");
    editor.feed(KEY.tab);
    expect(shown(editor)).toBe("tell bob |");
    editor.feed(`${ctrl("u")}tell al`);
    expect(editor.feed(KEY.tab)).toEqual([{ kind: "list", items: ["Alice", "Alina"] }]);
    expect(shown(editor)).toBe("tell Ali|");
    editor.feed(`c${KEY.tab}`);
    expect(shown(editor)).toBe("tell Alice |");
    editor.feed(`${ctrl("u")}tell zed`);
    expect(editor.feed(KEY.tab)).toEqual([{ kind: "bell" }]);
  });

  it("completes in the middle of a line, keeping what follows the cursor", () => {
    const editor = new LineEditor({ complete: (before) => [before.endsWith("go n") ? ["north"] : [], before.split(" ").pop() ?? ""] });
    editor.feed(`go n and more${KEY.home}${"\u001bf".repeat(2)}${KEY.tab}`);
    expect(shown(editor)).toBe("go north | and more");
  });

  it("submits pasted lines one by one and keeps control characters out of the line", () => {
    const editor = new LineEditor();
    const events = editor.feed("\u001b[200~say one\r\nsay two\u001b[2J\rsay thr\u001b[201~");
    expect(submitted(events)).toEqual(["say one", "say two[2J"]);
    expect(shown(editor)).toBe("say thr|");
    // Without bracketed paste, a pasted chunk with newlines still submits line by line.
    expect(submitted(editor.feed("ee\rlook\r"))).toEqual(["say three", "look"]);
    editor.feed("a\tb");
    expect(editor.line).toBe("ab"); // a typed Tab completes (nothing here), it is not inserted
  });

  it("cancels the line on Ctrl-C and asks for a clear screen on Ctrl-L", () => {
    const editor = new LineEditor();
    expect(editor.feed(`say oops${ctrl("c")}`)).toEqual([{ kind: "cancel", line: "say oops" }]);
    expect(editor.line).toBe("");
    editor.feed("keep");
    expect(editor.feed(ctrl("l"))).toEqual([{ kind: "clearScreen" }]);
    expect(editor.line).toBe("keep");
  });

  it("splits text into the characters a reader sees", () => {
    expect(graphemes("ab e\u0301 日本 👩‍👩‍👧 x")).toEqual(["a", "b", " ", "e\u0301", " ", "日", "本", " ", "👩‍👩‍👧", " ", "x"]);
    expect(graphemes("abcde\u0301fg")).toEqual(["a", "b", "c", "d", "e\u0301", "f", "g"]);
    expect(graphemes("")).toEqual([]);
  });

  it("edits wide characters, emoji and combining marks as single characters", () => {
    const editor = new LineEditor();
    editor.feed("say 日本 👩‍👩‍👧 e");
    editor.feed("\u0301");
    expect(editor.view().cells.slice(-1)).toEqual(["e\u0301"]);
    editor.feed(KEY.backspace + KEY.backspace + KEY.backspace);
    expect(shown(editor)).toBe("say 日本 |");
    editor.feed(KEY.left + KEY.left + KEY.delete);
    expect(shown(editor)).toBe("say 日| ");
  });

  it("takes a 100,000-character paste", () => {
    const editor = new LineEditor();
    editor.feed(`\u001b[200~${"x".repeat(100_000)}\u001b[201~`);
    expect(editor.line.length).toBe(100_000);
  });
});

describe("commonPrefix", () => {
  it("compares without case and spells as the first candidate", () => {
    expect(commonPrefix(["Alice", "alina"])).toBe("Ali");
    expect(commonPrefix(["north"])).toBe("north");
    expect(commonPrefix(["a", "b"])).toBe("");
  });
});
