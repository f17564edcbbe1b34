import { query, type World } from "bitecs";
import { clampTo } from "../bounds.ts";
import type { SimContext } from "../context.ts";
import { settleOrder } from "../orders.ts";

/**
 * Re-targets every active follower to the point `distance` short of its leader, on the line
 * between them, or stops it once within that distance; a follower whose leader left fails.
 */
export const followSystem = (world: World, ctx: SimContext): void => {
  const { Position, Target, Order, Presence, Following } = ctx.components;
  const px = Position.x;
  const pz = Position.z;
  const online = Presence.online;
  const eids = query(world, [Following]);
  // Backwards, so a failed follower leaving the query is safe whenever bitecs drops it.
  for (let i = eids.length - 1; i >= 0; i--) {
    const eid = eids[i];
    if (online[eid] === 0) continue; // leaving this tick: its order goes with it
    const leader = Order.targetEid[eid];
    // The name check catches an entity id that a leaver left and a newcomer took.
    if (online[leader] === 0 || ctx.participantOf[leader] !== ctx.orderLabels.get(eid)?.targetId) {
      settleOrder(world, ctx, eid, "failed", "the leader left");
      continue;
    }
    const dx = px[leader] - px[eid];
    const dz = pz[leader] - pz[eid];
    const dist = Math.sqrt(dx * dx + dz * dz);
    const gap = Order.distance[eid];
    if (dist <= gap) {
      Target.active[eid] = 0;
      continue;
    }
    // Leaders read last tick's positions (movement comes after), so a cycle cannot run away.
    const t = (dist - gap) / dist;
    Target.x[eid] = clampTo(px[eid] + dx * t, ctx.width);
    Target.z[eid] = clampTo(pz[eid] + dz * t, ctx.depth);
    Target.active[eid] = 1;
  }
};
