import { describe, expect, it } from "vitest";
import { FORMATION_SPACING, formation, slotX, slotZ } from "./formation.ts";

const slots = (count: number, x: number, z: number, width = 64, depth = 64) => {
  const grid = formation(count, x, z, width, depth);
  return Array.from({ length: count }, (_, i) => ({ x: slotX(grid, i), z: slotZ(grid, i) }));
};

const expectSpread = (points: { x: number; z: number }[], width: number, depth: number, minGap: number) => {
  for (const p of points) {
    expect(p.x).toBeGreaterThanOrEqual(0);
    expect(p.x).toBeLessThanOrEqual(width);
    expect(p.z).toBeGreaterThanOrEqual(0);
    expect(p.z).toBeLessThanOrEqual(depth);
  }
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) {
      expect(Math.hypot(points[i].x - points[j].x, points[i].z - points[j].z)).toBeGreaterThanOrEqual(minGap - 1e-9);
    }
  }
};

describe("formation", () => {
  it("sends one agent exactly to the point", () => {
    expect(slots(1, 12.5, 40)).toEqual([{ x: 12.5, z: 40 }]);
  });

  it("spreads a group on a grid centred on the point, neighbours FORMATION_SPACING apart", () => {
    const points = slots(9, 30, 30);
    expectSpread(points, 64, 64, FORMATION_SPACING);
    expect(points[4]).toEqual({ x: 30, z: 30 }); // the middle of a 3×3 grid is the point
    const mean = (k: "x" | "z") => points.reduce((sum, p) => sum + p[k], 0) / points.length;
    expect(mean("x")).toBeCloseTo(30, 9);
    expect(mean("z")).toBeCloseTo(30, 9);
  });

  it("keeps every slot distinct and inside the room at a corner and past the walls", () => {
    for (const [x, z] of [
      [0, 0],
      [64, 64],
      [-50, 200],
      [Number.NaN, 64],
    ]) {
      const points = slots(25, x, z);
      expectSpread(points, 64, 64, FORMATION_SPACING);
    }
  });

  it("squeezes a group too large for a small room rather than stacking it", () => {
    const points = slots(100, 2, 2, 4, 4); // a 10×10 grid in 4×4 units
    expectSpread(points, 4, 4, 4 / 9);
    expect(new Set(points.map((p) => `${p.x},${p.z}`)).size).toBe(100);
  });
});
