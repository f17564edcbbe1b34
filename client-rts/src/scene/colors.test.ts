import { describe, expect, it } from "vitest";
import { colorKey, cssColor, hsl, ownerColor } from "./colors.ts";

describe("owner colours", () => {
  it("gives one owner the same colour every time, and owners different ones", () => {
    expect(ownerColor("ann")).toBe(ownerColor("ann"));
    const colors = new Set(["ann", "bob", "cy", "dee", "eve", "fay", "gus", "hal"].map(ownerColor));
    expect(colors.size).toBeGreaterThanOrEqual(7);
  });

  it("colours a bot by its owner and a human by themself", () => {
    expect(colorKey("bot-1", "ann")).toBe("ann");
    expect(colorKey("ann", "")).toBe("ann");
  });

  it("is bright enough to read on the dark floor", () => {
    for (const id of ["a", "b", "c", "d", "e", "f"]) {
      const c = ownerColor(id);
      const luma = 0.3 * (c >> 16) + 0.59 * ((c >> 8) & 255) + 0.11 * (c & 255);
      expect(luma).toBeGreaterThan(90);
    }
  });

  it("converts HSL and writes CSS", () => {
    expect(hsl(0, 1, 0.5)).toBe(0xff0000);
    expect(hsl(120, 1, 0.5)).toBe(0x00ff00);
    expect(cssColor(0x00ff08)).toBe("#00ff08");
  });
});
