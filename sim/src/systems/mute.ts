import { query, removeComponent, type World } from "bitecs";
import type { SimContext } from "../context.ts";

/** Lifts mutes whose time is up. */
export const muteSystem = (world: World, ctx: SimContext): void => {
  const { Muted } = ctx.components;
  const untilTick = Muted.untilTick;
  const tick = ctx.tick;
  for (const [participantId, until] of ctx.mutes) if (tick >= until) ctx.mutes.delete(participantId);
  const eids = query(world, [Muted]);
  // Walk backwards so removing a member is safe whether bitecs swaps it out now or later.
  for (let i = eids.length - 1; i >= 0; i--) {
    const eid = eids[i];
    if (tick >= untilTick[eid]) removeComponent(world, eid, Muted);
  }
};
