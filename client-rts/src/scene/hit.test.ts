import { describe, expect, it } from "vitest";
import { isDrag, unitAt, unitsInBox } from "./hit.ts";

// Slots 0, 2 and 5 are live; slot 1 holds a stale position that must never be hit.
const screen = new Float32Array([10, 10, 50, 50, 100, 100, 0, 0, 0, 0, 104, 98]);
const dense = new Int32Array([0, 2, 5]);

describe("hit testing", () => {
  it("finds the nearest live unit within the radius", () => {
    expect(unitAt(screen, dense, 3, 12, 11, 8)).toBe(0);
    expect(unitAt(screen, dense, 3, 103, 99, 8)).toBe(5);
    expect(unitAt(screen, dense, 3, 50, 50, 8)).toBe(-1);
    expect(unitAt(screen, dense, 3, 30, 30, 8)).toBe(-1);
  });

  it("selects the live units inside a box dragged either way", () => {
    expect(unitsInBox(screen, dense, 3, 0, 0, 120, 120).sort()).toEqual([0, 2, 5]);
    expect(unitsInBox(screen, dense, 3, 120, 120, 90, 90).sort()).toEqual([2, 5]);
    expect(unitsInBox(screen, dense, 3, 40, 40, 60, 60)).toEqual([]);
    expect(unitsInBox(screen, dense, 2, 0, 0, 200, 200).sort()).toEqual([0, 2]);
  });

  it("tells a click from a drag", () => {
    expect(isDrag(0, 0, 3, -4)).toBe(false);
    expect(isDrag(0, 0, 0, 9)).toBe(true);
  });
});
