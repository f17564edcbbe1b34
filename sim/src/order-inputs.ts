import { ErrorCode, type MeshError } from "@mesh/schema";
import { hasComponent, type World } from "bitecs";
import { type SimContext, silenced } from "./context.ts";
import { formation, slotX, slotZ } from "./formation.ts";
import { isCarried, isLive, type NewOrder, orderUpdate, settleOrder, startOrder } from "./orders.ts";
import type { OrderInput, OrderStatusInput } from "./types.ts";

/**
 * An `order`: every listed agent that is here takes it (a live order it held is cancelled
 * first); a move_to spreads the group in formation around the point. Agents that cannot take
 * it are refused one by one in `result.rejected`.
 */
export const applyOrder = (world: World, ctx: SimContext, input: OrderInput): void => {
  const { order, agents } = input;
  const { Target } = ctx.components;
  const given = orderFor(ctx, input);
  // Two passes over the list, no per-order arrays: count the takers (the formation's size), then
  // hand out. An agent listed twice is refused the second time: it already holds this order id.
  let takers = 0;
  for (let i = 0; i < agents.length; i++) if (refuse(world, ctx, input, agents[i]) === undefined) takers++;
  const grid = order.kind === "move_to" ? formation(takers, order.x, order.z, ctx.width, ctx.depth) : undefined;
  let slot = 0;
  for (let i = 0; i < agents.length; i++) {
    const refusal = refuse(world, ctx, input, agents[i]);
    if (refusal !== undefined) {
      ctx.result.rejected.push({ input, error: refusal });
      continue;
    }
    const eid = ctx.eidOf.get(agents[i]) as number;
    if (grid !== undefined) {
      given.x = slotX(grid, slot);
      given.z = slotZ(grid, slot);
    }
    slot++;
    startOrder(world, ctx, eid, given);
    if (order.kind === "move_to") {
      Target.x[eid] = given.x;
      Target.z[eid] = given.z;
      Target.active[eid] = 1;
    } else if (order.kind === "stop") {
      Target.active[eid] = 0;
    }
  }
};

/**
 * The order as each agent takes it: one per input (startOrder copies it, a move_to rewrites its
 * x/z per agent), so a 500-agent order does not make 500 objects.
 */
const orderFor = (ctx: SimContext, input: OrderInput): NewOrder => {
  const { order } = input;
  const given: NewOrder = {
    id: input.orderId,
    kind: order.kind,
    status: "active",
    x: 0,
    z: 0,
    targetEid: 0,
    targetId: "",
    distance: 0,
    note: "",
  };
  switch (order.kind) {
    case "move_to":
      return given;
    case "follow": {
      const leader = ctx.eidOf.get(order.targetId);
      const here = leader !== undefined && ctx.components.Presence.online[leader] === 1;
      given.targetId = order.targetId;
      // Clamped so a huge gap stays a finite, JSON-safe number; NaN or negative means "close up".
      given.distance = order.distance > 0 ? Math.min(order.distance, Math.hypot(ctx.width, ctx.depth)) : 0;
      if (here) given.targetEid = leader;
      else {
        given.status = "failed";
        given.note = "the leader is not in the room";
      }
      return given;
    }
    case "stop":
    case "say": // the server sends the text through the message path: nothing is left to carry out
      given.status = "done";
      return given;
    case "task": // only the bot can do it: it reports with order_status
      given.status = "pending";
      return given;
    default: {
      const unknown: never = order;
      throw new TypeError(`unknown order ${JSON.stringify(unknown)}`);
    }
  }
};

/** Why `agentId` cannot take this order, or undefined if it can. */
const refuse = (world: World, ctx: SimContext, input: OrderInput, agentId: string): MeshError | undefined => {
  const eid = ctx.eidOf.get(agentId);
  if (eid === undefined || ctx.components.Presence.online[eid] === 0) {
    return { code: ErrorCode.NotFound, message: `${agentId} is not in the room` };
  }
  if (!hasComponent(world, eid, ctx.components.Agent)) {
    return { code: ErrorCode.Forbidden, message: `${agentId} is not a bot` };
  }
  if (input.order.kind === "follow" && input.order.targetId === agentId) {
    return { code: ErrorCode.BadInput, message: `${agentId} cannot follow itself` };
  }
  if (ctx.orderLabels.get(eid)?.id === input.orderId) {
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
  // A note is shown to everyone: a muted bot (or a bot of a muted owner) reports without one.
  if (input.note !== "" && silenced(ctx, input)) {
    ctx.result.rejected.push({ input, error: { code: ErrorCode.Forbidden, message: "muted in this room: report without a note" } });
    return;
  }
  settleOrder(ctx, eid, input.status, input.note);
};

/** A `move` of the agent's own while the world walks it: the bot chose elsewhere, so the order is cancelled. */
export const cancelCarriedOrder = (ctx: SimContext, eid: number): void => {
  if (isCarried(ctx, eid)) settleOrder(ctx, eid, "cancelled", "the agent walked elsewhere");
};
