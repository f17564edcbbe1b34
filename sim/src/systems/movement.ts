import { query, type World } from "bitecs";
import { clampTo } from "../bounds.ts";
import type { SimContext } from "../context.ts";

/** Within this distance of its target an entity snaps onto it (absorbs float32 rounding). */
export const ARRIVE_EPSILON = 1e-3;

/** Walks each entity toward its Target at most maxSpeed*dt per tick, clamped to the room. */
export const movementSystem = (world: World, ctx: SimContext): void => {
  const { Position, Velocity, Heading, Target } = ctx.components;
  const px = Position.x;
  const pz = Position.z;
  const vx = Velocity.x;
  const vz = Velocity.z;
  const yaw = Heading.yaw;
  const tx = Target.x;
  const tz = Target.z;
  const active = Target.active;
  const dt = ctx.dt;
  const step = ctx.maxSpeed * dt;
  const width = ctx.width;
  const depth = ctx.depth;
  const eids = query(world, [Position, Velocity, Heading, Target]);
  for (let i = 0; i < eids.length; i++) {
    const eid = eids[i];
    if (active[eid] === 0) {
      vx[eid] = 0;
      vz[eid] = 0;
      continue;
    }
    const x0 = px[eid];
    const z0 = pz[eid];
    const dx = tx[eid] - x0;
    const dz = tz[eid] - z0;
    const dist = Math.sqrt(dx * dx + dz * dz);
    let x1: number;
    let z1: number;
    if (dist <= step + ARRIVE_EPSILON) {
      x1 = tx[eid];
      z1 = tz[eid];
      active[eid] = 0;
    } else {
      x1 = x0 + (dx / dist) * step;
      z1 = z0 + (dz / dist) * step;
    }
    px[eid] = clampTo(x1, width);
    pz[eid] = clampTo(z1, depth);
    vx[eid] = (px[eid] - x0) / dt;
    vz[eid] = (pz[eid] - z0) / dt;
    if (dist > 0) yaw[eid] = Math.atan2(dx, dz);
  }
};
