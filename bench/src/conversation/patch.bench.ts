import { progress, type BenchLine } from "../report.ts";
import { median, round } from "../stats.ts";
import type { BenchOptions } from "../suite.ts";
import { DM_MARK, PatchWorld, type PatchWorldOptions } from "./patch-world.ts";
import { percentile } from "./samples.ts";

/** Socket 0 is never in a DM: what it is sent is what DMs cost everyone else. */
const BYSTANDER = 0;

interface Case {
  name: string;
  options: PatchWorldOptions;
  world: PatchWorld;
  patchMs: number[];
  dmMs: number[];
}

/**
 * Every DM's text is in the frames of both its sockets this tick, and in no one else's (the
 * bystander, and one other socket per DM); a room message reaches the bystander.
 */
const check = (c: Case): void => {
  const { world } = c;
  const bystander = world.sockets[BYSTANDER];
  if (bystander.holds(DM_MARK)) throw new Error(`conversation bench (${c.name}): the bystander was sent a DM`);
  if (world.roomText !== undefined && !bystander.holds(world.roomText)) {
    throw new Error(`conversation bench (${c.name}): the bystander missed a room message`);
  }
  for (const [i, dm] of world.sent.entries()) {
    if (!world.sockets[dm.from].holds(dm.text) || !world.sockets[dm.to].holds(dm.text)) {
      throw new Error(`conversation bench (${c.name}): a DM did not reach both of its participants`);
    }
    const other = 1 + ((dm.from + dm.to + i) % (world.sockets.length - 1));
    if (other !== dm.from && other !== dm.to && world.sockets[other].holds(dm.text)) {
      throw new Error(`conversation bench (${c.name}): a DM reached a third socket`);
    }
  }
};

/**
 * SchemaSerializer.applyPatches for one room of `clients` sockets with the room's StateView policy,
 * with no DMs (the baseline) and with DMs flowing; for reference the same with a view per socket
 * from the start (the first design) and with no StateViews at all. The worlds tick
 * in turn, in a rotating order, so drift hits each alike; only applyPatches is timed.
 */
export const patchBench = (clients: number, dmRates: readonly number[], options: BenchOptions): BenchLine[] => {
  const cases: Case[] = [
    { name: "no DMs", options: { participants: clients, dmsPerTick: 0, views: "room" as const } },
    ...dmRates.map((dms) => ({ name: `${dms} DMs/tick`, options: { participants: clients, dmsPerTick: dms, views: "room" as const } })),
    // The first design, for reference, at the middle rate only (it is slow).
    ...dmRates.slice(1, 2).map((dms) => ({ name: `${dms} DMs/tick, a view per socket`, options: { participants: clients, dmsPerTick: dms, views: "per-socket" as const } })),
    { name: "no views", options: { participants: clients, dmsPerTick: 0, views: "none" as const } },
  ].map((c) => ({ ...c, world: new PatchWorld(c.options), patchMs: [], dmMs: [] }));
  const warmup = options.quick ? 10 : 20;
  const measured = options.quick ? 40 : 120;
  progress(`conversation.patch: ${clients} sockets, ${cases.map((c) => c.name).join(" / ")}: ${warmup} warm-up + ${measured} ticks each`);
  for (let r = 0; r < warmup + measured; r++) {
    if (r === warmup) for (const c of cases) for (const s of c.world.sockets) s.bytes = s.frames = 0;
    for (let k = 0; k < cases.length; k++) {
      const c = cases[(r + k) % cases.length];
      const dmNs = c.world.step();
      const patchNs = c.world.patch();
      check(c);
      if (r >= warmup) {
        c.patchMs.push(patchNs / 1e6);
        c.dmMs.push(dmNs / 1e6);
      }
    }
  }
  const [base, ...rest] = cases;
  const bytesPerTick = (c: Case, socket: number) => c.world.sockets[socket].bytes / measured;
  const meanBytesPerTick = (c: Case) => c.world.sockets.reduce((sum, s) => sum + s.bytes, 0) / c.world.sockets.length / measured;
  for (const c of cases) {
    if (c.world.sockets.some((s) => s.frames !== measured)) throw new Error(`conversation bench (${c.name}): a socket missed a patch`);
    if (c.world.sockets[BYSTANDER].bytes !== base.world.sockets[BYSTANDER].bytes) {
      throw new Error(`conversation bench (${c.name}): the bystander was sent ${c.world.sockets[BYSTANDER].bytes} bytes, not ${base.world.sockets[BYSTANDER].bytes}`);
    }
  }
  const p50 = percentile(base.patchMs, 50);
  const p99 = percentile(base.patchMs, 99);
  const line = (c: Case): BenchLine => ({
    bench: c.options.views === "room" ? "conversation.patch" : `conversation.patch_views_${c.options.views}`,
    clients,
    dms_per_tick: c.options.dmsPerTick,
    views: c.options.views,
    p50_ms: round(percentile(c.patchMs, 50)),
    // p99 is mostly V8 GC at this allocation rate (each socket's frame is a fresh array); p90 is the steady state.
    p90_ms: round(percentile(c.patchMs, 90)),
    p99_ms: round(percentile(c.patchMs, 99)),
    baseline: base.name,
    baseline_p50_ms: round(p50),
    baseline_p99_ms: round(p99),
    ratio_p50: round(percentile(c.patchMs, 50) / p50, 3),
    ratio_p90: round(percentile(c.patchMs, 90) / percentile(base.patchMs, 90), 3),
    ratio_p99: round(percentile(c.patchMs, 99) / p99, 3),
    bystander_bytes_per_tick: round(bytesPerTick(c, BYSTANDER)),
    mean_bytes_per_socket_per_tick: round(meanBytesPerTick(c)),
    // Not in p50_ms: DirectWindow.append plus view.add/remove, which the room runs in its tick.
    dm_bookkeeping_p50_ms: round(median(c.dmMs)),
    direct_held: c.world.state.direct.length,
    ticks: measured,
  });
  return [line(base), ...rest.map(line)];
};
