import { describe, expect, it } from "vitest";
import { isMoveKey, keyDirection, screenToWorld } from "./keys.ts";

const dir = new Float64Array(2);
const world = new Float64Array(2);

describe("keys to walking", () => {
  it("maps WASD and arrows, normalising diagonals and cancelling opposites", () => {
    expect([...keyDirection(new Set(["KeyW"]), dir)]).toEqual([0, 1]);
    expect([...keyDirection(new Set(["ArrowLeft"]), dir)]).toEqual([-1, 0]);
    const [x, y] = keyDirection(new Set(["KeyW", "KeyD"]), dir);
    expect(x).toBeCloseTo(Math.SQRT1_2);
    expect(y).toBeCloseTo(Math.SQRT1_2);
    expect([...keyDirection(new Set(["KeyA", "KeyD"]), dir)]).toEqual([0, 0]);
    expect([...keyDirection(new Set(["KeyQ"]), dir)]).toEqual([0, 0]);
    expect(isMoveKey("ArrowUp")).toBe(true);
    expect(isMoveKey("Enter")).toBe(false);
  });

  it("walks away from the camera: north when looking north, east when looking east", () => {
    screenToWorld(0, 1, 0, world);
    expect(world[0]).toBeCloseTo(0);
    expect(world[1]).toBeCloseTo(1);
    screenToWorld(1, 0, 0, world);
    expect(world[0]).toBeCloseTo(1);
    expect(world[1]).toBeCloseTo(0);
    screenToWorld(0, 1, Math.PI / 2, world);
    expect(world[0]).toBeCloseTo(1);
    expect(world[1]).toBeCloseTo(0);
    // Looking east, right is south.
    screenToWorld(1, 0, Math.PI / 2, world);
    expect(world[0]).toBeCloseTo(0);
    expect(world[1]).toBeCloseTo(-1);
  });
});
