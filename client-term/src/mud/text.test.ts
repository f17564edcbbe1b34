import { describe, expect, it } from "vitest";
import { inert, line, plainText, renderLine, span } from "./text.ts";

/** Anything a terminal could act on: C0, DEL, C1, and the direction controls that reorder a line. */
const ACTIVE = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

describe("inert", () => {
  it("turns every C0 control into its control picture (tab and newline too)", () => {
    for (let code = 0; code < 0x20; code++) {
      expect(inert(String.fromCharCode(code))).toBe(String.fromCharCode(0x2400 + code));
    }
    expect(inert("a\tb\nc\rd")).toBe("a␉b␊c␍d");
    expect(inert("\x1b")).toBe("␛");
  });

  it("shows DEL as ␡ and each C1 control as its code", () => {
    expect(inert("\x7f")).toBe("␡");
    for (let code = 0x80; code <= 0x9f; code++) {
      expect(inert(String.fromCharCode(code))).toBe(`<${code.toString(16).toUpperCase()}>`);
    }
    expect(inert("\x9b2J")).toBe("<9B>2J");
  });

  it("makes the hostile sequences plain text that shows what was sent", () => {
    expect(inert("\x1b]0;title\x07")).toBe("␛]0;title␇");
    expect(inert("\x1b[2J")).toBe("␛[2J");
    expect(inert("\x1b[31mred\x1b[0m")).toBe("␛[31mred␛[0m");
    expect(inert("\x1bP+q\x1b\\")).toBe("␛P+q␛\\");
  });

  it("names direction overrides and isolates instead of obeying them", () => {
    expect(inert("abc\u202Edef")).toBe("abc<U+202E>def");
    expect(inert("\u2066x\u2069")).toBe("<U+2066>x<U+2069>");
    for (const code of [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]) {
      expect(inert(String.fromCharCode(code))).not.toMatch(ACTIVE);
    }
  });

  it("leaves ordinary text, accents and emoji alone", () => {
    const text = "Zoë says ¡hola! 👋 — 日本語 and “quotes”";
    expect(inert(text)).toBe(text);
  });

  it("leaves nothing active in any character from U+0000 to U+FFFF", () => {
    let all = "";
    for (let code = 0; code < 0x10000; code++) if (code < 0xd800 || code > 0xdfff) all += String.fromCharCode(code);
    expect(inert(all)).not.toMatch(ACTIVE);
  });
});

describe("renderLine", () => {
  const printed = line(span("Ann", "me"), " says: ", span("hi\x1b[2J", "speech"), span(" (edited)", "dim"));

  it("with colour: an SGR code around each toned span, text inert, and nothing around plain or untinted spans", () => {
    expect(renderLine(printed, { color: true })).toBe("\x1b[1;32mAnn\x1b[0m says: hi␛[2J\x1b[2m (edited)\x1b[0m");
    expect(renderLine(line(span("x", "plain")), { color: true })).toBe("x");
  });

  it("without colour: no escape at all", () => {
    const plain = renderLine(printed, { color: false });
    expect(plain).toBe("Ann says: hi␛[2J (edited)");
    expect(plain).not.toContain("\x1b");
  });

  it("coloured, hostile text still carries no ESC but the renderer's own", () => {
    const hostile = line(span("\x1b]0;pwned\x07\x9b2J\u202E", "mention"), "\x1b[H");
    const coloured = renderLine(hostile, { color: true });
    expect(coloured).toBe("\x1b[1;33;4m␛]0;pwned␇<9B>2J<U+202E>\x1b[0m␛[H");
    expect(coloured.replace(/\x1b\[[0-9;]*m/g, "")).not.toMatch(ACTIVE);
  });

  it("plainText is the line without tones", () => {
    expect(plainText(printed)).toBe("Ann says: hi␛[2J (edited)");
    expect(plainText([])).toBe("");
  });

  it("line builds plain spans from strings", () => {
    expect(line("a", span("b", "exit"))).toEqual([{ text: "a" }, { text: "b", tone: "exit" }]);
  });
});
