import { TICK_MS, TYPING_TIMEOUT_MS } from "@mesh/schema";
import { addComponent, hasComponent, removeComponent, type World } from "bitecs";
import { clampTo } from "../bounds.ts";
import { type SimContext, silenced } from "../context.ts";
import { spawnParticipant } from "../entities.ts";
import { applyOrder, applyOrderStatus, cancelCarriedOrder } from "../order-inputs.ts";
import type { SimInput } from "../types.ts";

const TYPING_TICKS = Math.ceil(TYPING_TIMEOUT_MS / TICK_MS);

/** Applies this tick's queued inputs in arrival order; says go on to the message system, orders start here. */
export const inputSystem = (world: World, ctx: SimContext): void => {
  const inputs = ctx.inputs;
  for (let i = 0; i < inputs.length; i++) applyInput(world, ctx, inputs[i]);
};

const applyInput = (world: World, ctx: SimContext, input: SimInput): void => {
  const { Target, Presence, Typing, Muted, Agent } = ctx.components;
  const eid = ctx.eidOf.get(input.participantId);
  switch (input.kind) {
    case "join": {
      if (eid !== undefined) {
        Presence.online[eid] = 1; // a reconnect: keep where the participant stood
        if (input.agent && !hasComponent(world, eid, Agent)) addComponent(world, eid, Agent);
        return;
      }
      const spawned = spawnParticipant(world, ctx, input.participantId, input.x, input.z);
      if (!spawned.ok) {
        ctx.result.rejected.push({ input, error: spawned.error });
        return;
      }
      ctx.joined.add(input.participantId);
      if (input.agent) {
        Agent.kind[spawned.value] = 0;
        addComponent(world, spawned.value, Agent);
      }
      const mutedUntil = ctx.mutes.get(input.participantId) ?? 0;
      // A mute in force shows from the first tick of a (re)join.
      if (mutedUntil > ctx.tick) {
        Muted.untilTick[spawned.value] = mutedUntil;
        addComponent(world, spawned.value, Muted);
      }
      return;
    }
    case "leave":
      if (eid === undefined) return;
      Presence.online[eid] = 0; // removed by the presence system at the end of the tick
      ctx.left.add(input.participantId);
      return;
    case "move":
      if (eid === undefined) return;
      cancelCarriedOrder(ctx, eid);
      Target.x[eid] = clampTo(input.x, ctx.width);
      Target.z[eid] = clampTo(input.z, ctx.depth);
      Target.active[eid] = 1;
      return;
    case "typing":
      if (eid === undefined) return;
      // Someone who may not speak here may not look as if they are about to.
      if (input.on && silenced(ctx, input)) {
        ctx.result.rejected.push({ input, error: { code: "forbidden", message: "you are muted in this room" } });
        return;
      }
      Typing.on[eid] = input.on ? 1 : 0;
      Typing.expiresAtTick[eid] = input.on ? ctx.tick + TYPING_TICKS : 0;
      return;
    case "mute": {
      // Capped so an absurd duration stays a finite, JSON-safe tick number.
      const until = ctx.tick + Math.min(Math.floor(input.ticks), Number.MAX_SAFE_INTEGER - ctx.tick);
      // The rule holds whether or not the participant is here (REST senders have no entity).
      if (input.ticks > 0) ctx.mutes.set(input.participantId, until);
      else ctx.mutes.delete(input.participantId);
      if (eid === undefined) return;
      if (input.ticks > 0) {
        Muted.untilTick[eid] = until;
        addComponent(world, eid, Muted);
      } else if (hasComponent(world, eid, Muted)) {
        removeComponent(world, eid, Muted);
      }
      return;
    }
    case "say":
      ctx.says.push(input);
      return;
    case "amend":
      ctx.result.amended.push(input);
      return;
    case "order":
      applyOrder(world, ctx, input);
      return;
    case "order_status":
      applyOrderStatus(ctx, input);
      return;
    default: {
      const unknown: never = input;
      throw new TypeError(`unknown sim input ${JSON.stringify(unknown)}`);
    }
  }
};
