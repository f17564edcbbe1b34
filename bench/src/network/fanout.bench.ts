import { MeshRest } from "@mesh/bots";
import { DEFAULT_ROOM_SIZE, TICK_MS } from "@mesh/schema";
import { progress, type BenchLine } from "../report.ts";
import { lcg, round } from "../stats.ts";
import type { BenchOptions } from "../suite.ts";
import { latencyHistogram, moveSeen, percentileMs, probeGap, recordMs, sleep } from "./latency.ts";
import { leaveAll, type MeshWorld } from "./mesh-world.ts";
import { SPOTS } from "./hop.bench.ts";

/** Every 100 ms this share of movers gets a new far target, so all keep walking. */
const RETARGET_SHARE = 0.1;

/** A→B move latency with only A and B in the room: the reference for the fan-out ratios. */
export const idleMoveP50 = async (world: MeshWorld, options: BenchOptions): Promise<number> => {
  const [a, b] = await world.join(await world.sessions(2));
  const moves = latencyHistogram();
  const rand = lcg(2);
  try {
    if ((await moveSeen(a, b, SPOTS[0].x, SPOTS[0].z, 10_000)) === undefined) throw new Error("network bench: B never saw A arrive");
    for (let i = 0; i < (options.quick ? 30 : 100); i++) {
      const ms = await moveSeen(a, b, SPOTS[(i + 1) % 2].x, SPOTS[(i + 1) % 2].z);
      if (ms !== undefined) recordMs(moves, ms);
      await probeGap(rand);
    }
    return percentileMs(moves, 50);
  } finally {
    moves.destroy();
    await leaveAll([a, b]);
  }
};

/**
 * N clients in the lobby, N−2 walking all the time: B's observed patch rate and gaps, and
 * the A→B move latency under that load against the idle latency measured earlier this run.
 * All clients live in this process and the server in another, so the server-side tick timings
 * are the server's own; at hundreds of clients the client-side figures mostly measure this
 * process decoding every client's patches.
 */
export const fanoutBench = async (
  world: MeshWorld,
  clients: number,
  idleMoveP50Ms: number,
  options: BenchOptions,
): Promise<BenchLine> => {
  progress(`net fanout: ${clients} clients: signing up and joining`);
  const sessions = await world.sessions(clients);
  const rooms = await world.join(sessions);
  // The owner (whichever sign-up landed first) may read the room's server-side tick timings.
  const ownerSession = sessions.find((s) => s.participant.role === "owner");
  if (!ownerSession) throw new Error("network bench: none of the bench accounts is the owner");
  const owner = new MeshRest(world.server.url, ownerSession.token);
  const serverStats = (reset: boolean) =>
    owner.request<{ tickMs: { ticks: number; p50Ms: number; p99Ms: number; maxMs: number } }>(
      "GET",
      `/api/rooms/lobby/stats?reset=${reset}`,
    );
  const [a, b, ...movers] = rooms;
  const rand = lcg(clients);
  const walker = setInterval(() => {
    const count = Math.max(1, Math.round(movers.length * RETARGET_SHARE));
    for (let i = 0; i < count; i++) {
      const mover = movers[Math.floor(rand() * movers.length)];
      mover.moveTo(4 + rand() * (DEFAULT_ROOM_SIZE - 8), 4 + rand() * (DEFAULT_ROOM_SIZE - 8));
    }
  }, 100);
  const moves = latencyHistogram();
  const gaps = latencyHistogram();
  let lastPatch = 0;
  let patches = 0;
  const offPatch = b.onChange(() => {
    const now = performance.now();
    if (lastPatch > 0) recordMs(gaps, now - lastPatch);
    lastPatch = now;
    patches++;
  });
  try {
    if ((await moveSeen(a, b, SPOTS[0].x, SPOTS[0].z, 10_000)) === undefined) throw new Error("network bench: B never saw A arrive");
    // Let every mover get going before counting.
    await sleep(1000);
    gaps.reset();
    lastPatch = 0;
    patches = 0;
    await serverStats(true);
    const seconds = options.quick ? 5 : 15;
    progress(`net fanout: ${clients} clients, ${clients - 2} walking, probing A→B for ${seconds} s`);
    const started = performance.now();
    let timeouts = 0;
    for (let i = 0; performance.now() - started < seconds * 1000; i++) {
      const spot = SPOTS[(i + 1) % 2];
      const ms = await moveSeen(a, b, spot.x, spot.z);
      if (ms === undefined) timeouts++;
      else recordMs(moves, ms);
      await probeGap(rand);
    }
    const elapsedS = (performance.now() - started) / 1000;
    const { tickMs } = await serverStats(false);
    const p50 = percentileMs(moves, 50);
    return {
      bench: "net.fanout",
      clients,
      walking: movers.length,
      move_seen_p50_ms: p50,
      move_seen_p99_ms: percentileMs(moves, 99),
      idle_move_seen_p50_ms: idleMoveP50Ms,
      ratio_p50_vs_idle: round(p50 / idleMoveP50Ms, 3),
      // The server ticks at 20 Hz and sends one patch per tick.
      patch_hz: round(patches / elapsedS),
      patch_gap_p50_ms: percentileMs(gaps, 50),
      patch_gap_p99_ms: percentileMs(gaps, 99),
      // Server side: step + persist + state sync + patch encode/send, against the 50 ms budget.
      server_tick_p50_ms: tickMs.p50Ms,
      server_tick_p99_ms: tickMs.p99Ms,
      server_tick_max_ms: tickMs.maxMs,
      tick_budget_used_p99: round(tickMs.p99Ms / TICK_MS, 3),
      samples: moves.totalCount,
      timeouts,
    };
  } finally {
    clearInterval(walker);
    offPatch();
    moves.destroy();
    gaps.destroy();
    await leaveAll(rooms);
  }
};
