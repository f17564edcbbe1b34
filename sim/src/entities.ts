import { err, ErrorCode, ok, type Result } from "@mesh/schema";
import { addComponent, addEntity, removeEntity, type World } from "bitecs";
import { clampTo } from "./bounds.ts";
import type { SimContext } from "./context.ts";

/** Create a participant's entity at (x, z), online, idle; refused when the world is full. */
export const spawnParticipant = (
  world: World,
  ctx: SimContext,
  participantId: string,
  x: number,
  z: number,
): Result<number> => {
  if (ctx.eidOf.size >= ctx.capacity) {
    return err(ErrorCode.Conflict, `room ${ctx.roomId} is full (${ctx.capacity} entities)`);
  }
  const { Position, Velocity, Heading, Target, Presence, Typing } = ctx.components;
  const eid = addEntity(world);
  // Capacity bounds live entities and bitecs recycles ids first, so eid <= capacity here.
  Position.x[eid] = clampTo(x, ctx.width);
  Position.y[eid] = 0;
  Position.z[eid] = clampTo(z, ctx.depth);
  Velocity.x[eid] = 0;
  Velocity.z[eid] = 0;
  Heading.yaw[eid] = 0;
  Target.x[eid] = Position.x[eid];
  Target.z[eid] = Position.z[eid];
  Target.active[eid] = 0;
  Presence.online[eid] = 1;
  Typing.on[eid] = 0;
  Typing.expiresAtTick[eid] = 0;
  addComponent(world, eid, Position);
  addComponent(world, eid, Velocity);
  addComponent(world, eid, Heading);
  addComponent(world, eid, Target);
  addComponent(world, eid, Presence);
  addComponent(world, eid, Typing);
  ctx.eidOf.set(participantId, eid);
  ctx.participantOf[eid] = participantId;
  return ok(eid);
};

export const despawnParticipant = (world: World, ctx: SimContext, participantId: string): void => {
  const eid = ctx.eidOf.get(participantId);
  if (eid === undefined) return;
  removeEntity(world, eid);
  ctx.eidOf.delete(participantId);
  ctx.participantOf[eid] = "";
  ctx.orderLabels.delete(eid); // an agent's order leaves with it
};
