import { describe, expect, it } from "vitest";
import { DOORWAY_RADIUS, doorwayPoint, EXIT_DIRECTIONS, entrancePoint, exitAt, oppositeExit } from "./doorways.ts";

describe("doorways", () => {
  it("puts each wall's doorway in the middle of that wall", () => {
    expect(doorwayPoint("north", 64, 40)).toEqual({ x: 32, z: 40 });
    expect(doorwayPoint("south", 64, 40)).toEqual({ x: 32, z: 0 });
    expect(doorwayPoint("east", 64, 40)).toEqual({ x: 64, z: 20 });
    expect(doorwayPoint("west", 64, 40)).toEqual({ x: 0, z: 20 });
  });

  it("pairs each direction with its opposite", () => {
    for (const d of EXIT_DIRECTIONS) expect(oppositeExit(oppositeExit(d))).toBe(d);
    expect(oppositeExit("up")).toBe("down");
  });

  it("lands an arrival inside the room, outside the doorway it came through", () => {
    for (const d of EXIT_DIRECTIONS) {
      const at = entrancePoint(d, 64, 64);
      expect(at.x).toBeGreaterThanOrEqual(0);
      expect(at.x).toBeLessThanOrEqual(64);
      expect(at.z).toBeGreaterThanOrEqual(0);
      expect(at.z).toBeLessThanOrEqual(64);
      expect(exitAt(at.x, at.z, { [d]: "elsewhere" }, 64, 64)).toBeUndefined();
    }
  });

  it("finds the exit a walker stands in, only for exits the room has", () => {
    expect(exitAt(32, 64 - DOORWAY_RADIUS / 2, { north: "hall" }, 64, 64)).toBe("north");
    expect(exitAt(32, 64, { south: "hall" }, 64, 64)).toBeUndefined();
    expect(exitAt(32, 32, { north: "hall", south: "x", east: "y", west: "z" }, 64, 64)).toBeUndefined();
  });

  it("keeps a tiny room's entrance on the floor", () => {
    const at = entrancePoint("north", 2, 2);
    expect(at).toEqual({ x: 1, z: 1 });
  });
});
