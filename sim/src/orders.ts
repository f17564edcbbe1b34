import { ORDER_KINDS, ORDER_STATUSES, type OrderKind, type OrderStatus } from "@mesh/schema";
import { addComponent, hasComponent, removeComponent, type World } from "bitecs";
import type { SimContext } from "./context.ts";
import type { OrderUpdate } from "./types.ts";

/** Order.kind and Order.status hold indices into the schema's lists (typed arrays hold numbers). */
export const kindCode = (kind: OrderKind): number => ORDER_KINDS.indexOf(kind);
export const statusCode = (status: OrderStatus): number => ORDER_STATUSES.indexOf(status);

const PENDING = statusCode("pending");
const ACTIVE = statusCode("active");

/** A pending or active order is still being carried out; done, failed and cancelled are final. */
export const isLive = (ctx: SimContext, eid: number): boolean => {
  const status = ctx.components.Order.status[eid];
  return ctx.orderLabels.has(eid) && (status === PENDING || status === ACTIVE);
};

/** True while the world itself walks the agent (an active move_to or follow). */
export const isCarried = (world: World, ctx: SimContext, eid: number): boolean =>
  hasComponent(world, eid, ctx.components.MovingTo) || hasComponent(world, eid, ctx.components.Following);

/** The agent's current or last order as plain data; undefined if it never had one. */
export const orderUpdate = (ctx: SimContext, eid: number): OrderUpdate | undefined => {
  const label = ctx.orderLabels.get(eid);
  if (label === undefined) return undefined;
  const { Order } = ctx.components;
  const kind = ORDER_KINDS[Order.kind[eid]];
  return {
    agentId: ctx.participantOf[eid],
    id: label.id,
    kind,
    status: ORDER_STATUSES[Order.status[eid]],
    targetId: label.targetId,
    x: kind === "move_to" ? Order.x[eid] : 0,
    z: kind === "move_to" ? Order.z[eid] : 0,
    note: label.note,
  };
};

const report = (ctx: SimContext, eid: number): void => {
  const update = orderUpdate(ctx, eid);
  if (update !== undefined) ctx.result.orders.push(update);
};

/** Gives the agent a new order (after cancelling a live one) and reports it with `status`. */
export const startOrder = (
  world: World,
  ctx: SimContext,
  eid: number,
  order: {
    id: string;
    kind: OrderKind;
    status: OrderStatus;
    x: number;
    z: number;
    targetEid: number;
    targetId: string;
    distance: number;
    note: string;
  },
): void => {
  const { Order, Following, MovingTo } = ctx.components;
  if (isLive(ctx, eid)) settleOrder(world, ctx, eid, "cancelled", `replaced by order ${order.id}`);
  Order.kind[eid] = kindCode(order.kind);
  Order.status[eid] = statusCode(order.status);
  Order.x[eid] = order.x;
  Order.z[eid] = order.z;
  Order.targetEid[eid] = order.targetEid;
  Order.distance[eid] = order.distance;
  ctx.orderLabels.set(eid, { id: order.id, targetId: order.targetId, note: order.note });
  if (!hasComponent(world, eid, Order)) addComponent(world, eid, Order);
  if (order.status === "active" && order.kind === "move_to") addComponent(world, eid, MovingTo);
  if (order.status === "active" && order.kind === "follow") addComponent(world, eid, Following);
  report(ctx, eid);
};

/**
 * Moves the agent's order to `status` with `note` and reports it. A final status ends a move_to
 * or follow: the agent stops where it stands.
 */
export const settleOrder = (world: World, ctx: SimContext, eid: number, status: OrderStatus, note: string): void => {
  const label = ctx.orderLabels.get(eid);
  if (label === undefined) return;
  ctx.components.Order.status[eid] = statusCode(status);
  label.note = note;
  if (status !== "pending" && status !== "active") stopCarrying(world, ctx, eid);
  report(ctx, eid);
};

/** The world no longer walks the agent: drop the move_to/follow tags and the walk they set. */
const stopCarrying = (world: World, ctx: SimContext, eid: number): void => {
  const { Target, Following, MovingTo } = ctx.components;
  if (!isCarried(world, ctx, eid)) return;
  if (hasComponent(world, eid, Following)) removeComponent(world, eid, Following);
  if (hasComponent(world, eid, MovingTo)) removeComponent(world, eid, MovingTo);
  Target.active[eid] = 0;
};
