import { describe, expect, it } from "vitest";
import { shortLabel } from "./labels.ts";

describe("shortLabel", () => {
  it("removes direction controls and deep mark stacks, flattens lines", () => {
    expect(shortLabel("\u202eevil\u202c name")).toBe("evil name");
    expect(shortLabel("a\u0301\u0302\u0303\u0304b")).toBe("a\u0301\u0302b");
    expect(shortLabel("two\nlines")).toBe("two lines");
  });

  it("cuts long names on whole characters with an ellipsis", () => {
    expect(shortLabel("abcdefghij", 5)).toBe("abcd…");
    expect(shortLabel("😀😀😀😀😀😀", 4)).toBe("😀😀😀…");
    expect(shortLabel("short", 5)).toBe("short");
  });
});
