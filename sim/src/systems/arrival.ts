import { query, type World } from "bitecs";
import type { SimContext } from "../context.ts";
import { settleOrder } from "../orders.ts";

/** Reports a move_to done in the tick its agent arrives (movement cleared Target.active). */
export const arrivalSystem = (world: World, ctx: SimContext): void => {
  const { Target, Presence, MovingTo } = ctx.components;
  const eids = query(world, [MovingTo]);
  // Backwards, so an arrival leaving the query is safe whenever bitecs drops it.
  for (let i = eids.length - 1; i >= 0; i--) {
    const eid = eids[i];
    if (Target.active[eid] === 0 && Presence.online[eid] === 1) settleOrder(world, ctx, eid, "done", "arrived");
  }
};
