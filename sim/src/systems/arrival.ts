import { query, type World } from "bitecs";
import type { SimContext } from "../context.ts";
import { ACTIVE, MOVE_TO, settleOrder } from "../orders.ts";

/** Reports a move_to done in the tick its agent arrives (movement cleared Target.active). */
export const arrivalSystem = (world: World, ctx: SimContext): void => {
  const { Target, Presence, Order } = ctx.components;
  const kind = Order.kind;
  const status = Order.status;
  const eids = query(world, [Order]);
  for (let i = 0; i < eids.length; i++) {
    const eid = eids[i];
    if (kind[eid] !== MOVE_TO || status[eid] !== ACTIVE) continue;
    if (Target.active[eid] === 0 && Presence.online[eid] === 1) settleOrder(ctx, eid, "done", "arrived");
  }
};
