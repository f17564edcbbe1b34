import { describe, expect, it } from "vitest";
import { createSim } from "./sim.ts";
import { sayInput } from "./testing.ts";

describe("createSim", () => {
  it("keeps two rooms in one process apart", () => {
    const a = createSim({ roomId: "a" });
    const b = createSim({ roomId: "b", lastSeq: 100 });
    a.enqueue({ kind: "join", participantId: "p", x: 1, z: 1 });
    b.enqueue({ kind: "join", participantId: "q", x: 50, z: 50 });
    b.enqueue({ kind: "join", participantId: "p", x: 30, z: 30 });
    a.enqueue({ kind: "move", participantId: "p", x: 1, z: 20 });
    a.enqueue(sayInput("p", "n"));
    b.enqueue(sayInput("p", "n"));
    const ra = a.step();
    const rb = b.step();
    for (let i = 0; i < 10; i++) a.step();

    expect([...a.participants()]).toEqual(["p"]);
    expect([...b.participants()].sort()).toEqual(["p", "q"]);
    expect(a.view("p")?.z).toBeCloseTo(1 + 11 * 0.2, 4);
    expect(b.view("p")).toMatchObject({ x: 30, z: 30, moving: false });
    expect(b.view("q")).toMatchObject({ x: 50, z: 50 });
    expect(ra.appended[0]).toMatchObject({ roomId: "a", seq: 1 });
    expect(rb.appended[0]).toMatchObject({ roomId: "b", seq: 101 });
    expect(rb.duplicates).toEqual([]);
    expect(a.tick).toBe(11);
    expect(b.tick).toBe(1);
  });

  it("applies inputs only at the next step, in order", () => {
    const sim = createSim({ roomId: "r" });
    sim.enqueue({ kind: "join", participantId: "a", x: 1, z: 1 });
    expect(sim.has("a")).toBe(false);
    sim.step();
    expect(sim.has("a")).toBe(true);
    expect(sim.view("nobody")).toBeUndefined();
  });

  it("snapshots are plain JSON", () => {
    const sim = createSim({ roomId: "r" });
    sim.enqueue({ kind: "join", participantId: "a", x: 1.5, z: 2.25 });
    sim.enqueue(sayInput("a", "n"));
    sim.step();
    // A mute counts for the whole tick it arrives in: the DM beside it is refused.
    sim.enqueue({ kind: "mute", participantId: "a", ticks: 10 });
    sim.enqueue({ ...sayInput("a", "d"), to: "b" });
    sim.step();
    const snap = sim.snapshot();
    expect(JSON.parse(JSON.stringify(snap))).toEqual(snap);
    expect(snap).toMatchObject({ tick: 2, lastSeq: 1, nonces: [["a", "n", 1]], mutes: [["a", 12]], pairSeqs: [] });
    expect(snap.entities[0]).toMatchObject({ participantId: "a", muted: { untilTick: 12 } });
  });
});
