import type { Histogram } from "hdr-histogram-js";
import { progress, type BenchLine } from "../report.ts";
import { lcg, round } from "../stats.ts";
import type { BenchOptions } from "../suite.ts";
import { latencyHistogram, messageSeen, moveSeen, percentileMs, probeGap, recordMs } from "./latency.ts";
import { leaveAll, type MeshWorld } from "./mesh-world.ts";
import { startRawRelay } from "./raw-relay.ts";

/** Two spots one tick's walk apart (speed 4/s × 50 ms = 0.2), so each probe is a one-step move. */
export const SPOTS = [
  { x: 30, z: 30 },
  { x: 30.1, z: 30 },
] as const;

const line = (bench: string, mesh: Histogram, raw: Histogram, timeouts: number): BenchLine => {
  const meshP50 = percentileMs(mesh, 50);
  const meshP99 = percentileMs(mesh, 99);
  const rawP50 = percentileMs(raw, 50);
  const rawP99 = percentileMs(raw, 99);
  return {
    bench,
    mesh_p50_ms: meshP50,
    mesh_p99_ms: meshP99,
    raw_p50_ms: rawP50,
    raw_p99_ms: rawP99,
    ratio_p50: round(meshP50 / rawP50, 3),
    ratio_p99: round(meshP99 / rawP99, 3),
    // The mesh waits for the next 50 ms tick: expect about raw + 25 ms at p50.
    mesh_minus_raw_p50_ms: round(meshP50 - rawP50),
    samples: mesh.totalCount,
    timeouts,
  };
};

/**
 * One hop A→B with two clients: a move seen in B's mirrored state and a message delivered
 * to B, each against a raw `ws` relay measured in the same rounds (interleaved).
 * Resolves with the move line's mesh p50 as the idle reference for fan-out.
 */
export const hopBench = async (world: MeshWorld, options: BenchOptions, emit: (line: BenchLine) => void): Promise<number> => {
  const [a, b] = await world.join(await world.sessions(2));
  const relay = await startRawRelay();
  const raw = latencyHistogram();
  const move = latencyHistogram();
  const message = latencyHistogram();
  try {
    if ((await moveSeen(a, b, SPOTS[0].x, SPOTS[0].z, 10_000)) === undefined) throw new Error("network bench: B never saw A arrive");
    const rand = lcg(42);
    const warmup = options.quick ? 5 : 20;
    const cycles = options.quick ? 30 : 200;
    progress(`net hop: 2 clients, ${warmup} warm-up + ${cycles} rounds of (raw hop, move, message)`);
    let moveTimeouts = 0;
    let messageTimeouts = 0;
    let rawTimeouts = 0;
    for (let i = 0; i < warmup + cycles; i++) {
      const measured = i >= warmup;
      const rawMs = await relay.hop({ type: "move", x: SPOTS[i % 2].x, z: SPOTS[i % 2].z });
      await probeGap(rand);
      const spot = SPOTS[(i + 1) % 2];
      const moveMs = await moveSeen(a, b, spot.x, spot.z);
      await probeGap(rand);
      const messageMs = await messageSeen(a, b, `probe ${i}`);
      await probeGap(rand);
      if (!measured) continue;
      if (rawMs === undefined) rawTimeouts++;
      else recordMs(raw, rawMs);
      if (moveMs === undefined) moveTimeouts++;
      else recordMs(move, moveMs);
      if (messageMs === undefined) messageTimeouts++;
      else recordMs(message, messageMs);
    }
    if (rawTimeouts > 0) progress(`net hop: ${rawTimeouts} raw hops timed out`);
    const moveLine = line("net.move_seen_ms", move, raw, moveTimeouts);
    emit(moveLine);
    emit(line("net.message_seen_ms", message, raw, messageTimeouts));
    return moveLine.mesh_p50_ms as number;
  } finally {
    for (const h of [raw, move, message]) h.destroy();
    await relay.close();
    await leaveAll([a, b]);
  }
};
