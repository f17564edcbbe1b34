import { describe, expect, it } from "vitest";
import { Camera, MAX_SCALE, MIN_SCALE } from "./camera.ts";

function camera(): Camera {
  const c = new Camera();
  c.resize(800, 600);
  c.setRoom(40, 20);
  return c;
}

describe("Camera", () => {
  it("fits the whole room, centred, with north up", () => {
    const c = camera();
    expect(c.cx).toBe(20);
    expect(c.cz).toBe(10);
    // Width limits: (800 - 72) / 40.
    expect(c.scale).toBeCloseTo(18.2);
    expect(c.screenX(0)).toBeCloseTo(36);
    expect(c.screenX(40)).toBeCloseTo(764);
    expect(c.screenY(20)).toBeLessThan(c.screenY(0));
  });

  it("turns screen points back into the same floor points", () => {
    const c = camera();
    c.zoomAt(100, 100, 2.5);
    c.pan(33, -12);
    for (const [x, z] of [
      [3, 4],
      [39, 1],
      [20, 19.5],
    ]) {
      expect(c.worldX(c.screenX(x))).toBeCloseTo(x);
      expect(c.worldZ(c.screenY(z))).toBeCloseTo(z);
    }
  });

  it("zooms toward the cursor: the floor point under it stays put", () => {
    const c = camera();
    const x = c.worldX(200);
    const z = c.worldZ(150);
    c.zoomAt(200, 150, 1.8);
    expect(c.screenX(x)).toBeCloseTo(200);
    expect(c.screenY(z)).toBeCloseTo(150);
  });

  it("keeps the zoom in range and the centre over the room", () => {
    const c = camera();
    c.zoomAt(400, 300, 1000);
    expect(c.scale).toBe(MAX_SCALE);
    c.zoomAt(400, 300, 0.00001);
    expect(c.scale).toBe(MIN_SCALE);
    c.centre(-50, 500);
    expect([c.cx, c.cz]).toEqual([0, 20]);
  });

  it("pans with the drag: the floor follows the pointer", () => {
    const c = camera();
    const before = c.screenX(10);
    c.pan(50, 0);
    expect(c.screenX(10)).toBeCloseTo(before + 50);
    const v = c.version;
    c.fit();
    expect(c.version).toBeGreaterThan(v);
    expect(c.cx).toBe(20);
  });

  it("reports the floor rectangle in view", () => {
    const c = camera();
    const r = c.viewRect(new Float64Array(4));
    expect(r[0]).toBeLessThan(0);
    expect(r[2]).toBeGreaterThan(40);
    expect(r[1]).toBeLessThan(0);
    expect(r[3]).toBeGreaterThan(20);
  });
});

describe("Camera fit beside the minimap", () => {
  it("shifts a fitted room left by the width it can spare, never shrinking it", () => {
    const c = new Camera();
    c.resize(900, 700);
    c.reserveRight = 196;
    c.setRoom(64, 64);
    const scale = (700 - 72) / 64;
    expect(c.scale).toBeCloseTo(scale);
    // 900 - 628 - 72 = 200 spare: the whole 196 goes to the right.
    expect(c.screenX(0)).toBeCloseTo(36 + 2);
    expect(900 - c.screenX(64)).toBeCloseTo(36 + 198);
  });
});
