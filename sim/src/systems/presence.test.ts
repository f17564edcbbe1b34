import { describe, expect, it } from "vitest";
import { createSim } from "../sim.ts";

describe("presenceSystem", () => {
  it("reports joins as spawned and leaves as despawned", () => {
    const sim = createSim({ roomId: "r" });
    sim.enqueue({ kind: "join", participantId: "a", x: 1, z: 1 });
    sim.enqueue({ kind: "join", participantId: "b", x: 2, z: 2 });
    expect(sim.step()).toMatchObject({ spawned: ["a", "b"], despawned: [] });
    expect([...sim.participants()]).toEqual(["a", "b"]);

    sim.enqueue({ kind: "join", participantId: "a", x: 9, z: 9 }); // reconnect: no respawn
    sim.enqueue({ kind: "leave", participantId: "b" });
    expect(sim.step()).toMatchObject({ spawned: [], despawned: ["b"] });
    expect(sim.has("b")).toBe(false);
    expect(sim.view("a")).toMatchObject({ x: 1, z: 1 });
    expect(sim.entityCount()).toBe(1);
  });

  it("a leave and rejoin within one tick keeps the entity; a join and leave leaves no trace", () => {
    const sim = createSim({ roomId: "r" });
    sim.enqueue({ kind: "join", participantId: "a", x: 1, z: 1 });
    sim.step();
    sim.enqueue({ kind: "leave", participantId: "a" });
    sim.enqueue({ kind: "join", participantId: "a", x: 5, z: 5 });
    sim.enqueue({ kind: "join", participantId: "ghost", x: 5, z: 5 });
    sim.enqueue({ kind: "leave", participantId: "ghost" });
    expect(sim.step()).toMatchObject({ spawned: [], despawned: [] });
    expect(sim.has("a")).toBe(true);
    expect(sim.has("ghost")).toBe(false);
  });

  it("rejects a join beyond capacity with an error result and keeps working", () => {
    const sim = createSim({ roomId: "r", capacity: 3 });
    for (const id of ["a", "b", "c", "d"]) sim.enqueue({ kind: "join", participantId: id, x: 1, z: 1 });
    const result = sim.step();
    expect(result.spawned).toEqual(["a", "b", "c"]);
    expect(result.rejected).toHaveLength(1);
    expect(result.rejected[0].input).toMatchObject({ participantId: "d" });
    expect(result.rejected[0].error.code).toBe("conflict");
    expect(sim.entityCount()).toBe(3);

    // Freed slots are reused; positions of the others are untouched.
    sim.enqueue({ kind: "leave", participantId: "b" });
    sim.enqueue({ kind: "join", participantId: "d", x: 7, z: 8 });
    const next = sim.step();
    expect(next.rejected).toHaveLength(1); // b is still in the world until the end of the tick
    sim.enqueue({ kind: "join", participantId: "d", x: 7, z: 8 });
    expect(sim.step()).toMatchObject({ spawned: ["d"], rejected: [] });
    expect(sim.view("d")).toMatchObject({ x: 7, z: 8 });
    expect(sim.view("a")).toMatchObject({ x: 1, z: 1 });
  });
});
