import { TICK_MS, TYPING_TIMEOUT_MS } from "@mesh/schema";
import { describe, expect, it } from "vitest";
import { createSim } from "../sim.ts";

const TIMEOUT_TICKS = TYPING_TIMEOUT_MS / TICK_MS; // 100

describe("typingSystem", () => {
  it("turns typing off TYPING_TIMEOUT_MS after the last renewal", () => {
    const sim = createSim({ roomId: "r" });
    sim.enqueue({ kind: "join", participantId: "a", x: 1, z: 1 });
    sim.enqueue({ kind: "typing", participantId: "a", on: true });
    sim.step(); // tick 1: on
    for (let i = 1; i < TIMEOUT_TICKS; i++) sim.step();
    expect(sim.tick).toBe(TIMEOUT_TICKS);
    expect(sim.view("a")?.typing).toBe(true); // on for ticks 1..100, i.e. 5000 ms
    sim.step();
    expect(sim.view("a")?.typing).toBe(false);
  });

  it("a renewal extends it and typing off ends it at once", () => {
    const sim = createSim({ roomId: "r" });
    sim.enqueue({ kind: "join", participantId: "a", x: 1, z: 1 });
    sim.enqueue({ kind: "typing", participantId: "a", on: true });
    sim.step();
    for (let i = 0; i < TIMEOUT_TICKS - 10; i++) sim.step();
    sim.enqueue({ kind: "typing", participantId: "a", on: true });
    for (let i = 0; i < TIMEOUT_TICKS; i++) sim.step();
    expect(sim.view("a")?.typing).toBe(true); // the first timeout has long passed
    sim.enqueue({ kind: "typing", participantId: "a", on: false });
    sim.step();
    expect(sim.view("a")?.typing).toBe(false);
  });
});
