import { query, type World } from "bitecs";
import type { SimContext } from "../context.ts";

/** Turns off typing indicators that were not renewed within TYPING_TIMEOUT_MS. */
export const typingSystem = (world: World, ctx: SimContext): void => {
  const { Typing } = ctx.components;
  const on = Typing.on;
  const expiresAtTick = Typing.expiresAtTick;
  const tick = ctx.tick;
  const eids = query(world, [Typing]);
  for (let i = 0; i < eids.length; i++) {
    const eid = eids[i];
    if (on[eid] === 1 && tick >= expiresAtTick[eid]) on[eid] = 0;
  }
};
