import { describe, expect, it } from "vitest";
import { createSim } from "../sim.ts";

describe("muteSystem", () => {
  it("keeps a participant muted for exactly the given ticks", () => {
    const sim = createSim({ roomId: "r" });
    sim.enqueue({ kind: "join", participantId: "a", x: 1, z: 1 });
    sim.step();
    sim.enqueue({ kind: "mute", participantId: "a", ticks: 3 });
    for (let i = 0; i < 3; i++) {
      sim.step();
      expect(sim.view("a")?.muted).toBe(true);
    }
    sim.step();
    expect(sim.view("a")?.muted).toBe(false);
  });

  it("mute with 0 ticks unmutes at once", () => {
    const sim = createSim({ roomId: "r" });
    sim.enqueue({ kind: "join", participantId: "a", x: 1, z: 1 });
    sim.enqueue({ kind: "mute", participantId: "a", ticks: 1000 });
    sim.step();
    expect(sim.view("a")?.muted).toBe(true);
    sim.enqueue({ kind: "mute", participantId: "a", ticks: 0 });
    sim.step();
    expect(sim.view("a")?.muted).toBe(false);
  });
});
