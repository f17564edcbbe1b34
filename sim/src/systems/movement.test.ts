import { DEFAULT_MAX_SPEED, TICK_MS } from "@mesh/schema";
import { describe, expect, it } from "vitest";
import { createSim } from "../sim.ts";

const STEP = (DEFAULT_MAX_SPEED * TICK_MS) / 1000; // 0.2 units per tick

describe("movementSystem", () => {
  it("reaches the target in distance / (maxSpeed * dt) ticks and never overshoots", () => {
    const sim = createSim({ roomId: "r" });
    sim.enqueue({ kind: "join", participantId: "a", x: 10, z: 10 });
    sim.step();
    sim.enqueue({ kind: "move", participantId: "a", x: 10, z: 30 });
    let ticks = 0;
    let lastZ = 10;
    while (sim.view("a")?.moving !== false || ticks === 0) {
      sim.step();
      ticks++;
      const v = sim.view("a");
      expect(v).toBeDefined();
      if (!v) return;
      expect(v.z).toBeLessThanOrEqual(30);
      expect(v.z - lastZ).toBeLessThanOrEqual(STEP + 1e-5);
      expect(v.x).toBe(10);
      lastZ = v.z;
      if (ticks > 500) throw new Error("never arrived");
    }
    expect(ticks).toBe(20 / STEP);
    expect(sim.view("a")).toMatchObject({ x: 10, z: 30, moving: false });
  });

  it("moves diagonally at max speed, not faster", () => {
    const sim = createSim({ roomId: "r" });
    sim.enqueue({ kind: "join", participantId: "a", x: 0, z: 0 });
    sim.enqueue({ kind: "move", participantId: "a", x: 30, z: 40 });
    sim.step();
    const v = sim.view("a");
    expect(Math.hypot(v?.x ?? 0, v?.z ?? 0)).toBeCloseTo(STEP, 5);
    for (let i = 0; i < 249; i++) sim.step();
    expect(sim.view("a")).toMatchObject({ moving: false });
    const end = sim.view("a");
    expect(end?.x).toBeCloseTo(30, 5);
    expect(end?.z).toBeCloseTo(40, 5);
  });

  it("clamps targets and joins to the room bounds", () => {
    const sim = createSim({ roomId: "r", width: 20, depth: 10 });
    sim.enqueue({ kind: "join", participantId: "a", x: -5, z: 99 });
    sim.step();
    expect(sim.view("a")).toMatchObject({ x: 0, z: 10 });
    sim.enqueue({ kind: "move", participantId: "a", x: 1000, z: -1000 });
    for (let i = 0; i < 200; i++) sim.step();
    expect(sim.view("a")).toMatchObject({ x: 20, z: 0, moving: false });
  });

  it("faces the direction of travel (heading = atan2(dx, dz)) and keeps it when stopped", () => {
    const sim = createSim({ roomId: "r" });
    sim.enqueue({ kind: "join", participantId: "a", x: 10, z: 10 });
    sim.enqueue({ kind: "move", participantId: "a", x: 20, z: 10 }); // +x
    sim.step();
    expect(sim.view("a")?.heading).toBeCloseTo(Math.PI / 2, 5);
    sim.enqueue({ kind: "move", participantId: "a", x: 10, z: 0 }); // toward -z, -x
    sim.step();
    const h = sim.view("a")?.heading ?? 0;
    expect(Math.abs(h)).toBeGreaterThan(Math.PI / 2);
    for (let i = 0; i < 100; i++) sim.step();
    expect(sim.view("a")?.moving).toBe(false);
    expect(sim.view("a")?.heading).toBeCloseTo(h, 1);
  });

  it("reports velocity in units per second while moving and zero once stopped", () => {
    const sim = createSim({ roomId: "r", record: false });
    sim.enqueue({ kind: "join", participantId: "a", x: 0, z: 0 });
    sim.enqueue({ kind: "move", participantId: "a", x: 0, z: 1 });
    sim.step();
    const moving = sim.snapshot().entities[0];
    expect(moving.velocity.z).toBeCloseTo(DEFAULT_MAX_SPEED, 3);
    for (let i = 0; i < 10; i++) sim.step();
    expect(sim.snapshot().entities[0].velocity).toEqual({ x: 0, z: 0 });
  });
});
