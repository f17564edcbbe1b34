import type { World } from "bitecs";
import type { SimContext } from "../context.ts";
import { despawnParticipant } from "../entities.ts";

/** Removes participants still offline after this tick's inputs and reports the tick's net joins and leaves. */
export const presenceSystem = (world: World, ctx: SimContext): void => {
  const { Presence } = ctx.components;
  const { spawned, despawned } = ctx.result;
  for (const participantId of ctx.left) {
    const eid = ctx.eidOf.get(participantId);
    if (eid === undefined || Presence.online[eid] === 1) continue; // rejoined in the same tick
    despawnParticipant(world, ctx, participantId);
    // Joined and left within one tick: it never existed at a tick boundary, so report neither.
    if (!ctx.joined.has(participantId)) despawned.push(participantId);
  }
  for (const participantId of ctx.joined) {
    if (ctx.eidOf.has(participantId)) spawned.push(participantId);
  }
};
