import { query, type World } from "bitecs";
import { clampTo } from "../bounds.ts";
import type { SimContext } from "../context.ts";
import { ACTIVE, FOLLOW, settleOrder } from "../orders.ts";

/**
 * Re-targets every active follower to the point `distance` short of its leader, on the line
 * between them, or stops it once within that distance; a follower whose leader left fails.
 */
export const followSystem = (world: World, ctx: SimContext): void => {
  const { Position, Target, Order, Presence } = ctx.components;
  const px = Position.x;
  const pz = Position.z;
  const online = Presence.online;
  const kind = Order.kind;
  const status = Order.status;
  const eids = query(world, [Order]);
  for (let i = 0; i < eids.length; i++) {
    const eid = eids[i];
    // Leavers' orders go with them unreported.
    if (kind[eid] !== FOLLOW || status[eid] !== ACTIVE || online[eid] === 0) continue;
    const leader = Order.targetEid[eid];
    // The name check catches an entity id that a leaver left and a newcomer took.
    if (online[leader] === 0 || ctx.participantOf[leader] !== ctx.orderLabels.get(eid)?.targetId) {
      settleOrder(ctx, eid, "failed", "the leader left");
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
    // Leaders are read where the last tick left them (movement comes after), so a cycle closes in, never runs away.
    const t = (dist - gap) / dist;
    Target.x[eid] = clampTo(px[eid] + dx * t, ctx.width);
    Target.z[eid] = clampTo(pz[eid] + dz * t, ctx.depth);
    Target.active[eid] = 1;
  }
};
