import { ErrorCode, type MeshError, type OrderStatus } from "@mesh/schema";
import { hasComponent, type World } from "bitecs";
import type { SimContext } from "./context.ts";
import { formation, slotX, slotZ } from "./formation.ts";
import { isCarried, isLive, type NewOrder, orderUpdate, settleOrder, startOrder } from "./orders.ts";
import type { OrderInput, OrderStatusInput } from "./types.ts";

/**
 * An `order`: every listed agent that is here takes it (a live order it held is cancelled
 * first); a move_to spreads the group in formation around the point. Agents that cannot take
 * it are refused one by one in `result.rejected`.
 */
export const applyOrder = (world: World, ctx: SimContext, input: OrderInput): void => {
  const { order } = input;
  const takers: number[] = [];
  const taken = new Set<number>();
  for (const agentId of input.agents) {
    const eid = ctx.eidOf.get(agentId);
    const refusal = refuse(world, ctx, input, agentId, eid, taken);
    if (refusal !== undefined) {
      ctx.result.rejected.push({ input, error: refusal });
      continue;
    }
    takers.push(eid as number);
    taken.add(eid as number);
  }
  const { Target, Presence } = ctx.components;
  switch (order.kind) {
    case "move_to": {
      const grid = formation(takers.length, order.x, order.z, ctx.width, ctx.depth);
      for (let i = 0; i < takers.length; i++) {
        const eid = takers[i];
        const x = slotX(grid, i);
        const z = slotZ(grid, i);
        const given = newOrder(input, "active");
        given.x = x;
        given.z = z;
        startOrder(world, ctx, eid, given);
        Target.x[eid] = x;
        Target.z[eid] = z;
        Target.active[eid] = 1;
      }
      return;
    }
    case "follow": {
      const leader = ctx.eidOf.get(order.targetId);
      const here = leader !== undefined && Presence.online[leader] === 1;
      // Clamped so a huge gap stays a finite, JSON-safe number; NaN or negative means "close up".
      const distance = order.distance > 0 ? Math.min(order.distance, Math.hypot(ctx.width, ctx.depth)) : 0;
      for (const eid of takers) {
        const given = newOrder(input, here ? "active" : "failed");
        given.targetEid = here ? leader : 0;
        given.targetId = order.targetId;
        given.distance = distance;
        if (!here) given.note = "the leader is not in the room";
        startOrder(world, ctx, eid, given);
      }
      return;
    }
    case "stop":
      for (const eid of takers) {
        startOrder(world, ctx, eid, newOrder(input, "done"));
        Target.active[eid] = 0;
      }
      return;
    case "say": // the server sends the text through the message path: nothing left to carry out
      for (const eid of takers) startOrder(world, ctx, eid, newOrder(input, "done"));
      return;
    case "task": // only the bot can do it: it reports with order_status
      for (const eid of takers) startOrder(world, ctx, eid, newOrder(input, "pending"));
      return;
    default: {
      const unknown: never = order;
      throw new TypeError(`unknown order ${JSON.stringify(unknown)}`);
    }
  }
};

/** One agent's copy of the order, filled in per kind (a full literal: object spread is slow per agent). */
const newOrder = (input: OrderInput, status: OrderStatus): NewOrder => ({
  id: input.orderId,
  kind: input.order.kind,
  status,
  x: 0,
  z: 0,
  targetEid: 0,
  targetId: "",
  distance: 0,
  note: "",
});

/** Why `agentId` cannot take this order, or undefined if it can. */
const refuse = (
  world: World,
  ctx: SimContext,
  input: OrderInput,
  agentId: string,
  eid: number | undefined,
  taken: ReadonlySet<number>,
): MeshError | undefined => {
  if (eid === undefined || ctx.components.Presence.online[eid] === 0) {
    return { code: ErrorCode.NotFound, message: `${agentId} is not in the room` };
  }
  if (!hasComponent(world, eid, ctx.components.Agent)) {
    return { code: ErrorCode.Forbidden, message: `${agentId} is not a bot` };
  }
  if (input.order.kind === "follow" && input.order.targetId === agentId) {
    return { code: ErrorCode.BadInput, message: `${agentId} cannot follow itself` };
  }
  if (taken.has(eid) || ctx.orderLabels.get(eid)?.id === input.orderId) {
    return { code: ErrorCode.Conflict, message: `${agentId} already has order ${input.orderId}` };
  }
  return undefined;
};

/** A bot's report on its current order; final statuses are final, and done/failed stop a walk. */
export const applyOrderStatus = (ctx: SimContext, input: OrderStatusInput): void => {
  const eid = ctx.eidOf.get(input.participantId);
  const current = eid === undefined ? undefined : orderUpdate(ctx, eid);
  if (eid === undefined || current === undefined || current.id !== input.orderId) {
    ctx.result.rejected.push({
      input,
      error: { code: ErrorCode.NotFound, message: `order ${input.orderId} is not ${input.participantId}'s current order` },
    });
    return;
  }
  if (!isLive(ctx, eid)) {
    ctx.result.rejected.push({
      input,
      error: { code: ErrorCode.BadInput, message: `order ${input.orderId} is already ${current.status}` },
    });
    return;
  }
  settleOrder(ctx, eid, input.status, input.note);
};

/** A `move` of the agent's own while the world walks it: the bot chose elsewhere, so the order is cancelled. */
export const cancelCarriedOrder = (ctx: SimContext, eid: number): void => {
  if (isCarried(ctx, eid)) settleOrder(ctx, eid, "cancelled", "the agent walked elsewhere");
};
