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

  it("reports a repeated (participant, nonce) as a duplicate with the original seq", () => {
    const sim = createSim({ roomId: "r" });
    sim.enqueue(sayInput("a", "n1", "first"));
    sim.enqueue(sayInput("a", "n1", "retry in the same tick"));
    const first = sim.step();
    expect(first.appended.map((m) => [m.seq, m.nonce])).toEqual([[1, "n1"]]);
    expect(first.duplicates.map((d) => d.seq)).toEqual([1]);

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
    expect(second.duplicates).toEqual([{ input: sayInput("a", "n1", "retry later"), seq: 1 }]);
  });

  it("accepts says from participants not in the world (validation is at the edge)", () => {
    const sim = createSim({ roomId: "r" });
    sim.enqueue(sayInput("rest-user", "x"));
    expect(sim.step().appended).toHaveLength(1);
  });

  it("rewindSeq un-numbers an unstored batch: seqs stay gap-free and its nonces can be resent", () => {
    const sim = createSim({ roomId: "r", lastSeq: 10 });
    sim.enqueue(sayInput("a", "n1"));
    sim.step();
    sim.enqueue(sayInput("a", "n2"));
    sim.enqueue(sayInput("b", "n3"));
    const lost = sim.step();
    expect(lost.appended.map((m) => m.seq)).toEqual([12, 13]);
    sim.rewindSeq(lost.appended[0].seq - 1);
    expect(sim.lastSeq).toBe(11);

    sim.enqueue(sayInput("b", "n3"));
    sim.enqueue(sayInput("a", "n2"));
    sim.enqueue(sayInput("a", "n1"));
    const resent = sim.step();
    expect(resent.appended.map((m) => [m.seq, m.nonce])).toEqual([
      [12, "n3"],
      [13, "n2"],
    ]);
    expect(resent.duplicates.map((d) => [d.input.nonce, d.seq])).toEqual([["n1", 11]]);
    sim.rewindSeq(99); // past lastSeq: nothing to forget
    expect(sim.lastSeq).toBe(13);
  });
});
