import { describe, expect, it } from "vitest";
import type { Sim } from "../sim.ts";
import { orderInput, simWithAgents } from "../testing.ts";

const gap = (sim: Sim, a: string, b: string): number => {
  const va = sim.view(a);
  const vb = sim.view(b);
  return Math.hypot((va?.x ?? Number.NaN) - (vb?.x ?? Number.NaN), (va?.z ?? Number.NaN) - (vb?.z ?? Number.NaN));
};

const expectSane = (sim: Sim, names: string[], size = 64) => {
  for (const name of names) {
    const v = sim.view(name);
    for (const k of ["x", "z", "heading"] as const) expect(Number.isFinite(v?.[k])).toBe(true);
    expect(v?.x).toBeGreaterThanOrEqual(0);
    expect(v?.x).toBeLessThanOrEqual(size);
    expect(v?.z).toBeGreaterThanOrEqual(0);
    expect(v?.z).toBeLessThanOrEqual(size);
  }
};

describe("followSystem", () => {
  it("re-targets the follower every tick to `distance` short of the leader, then stays put", () => {
    const sim = simWithAgents({ leader: [10, 10], bot: [10, 4] });
    sim.enqueue(orderInput("f1", ["bot"], { kind: "follow", targetId: "leader", distance: 3 }));
    sim.enqueue({ kind: "move", participantId: "leader", x: 30, z: 10 });
    const first = sim.step();
    expect(first.orders).toEqual([
      { agentId: "bot", id: "f1", kind: "follow", status: "active", targetId: "leader", x: 0, z: 0, note: "" },
    ]);
    let lastX = sim.view("bot")?.x ?? 0;
    let turned = 0;
    for (let i = 0; i < 200; i++) {
      expect(sim.step().orders).toEqual([]); // following is one active order, not a stream of updates
      const x = sim.view("bot")?.x ?? 0;
      if (x > lastX) turned++;
      lastX = x;
    }
    expect(turned).toBeGreaterThan(50); // it chased the leader along x, tick after tick
    expect(sim.view("leader")).toMatchObject({ x: 30, z: 10, moving: false });
    expect(gap(sim, "bot", "leader")).toBeCloseTo(3, 3);
    expect(sim.view("bot")?.moving).toBe(false);
    expect(sim.order("bot")?.status).toBe("active");
  });

  it("does not move a follower already within the distance", () => {
    const sim = simWithAgents({ leader: [10, 10], bot: [11, 10] });
    sim.enqueue(orderInput("f1", ["bot"], { kind: "follow", targetId: "leader", distance: 2 }));
    for (let i = 0; i < 10; i++) sim.step();
    expect(sim.view("bot")).toMatchObject({ x: 11, z: 10, moving: false });
  });

  it("fails in the tick the leader leaves, and at once when the leader is not here", () => {
    const sim = simWithAgents({ leader: [10, 10], bot: [30, 30] });
    sim.enqueue(orderInput("f1", ["bot"], { kind: "follow", targetId: "leader", distance: 2 }));
    for (let i = 0; i < 5; i++) sim.step();
    sim.enqueue({ kind: "leave", participantId: "leader" });
    const left = sim.step();
    expect(left.orders).toEqual([expect.objectContaining({ id: "f1", status: "failed", note: "the leader left" })]);
    expect(sim.view("bot")?.moving).toBe(false);
    // A newcomer taking the leader's entity id is not followed.
    sim.enqueue({ kind: "join", participantId: "newcomer", x: 60, z: 60 });
    const at = sim.view("bot");
    for (let i = 0; i < 10; i++) expect(sim.step().orders).toEqual([]);
    expect(sim.view("bot")).toEqual(at);

    sim.enqueue(orderInput("f2", ["bot"], { kind: "follow", targetId: "ghost", distance: 2 }));
    expect(sim.step().orders).toEqual([
      expect.objectContaining({ id: "f2", status: "failed", targetId: "ghost", note: "the leader is not in the room" }),
    ]);
  });

  it("refuses following oneself and leaves the current order alone", () => {
    const sim = simWithAgents({ bot: [10, 10], other: [20, 20] });
    sim.enqueue(orderInput("t1", ["bot"], { kind: "task" }));
    sim.step();
    sim.enqueue(orderInput("f1", ["bot", "other"], { kind: "follow", targetId: "bot", distance: 2 }));
    const result = sim.step();
    expect(result.rejected).toEqual([expect.objectContaining({ error: expect.objectContaining({ code: "bad_input" }) })]);
    expect(result.orders.map((u) => [u.agentId, u.id, u.status])).toEqual([["other", "f1", "active"]]);
    expect(sim.order("bot")).toMatchObject({ id: "t1", status: "pending" });
  });

  it("stop ends a follow; a bot's own move cancels one", () => {
    const sim = simWithAgents({ leader: [10, 10], a: [30, 30], b: [40, 40] });
    sim.enqueue(orderInput("f1", ["a", "b"], { kind: "follow", targetId: "leader", distance: 2 }));
    sim.step();
    sim.enqueue(orderInput("s1", ["a"], { kind: "stop" }));
    sim.enqueue({ kind: "move", participantId: "b", x: 50, z: 40 });
    const result = sim.step();
    expect(result.orders.map((u) => [u.agentId, u.id, u.status])).toEqual([
      ["a", "f1", "cancelled"],
      ["a", "s1", "done"],
      ["b", "f1", "cancelled"],
    ]);
    const a = sim.view("a");
    expect(a?.moving).toBe(false);
    sim.enqueue({ kind: "move", participantId: "leader", x: 60, z: 60 });
    for (let i = 0; i < 200; i++) sim.step();
    expect(sim.view("a")).toEqual(a);
    expect(sim.view("b")).toMatchObject({ x: 50, z: 40 });
  });

  it("a two-cycle and a three-cycle settle within the distance, finite and inside the room", () => {
    const sim = simWithAgents({ a: [1, 1], b: [63, 63], c: [10, 50], d: [50, 10], e: [0, 64] });
    sim.enqueue(orderInput("f1", ["a"], { kind: "follow", targetId: "b", distance: 2 }));
    sim.enqueue(orderInput("f2", ["b"], { kind: "follow", targetId: "a", distance: 2 }));
    sim.enqueue(orderInput("f3", ["c"], { kind: "follow", targetId: "d", distance: 1 }));
    sim.enqueue(orderInput("f4", ["d"], { kind: "follow", targetId: "e", distance: 1 }));
    sim.enqueue(orderInput("f5", ["e"], { kind: "follow", targetId: "c", distance: 1 }));
    const names = ["a", "b", "c", "d", "e"];
    for (let i = 0; i < 1000; i++) {
      sim.step();
      if (i % 50 === 0) expectSane(sim, names);
    }
    expectSane(sim, names);
    expect(gap(sim, "a", "b")).toBeLessThanOrEqual(2 + 1e-4);
    expect(gap(sim, "a", "b")).toBeGreaterThan(1);
    for (const [f, l] of [
      ["c", "d"],
      ["d", "e"],
      ["e", "c"],
    ]) {
      expect(gap(sim, f, l)).toBeLessThanOrEqual(1 + 1e-4);
    }
    // Settled: nobody is still walking, and the orders are all still active.
    for (const name of names) expect(sim.view(name)?.moving).toBe(false);
    for (const name of names) expect(sim.order(name)?.status).toBe("active");
  });

  it("a zero-distance cycle at a corner stays finite and inside", () => {
    const sim = simWithAgents({ a: [0, 0], b: [0.1, 0] });
    sim.enqueue(orderInput("f1", ["a"], { kind: "follow", targetId: "b", distance: 0 }));
    sim.enqueue(orderInput("f2", ["b"], { kind: "follow", targetId: "a", distance: Number.NaN }));
    for (let i = 0; i < 100; i++) sim.step();
    expectSane(sim, ["a", "b"]);
    expect(gap(sim, "a", "b")).toBeLessThanOrEqual(0.1 + 1e-6);
  });
});
