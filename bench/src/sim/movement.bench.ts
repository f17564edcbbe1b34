import { ARRIVE_EPSILON, createSimWorld, movementSystem, spawnParticipant } from "@mesh/sim";
import { DEFAULT_MAX_SPEED, DEFAULT_ROOM_SIZE, TICK_MS } from "@mesh/schema";
import { progress, type BenchLine } from "../report.ts";
import { lcg, median, round, timeNs } from "../stats.ts";
import type { BenchOptions } from "../suite.ts";

/** Ticks per timed round: fewer than any entity needs to arrive, so all keep moving. */
const TICKS_PER_ROUND = 100;
const SIZE = DEFAULT_ROOM_SIZE;

interface Lane {
  px: Float32Array;
  pz: Float32Array;
  vx: Float32Array;
  vz: Float32Array;
  yaw: Float32Array;
  tx: Float32Array;
  tz: Float32Array;
  active: Uint8Array;
}

/** The baseline: the same math as movementSystem over dense typed arrays, no ECS. */
const rawMovement = (l: Lane, n: number, step: number, dt: number): void => {
  const { px, pz, vx, vz, yaw, tx, tz, active } = l;
  for (let i = 0; i < n; i++) {
    if (active[i] === 0) {
      vx[i] = 0;
      vz[i] = 0;
      continue;
    }
    const x0 = px[i];
    const z0 = pz[i];
    const dx = tx[i] - x0;
    const dz = tz[i] - z0;
    const dist = Math.sqrt(dx * dx + dz * dz);
    let x1: number;
    let z1: number;
    if (dist <= step + ARRIVE_EPSILON) {
      x1 = tx[i];
      z1 = tz[i];
      active[i] = 0;
    } else {
      x1 = x0 + (dx / dist) * step;
      z1 = z0 + (dz / dist) * step;
    }
    px[i] = x1 > 0 ? Math.min(x1, SIZE) : 0;
    pz[i] = z1 > 0 ? Math.min(z1, SIZE) : 0;
    vx[i] = (px[i] - x0) / dt;
    vz[i] = (pz[i] - z0) / dt;
    if (dist > 0) yaw[i] = Math.atan2(dx, dz);
  }
};

/** Start points near one corner, targets near the opposite one: ≥ 68 units, 340+ ticks away. */
const startsAndTargets = (n: number) => {
  const rand = lcg(7);
  const start = new Float32Array(n * 4);
  for (let i = 0; i < n; i++) {
    start[i * 4] = rand() * 8;
    start[i * 4 + 1] = rand() * 8;
    start[i * 4 + 2] = SIZE - rand() * 8;
    start[i * 4 + 3] = SIZE - rand() * 8;
  }
  return start;
};

export const movementBench = (n: number, options: BenchOptions): BenchLine => {
  const dt = TICK_MS / 1000;
  const step = DEFAULT_MAX_SPEED * dt;
  const plan = startsAndTargets(n);

  const { world, ctx } = createSimWorld({ roomId: "bench-movement", capacity: n });
  const eids = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const spawned = spawnParticipant(world, ctx, `p${i}`, 0, 0);
    if (!spawned.ok) throw new Error(spawned.error.message);
    eids[i] = spawned.value;
  }
  const { Position, Target } = ctx.components;
  const resetEcs = () => {
    for (let i = 0; i < n; i++) {
      const eid = eids[i];
      Position.x[eid] = plan[i * 4];
      Position.z[eid] = plan[i * 4 + 1];
      Target.x[eid] = plan[i * 4 + 2];
      Target.z[eid] = plan[i * 4 + 3];
      Target.active[eid] = 1;
    }
  };

  const lane: Lane = {
    px: new Float32Array(n),
    pz: new Float32Array(n),
    vx: new Float32Array(n),
    vz: new Float32Array(n),
    yaw: new Float32Array(n),
    tx: new Float32Array(n),
    tz: new Float32Array(n),
    active: new Uint8Array(n),
  };
  const resetRaw = () => {
    for (let i = 0; i < n; i++) {
      lane.px[i] = plan[i * 4];
      lane.pz[i] = plan[i * 4 + 1];
      lane.tx[i] = plan[i * 4 + 2];
      lane.tz[i] = plan[i * 4 + 3];
      lane.active[i] = 1;
    }
  };

  const ecsRound = () => {
    resetEcs();
    return timeNs(() => {
      for (let t = 0; t < TICKS_PER_ROUND; t++) movementSystem(world, ctx);
    });
  };
  const rawRound = () => {
    resetRaw();
    return timeNs(() => {
      for (let t = 0; t < TICKS_PER_ROUND; t++) rawMovement(lane, n, step, dt);
    });
  };

  const warmup = options.quick ? 3 : 10;
  const rounds = options.quick ? 7 : 25;
  progress(`movement: ${n} entities, ${warmup} warm-up + ${rounds} rounds of ${TICKS_PER_ROUND} ticks`);
  for (let r = 0; r < warmup; r++) {
    ecsRound();
    rawRound();
  }
  const ecs: number[] = [];
  const raw: number[] = [];
  // Interleaved so drift (thermal, GC, other load) hits both sides alike.
  for (let r = 0; r < rounds; r++) {
    ecs.push(ecsRound() / (TICKS_PER_ROUND * n));
    raw.push(rawRound() / (TICKS_PER_ROUND * n));
  }
  // Both sides must have done the same work: compare where one entity ended up.
  const last = eids[n - 1];
  if (Position.x[last] !== lane.px[n - 1] || Position.z[last] !== lane.pz[n - 1]) {
    throw new Error("movement bench: ECS and raw loops disagree");
  }
  const ecsNs = median(ecs);
  const rawNs = median(raw);
  return {
    bench: "movement",
    entities: n,
    ecs_ns_per_entity: round(ecsNs),
    raw_ns_per_entity: round(rawNs),
    ratio: round(ecsNs / rawNs, 3),
    rounds,
    ticks_per_round: TICKS_PER_ROUND,
  };
};
