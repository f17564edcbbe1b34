import { entrancePoint } from "@mesh/schema";
import { describe, expect, it } from "vitest";
import { ExitTrigger } from "./exit-trigger.ts";
import { wallSpans } from "@mesh/client-kit";

describe("ExitTrigger", () => {
  const exits = { north: "hall", south: "yard" };

  it("does not fire where you arrive (inside a doorway) until you have left every doorway", () => {
    const trigger = new ExitTrigger(exits, 64, 64);
    // Arriving from the hall puts you just inside the north doorway's area? The entrance is outside its radius; stand in it anyway.
    expect(trigger.update(32, 63.5)).toBeUndefined();
    expect(trigger.isArmed).toBe(false);
    expect(trigger.update(32, 63.9)).toBeUndefined();
    const inside = entrancePoint("north", 64, 64);
    expect(trigger.update(inside.x, inside.z)).toBeUndefined();
    expect(trigger.isArmed).toBe(true);
    expect(trigger.update(32, 63.5)).toBe("north");
  });

  it("fires once, and only for exits the room has", () => {
    const trigger = new ExitTrigger(exits, 64, 64);
    trigger.update(32, 32);
    expect(trigger.update(0, 32)).toBeUndefined(); // west: no exit there
    expect(trigger.update(32, 0.5)).toBe("south");
    expect(trigger.update(32, 0.5)).toBeUndefined();
  });
});

describe("wallSpans", () => {
  it("leaves a gap around each door", () => {
    const spans = wallSpans(64, [32]);
    expect(spans).toHaveLength(2);
    expect(spans[0][0]).toBe(0);
    expect(spans[0][1]).toBeLessThan(32 - 1.6);
    expect(spans[1][0]).toBeGreaterThan(32 + 1.6);
    expect(spans[1][1]).toBe(64);
    expect(wallSpans(64, [])).toEqual([[0, 64]]);
  });
});
