import { describe, expect, it } from "vitest";
import { createSim } from "../sim.ts";
import { sayInput } from "../testing.ts";

describe("messageSystem", () => {
  it("numbers says gap-free from lastSeq + 1, in arrival order, across ticks", () => {
    const sim = createSim({ roomId: "r", lastSeq: 41 });
    const seqs: number[] = [];
    for (let tick = 0; tick < 5; tick++) {
      for (let i = 0; i < tick; i++) sim.enqueue(sayInput(i % 2 ? "a" : "b", "", `t${tick}-${i}`));
      const result = sim.step();
      expect(result.appended.map((m) => m.text)).toEqual(
        Array.from({ length: tick }, (_, i) => `t${tick}-${i}`),
      );
      for (const m of result.appended) {
        expect(m.roomId).toBe("r");
        seqs.push(m.seq);
      }
    }
    expect(seqs).toEqual(Array.from({ length: 10 }, (_, i) => 42 + i));
    expect(sim.lastSeq).toBe(51);
  });

  it("reports a repeated (participant, nonce) as a duplicate", () => {
    const sim = createSim({ roomId: "r" });
    sim.enqueue(sayInput("a", "n1", "first"));
    sim.enqueue(sayInput("a", "n1", "retry in the same tick"));
    const first = sim.step();
    expect(first.appended.map((m) => [m.seq, m.nonce])).toEqual([[1, "n1"]]);
    expect(first.duplicates.map((d) => d.input.text)).toEqual(["retry in the same tick"]);

    sim.enqueue(sayInput("b", "n1", "same nonce, other author"));
    sim.enqueue(sayInput("a", "n1", "retry later"));
    sim.enqueue(sayInput("a", "", "no nonce"));
    sim.enqueue(sayInput("a", "", "no nonce"));
    const second = sim.step();
    expect(second.appended.map((m) => [m.seq, m.authorId])).toEqual([
      [2, "b"],
      [3, "a"],
      [4, "a"],
    ]);
    expect(second.duplicates).toEqual([{ input: sayInput("a", "n1", "retry later") }]);
  });

  it("accepts says from participants not in the world (validation is at the edge)", () => {
    const sim = createSim({ roomId: "r" });
    sim.enqueue(sayInput("rest-user", "x"));
    expect(sim.step().appended).toHaveLength(1);
  });

  it("rewindTick un-numbers an unstored batch: seqs stay gap-free and its nonces can be resent", () => {
    const sim = createSim({ roomId: "r", lastSeq: 10 });
    sim.enqueue(sayInput("a", "n1"));
    sim.step();
    sim.enqueue(sayInput("a", "n2"));
    sim.enqueue(sayInput("b", "n3"));
    const lost = sim.step();
    expect(lost.appended.map((m) => m.seq)).toEqual([12, 13]);
    sim.rewindTick();
    expect(sim.lastSeq).toBe(11);

    sim.enqueue(sayInput("b", "n3"));
    sim.enqueue(sayInput("a", "n2"));
    sim.enqueue(sayInput("a", "n1"));
    const resent = sim.step();
    expect(resent.appended.map((m) => [m.seq, m.nonce])).toEqual([
      [12, "n3"],
      [13, "n2"],
    ]);
    expect(resent.duplicates.map((d) => d.input.nonce)).toEqual(["n1"]);
  });

  const dm = (from: string, to: string, nonce: string, pairBase?: number) => ({ ...sayInput(from, nonce, `${from}->${to}`), to, pairBase });

  it("numbers DMs per pair, apart from the room's seq, from the stored base the edge supplies", () => {
    const sim = createSim({ roomId: "r", lastSeq: 5 });
    sim.enqueue(sayInput("a", "r1"));
    sim.enqueue(dm("a", "b", "d1", 40));
    sim.enqueue(dm("b", "a", "d2"));
    sim.enqueue(dm("a", "c", "d3"));
    sim.enqueue(sayInput("b", "r2"));
    const result = sim.step();
    expect(result.appended.map((m) => [m.to, m.seq])).toEqual([
      ["", 6],
      ["b", 41],
      ["a", 42],
      ["c", 1],
      ["", 7],
    ]);
    expect(sim.lastSeq).toBe(7);
    expect(sim.pairSeq("b", "a")).toBe(42);

    // A failed batch rewinds the room and every pair it touched; resending renumbers the same.
    sim.enqueue(dm("a", "b", "d4"));
    sim.enqueue(sayInput("a", "r3"));
    expect(sim.step().appended.map((m) => m.seq)).toEqual([43, 8]);
    sim.rewindTick();
    expect([sim.lastSeq, sim.pairSeq("a", "b"), sim.pairSeq("a", "c")]).toEqual([7, 42, 1]);
    sim.enqueue(dm("a", "b", "d4"));
    expect(sim.step().appended.map((m) => m.seq)).toEqual([43]);
  });

  it("refuses says from a muted participant, present or not, and treats stored nonces as duplicates", () => {
    const sim = createSim({ roomId: "r", mutes: [["rest-only", 3]], storedNonces: [["a", "old"]] });
    sim.enqueue(sayInput("rest-only", "m1"));
    sim.enqueue(sayInput("a", "old"));
    const result = sim.step();
    expect(result.appended).toEqual([]);
    expect(result.rejected.map((r) => [r.input.participantId, r.error.code])).toEqual([["rest-only", "forbidden"]]);
    expect(result.duplicates.map((d) => d.input.nonce)).toEqual(["old"]);
    sim.step();
    sim.step();
    sim.enqueue(sayInput("rest-only", "m1"));
    expect(sim.step().appended).toHaveLength(1);
  });
});
