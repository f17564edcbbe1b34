import { describe, expect, it } from "vitest";
import { replay } from "./replay.ts";
import { createSim, type Sim } from "./sim.ts";
import { orderInput, sayInput } from "./testing.ts";
import type { OrderUpdate, SimInput, SimOptions, SimOrder, SimSnapshot } from "./types.ts";

/** Deterministic pseudo-random numbers for scripting inputs (outside the sim). */
const lcg = (seed: number) => () => {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 2 ** 32;
};

/** p0–p5 mostly walk by themselves; p6–p11 are mostly bots taking orders and reporting on them. */
const scriptedInputs = (tick: number, rand: () => number, sim: Sim): SimInput[] => {
  const inputs: SimInput[] = [];
  const who = () => `p${Math.floor(rand() * 12)}`;
  const walker = () => `p${Math.floor(rand() * 6)}`;
  const bot = () => `p${6 + Math.floor(rand() * 6)}`;
  if (tick % 7 === 1) {
    const participantId = who();
    inputs.push({ kind: "join", participantId, x: rand() * 64, z: rand() * 64, agent: rand() < (participantId < "p6" ? 0.3 : 0.9) });
  }
  if (tick % 4 === 0) inputs.push(orderInput(`o${tick}`, [bot(), bot(), who()], scriptedOrder(rand), walker()));
  if (tick % 3 === 0) {
    // A bot reports on its current order (what the world told it), now and then on a stale one.
    const participantId = bot();
    const orderId = rand() < 0.8 ? (sim.order(participantId)?.id ?? "none") : `o${tick - (tick % 4)}`;
    const status = (["active", "done", "failed"] as const)[Math.floor(rand() * 3)];
    inputs.push({ kind: "order_status", participantId, orderId, status, note: `n${tick}` });
  }
  if (tick % 23 === 0) inputs.push({ kind: "leave", participantId: who() });
  for (let i = 0; i < 3; i++) {
    inputs.push({ kind: "move", participantId: rand() < 0.9 ? walker() : bot(), x: rand() * 80 - 8, z: rand() * 80 - 8 });
  }
  if (tick % 5 === 0) inputs.push({ kind: "typing", participantId: who(), on: rand() < 0.7 });
  if (tick % 31 === 0) inputs.push({ kind: "mute", participantId: who(), ticks: Math.floor(rand() * 60) });
  if (tick % 3 === 0) inputs.push(sayInput(who(), `n${Math.floor(rand() * 40)}`, `t${tick}`));
  return inputs;
};

const scriptedOrder = (rand: () => number): SimOrder => {
  const pick = rand();
  if (pick < 0.4) return { kind: "move_to", x: rand() * 80 - 8, z: rand() * 80 - 8 };
  if (pick < 0.7) return { kind: "follow", targetId: `p${Math.floor(rand() * 12)}`, distance: rand() * 4 };
  if (pick < 0.8) return { kind: "stop" };
  if (pick < 0.9) return { kind: "say" };
  return { kind: "task" };
};

/** A tick's order updates in a canonical order (agents' entity ids, and so their order, differ after a restore). */
const sorted = (updates: OrderUpdate[]) => [...updates].sort((a, b) => (a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : 0));

describe("replay", () => {
  it("re-running the recorded log, whole or from a mid-run snapshot, gives the same state", () => {
    const options: SimOptions = { roomId: "replay", lastSeq: 7 };
    const sim = createSim({ ...options, record: true });
    const rand = lcg(42);
    const TICKS = 400;
    let mid: SimSnapshot | undefined;
    let appended = 0;
    const statuses = new Set<string>();
    for (let tick = 1; tick <= TICKS; tick++) {
      for (const input of scriptedInputs(tick, rand, sim)) sim.enqueue(input);
      const result = sim.step();
      for (const u of result.orders) statuses.add(`${u.kind} ${u.status}`);
      appended += result.appended.length;
      if (tick % 50 === 0 && result.appended.length > 0) {
        sim.rewindTick(); // as the room does when a batch fails to store
        appended -= result.appended.length;
      }
      if (tick === 173) mid = JSON.parse(JSON.stringify(sim.snapshot()));
    }
    const final = sim.snapshot();
    const log = sim.log ?? [];
    expect(log.length).toBe(TICKS);
    expect(log.some((entry) => entry.rewound)).toBe(true);
    expect(final.entities.length).toBeGreaterThan(3);
    expect(final.lastSeq).toBe(7 + appended);
    expect(final.nonces.length).toBeGreaterThan(10);
    expect(final.entities.filter((e) => e.order !== undefined).length).toBeGreaterThan(3);
    // The script reaches every order kind and every way an order ends.
    for (const seen of ["move_to done", "follow active", "follow failed", "stop done", "say done", "task pending", "task done"]) {
      expect(statuses).toContain(seen);
    }
    for (const status of ["active", "done", "failed", "cancelled"]) {
      expect([...statuses].some((s) => s.endsWith(status))).toBe(true);
    }

    const whole = replay(options, undefined, log);
    expect(whole.tick).toBe(TICKS);
    expect(whole.snapshot()).toEqual(final);

    const resumed = replay(options, mid, log);
    expect(resumed.tick).toBe(TICKS);
    expect(resumed.snapshot()).toEqual(final);
    expect(JSON.stringify(resumed.snapshot())).toBe(JSON.stringify(final));
  });

  it("replays past the last input when asked", () => {
    const sim = createSim({ roomId: "r", record: true });
    sim.enqueue({ kind: "join", participantId: "a", x: 0, z: 0 });
    sim.enqueue({ kind: "move", participantId: "a", x: 0, z: 10 });
    for (let i = 0; i < 30; i++) sim.step();
    const again = replay({ roomId: "r" }, undefined, sim.log ?? [], 30);
    expect(again.snapshot()).toEqual(sim.snapshot());
  });
});

describe("replay with orders", () => {
  it("a snapshot taken mid-move_to and mid-follow, restored and replayed, gives the same updates and state", () => {
    const options: SimOptions = { roomId: "orders" };
    const sim = createSim({ ...options, record: true });
    const bots = ["a", "b", "c", "d", "e", "f"];
    for (const [i, id] of bots.entries()) sim.enqueue({ kind: "join", participantId: id, x: 5 + i * 9, z: 5, agent: true });
    sim.enqueue({ kind: "join", participantId: "boss", x: 32, z: 32 });
    sim.step();
    sim.enqueue(orderInput("m1", ["a", "b", "c"], { kind: "move_to", x: 40, z: 50 }));
    sim.enqueue(orderInput("f1", ["d"], { kind: "follow", targetId: "a", distance: 2 }));
    sim.enqueue(orderInput("f2", ["e"], { kind: "follow", targetId: "d", distance: 1.5 }));
    sim.enqueue(orderInput("t1", ["f"], { kind: "task" }));
    for (let i = 0; i < 30; i++) sim.step();
    const mid: SimSnapshot = JSON.parse(JSON.stringify(sim.snapshot()));
    expect(mid.entities.find((e) => e.participantId === "a")?.order).toMatchObject({ id: "m1", status: "active" });
    expect(mid.entities.find((e) => e.participantId === "e")?.order).toMatchObject({
      id: "f2",
      kind: "follow",
      status: "active",
      targetParticipantId: "d",
      distance: 1.5,
    });
    expect(mid.entities.find((e) => e.participantId === "boss")?.order).toBeUndefined();

    const resumed = createSim(options, mid);
    const fromTick = sim.tick;
    const script: SimInput[][] = [];
    script[40] = [{ kind: "order_status", participantId: "f", orderId: "t1", status: "active", note: "going" }];
    script[90] = [{ kind: "leave", participantId: "a" }]; // d's leader leaves: f1 fails, f2 follows on
    script[95] = [{ kind: "move", participantId: "e", x: 1, z: 1 }];
    const seen: string[] = [];
    for (let tick = fromTick + 1; tick <= 400; tick++) {
      for (const input of script[tick] ?? []) {
        sim.enqueue(input);
        resumed.enqueue(input);
      }
      const live = sim.step();
      const again = resumed.step();
      expect(sorted(again.orders)).toEqual(sorted(live.orders));
      for (const u of live.orders) seen.push(`${u.agentId} ${u.id} ${u.status}`);
    }
    // a leaves before arriving (its order goes with it, unreported), b and c arrive.
    expect(seen.sort()).toEqual(["b m1 done", "c m1 done", "d f1 failed", "e f2 cancelled", "f t1 active"]);
    expect(sim.order("d")).toMatchObject({ id: "f1", status: "failed" });
    expect(sim.order("b")).toMatchObject({ id: "m1", status: "done" });
    expect(sim.order("e")).toMatchObject({ id: "f2", status: "cancelled" });
    expect(resumed.snapshot()).toEqual(sim.snapshot());
    // And the recorded log replays the whole run to the same state.
    expect(replay(options, undefined, sim.log ?? [], sim.tick).snapshot()).toEqual(sim.snapshot());
    expect(replay(options, mid, sim.log ?? [], sim.tick).snapshot()).toEqual(sim.snapshot());
  });
});

describe("checkpoint", () => {
  it("bounds the log, and the checkpoint plus the log since still replays to the same state", () => {
    const options: SimOptions = { roomId: "checkpoint" };
    const sim = createSim({ ...options, record: true });
    const rand = lcg(99);
    let checkpoint: SimSnapshot = sim.checkpoint();
    for (let tick = 1; tick <= 300; tick++) {
      for (const input of scriptedInputs(tick, rand, sim)) sim.enqueue(input);
      sim.step();
      if (tick % 100 === 0) checkpoint = sim.checkpoint();
      if (tick === 250) break;
    }
    expect(checkpoint.tick).toBe(200);
    expect(sim.log?.every((entry) => entry.tick > 200)).toBe(true);
    const again = replay(options, checkpoint, sim.log ?? [], sim.tick);
    expect(again.snapshot()).toEqual(sim.snapshot());
  });
});
