import { describe, expect, it } from "vitest";
import { replay } from "./replay.ts";
import { createSim } from "./sim.ts";
import { sayInput } from "./testing.ts";
import type { SimInput, SimOptions, SimSnapshot } from "./types.ts";

/** Deterministic pseudo-random numbers for scripting inputs (outside the sim). */
const lcg = (seed: number) => () => {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 2 ** 32;
};

const scriptedInputs = (tick: number, rand: () => number): SimInput[] => {
  const inputs: SimInput[] = [];
  const who = () => `p${Math.floor(rand() * 12)}`;
  if (tick % 7 === 1) inputs.push({ kind: "join", participantId: who(), x: rand() * 64, z: rand() * 64 });
  if (tick % 23 === 0) inputs.push({ kind: "leave", participantId: who() });
  for (let i = 0; i < 3; i++) {
    inputs.push({ kind: "move", participantId: who(), x: rand() * 80 - 8, z: rand() * 80 - 8 });
  }
  if (tick % 5 === 0) inputs.push({ kind: "typing", participantId: who(), on: rand() < 0.7 });
  if (tick % 31 === 0) inputs.push({ kind: "mute", participantId: who(), ticks: Math.floor(rand() * 60) });
  if (tick % 3 === 0) inputs.push(sayInput(who(), `n${Math.floor(rand() * 40)}`, `t${tick}`));
  return inputs;
};

describe("replay", () => {
  it("re-running the recorded log, whole or from a mid-run snapshot, gives the same state", () => {
    const options: SimOptions = { roomId: "replay", lastSeq: 7 };
    const sim = createSim({ ...options, record: true });
    const rand = lcg(42);
    const TICKS = 400;
    let mid: SimSnapshot | undefined;
    let appended = 0;
    for (let tick = 1; tick <= TICKS; tick++) {
      for (const input of scriptedInputs(tick, rand)) sim.enqueue(input);
      const result = sim.step();
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

describe("checkpoint", () => {
  it("bounds the log, and the checkpoint plus the log since still replays to the same state", () => {
    const options: SimOptions = { roomId: "checkpoint" };
    const sim = createSim({ ...options, record: true });
    const rand = lcg(99);
    let checkpoint: SimSnapshot = sim.checkpoint();
    for (let tick = 1; tick <= 300; tick++) {
      for (const input of scriptedInputs(tick, rand)) sim.enqueue(input);
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
