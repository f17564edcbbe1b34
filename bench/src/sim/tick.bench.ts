import { createSim, type Sim } from "@mesh/sim";
import { DEFAULT_ROOM_SIZE } from "@mesh/schema";
import { build } from "hdr-histogram-js";
import { progress, type BenchLine } from "../report.ts";
import { lcg, round } from "../stats.ts";
import type { BenchOptions } from "../suite.ts";

/** Per tick: this share of participants gets a new move target (a busy room). */
const MOVE_SHARE = 0.02;
/** Per tick: this share toggles typing. */
const TYPING_SHARE = 0.005;
/** Per tick: this many messages. */
const SAYS_PER_TICK = 2;

const enqueueTickInputs = (sim: Sim, n: number, tick: number, rand: () => number): void => {
  const who = () => `p${Math.floor(rand() * n)}`;
  const moves = Math.max(1, Math.round(n * MOVE_SHARE));
  for (let i = 0; i < moves; i++) {
    sim.enqueue({ kind: "move", participantId: who(), x: rand() * DEFAULT_ROOM_SIZE, z: rand() * DEFAULT_ROOM_SIZE });
  }
  const typing = Math.round(n * TYPING_SHARE);
  for (let i = 0; i < typing; i++) sim.enqueue({ kind: "typing", participantId: who(), on: rand() < 0.8 });
  for (let i = 0; i < SAYS_PER_TICK; i++) {
    const participantId = who();
    sim.enqueue({
      kind: "say",
      participantId,
      id: `m${tick}-${i}`,
      authorName: participantId,
      text: "hello from the benchmark",
      threadId: "",
      to: "",
      nonce: `n${tick}-${i}`,
      trust: "local",
      ts: tick * 50,
      attachments: [],
    });
  }
};

/** Full sim.step() latency with N participants and realistic per-tick inputs. */
export const tickBench = (n: number, options: BenchOptions): BenchLine => {
  const rand = lcg(n);
  const sim = createSim({ roomId: `bench-tick-${n}` });
  for (let i = 0; i < n; i++) {
    sim.enqueue({ kind: "join", participantId: `p${i}`, x: rand() * DEFAULT_ROOM_SIZE, z: rand() * DEFAULT_ROOM_SIZE });
  }
  sim.step();
  if (sim.entityCount() !== n) throw new Error(`tick bench: only ${sim.entityCount()} of ${n} joined`);

  const warmup = options.quick ? 100 : 400;
  const ticks = options.quick ? 400 : 2000;
  progress(`tick: ${n} entities, ${warmup} warm-up + ${ticks} measured ticks`);
  for (let t = 0; t < warmup; t++) {
    enqueueTickInputs(sim, n, sim.tick + 1, rand);
    sim.step();
  }
  const histogram = build({ lowestDiscernibleValue: 1, highestTrackableValue: 10_000_000_000, numberOfSignificantValueDigits: 3 });
  for (let t = 0; t < ticks; t++) {
    enqueueTickInputs(sim, n, sim.tick + 1, rand);
    const start = process.hrtime.bigint();
    sim.step();
    histogram.recordValue(Number(process.hrtime.bigint() - start));
  }
  const ms = (ns: number) => round(ns / 1e6);
  const line: BenchLine = {
    bench: "tick",
    entities: n,
    p50_ms: ms(histogram.getValueAtPercentile(50)),
    p99_ms: ms(histogram.getValueAtPercentile(99)),
    max_ms: ms(histogram.maxValue),
    mean_ms: ms(histogram.mean),
    ticks,
    moves_per_tick: Math.max(1, Math.round(n * MOVE_SHARE)),
  };
  histogram.destroy();
  return line;
};
