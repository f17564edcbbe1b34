import { ORDER_KINDS, ORDER_STATUSES, type OrderKind, type OrderStatus } from "@mesh/schema";
import { addComponent, hasComponent, type World } from "bitecs";
import type { SimContext } from "./context.ts";
import type { OrderUpdate } from "./types.ts";

/** Order.kind and Order.status hold indices into the schema's lists (typed arrays hold numbers). */
export const kindCode = (kind: OrderKind): number => ORDER_KINDS.indexOf(kind);
export const statusCode = (status: OrderStatus): number => ORDER_STATUSES.indexOf(status);

export const MOVE_TO = kindCode("move_to");
export const FOLLOW = kindCode("follow");
export const ACTIVE = statusCode("active");
const PENDING = statusCode("pending");

/** A pending or active order is still being carried out; done, failed and cancelled are final. */
export const isLive = (ctx: SimContext, eid: number): boolean => {
  const status = ctx.components.Order.status[eid];
  return ctx.orderLabels.has(eid) && (status === PENDING || status === ACTIVE);
};

/**
 * True while the world itself walks the agent: an active move_to or follow. (The labels check
 * comes first: a recycled entity id still has its predecessor's numbers in the arrays.)
 */
export const isCarried = (ctx: SimContext, eid: number): boolean => {
  const { Order } = ctx.components;
  const kind = Order.kind[eid];
  return ctx.orderLabels.has(eid) && Order.status[eid] === ACTIVE && (kind === MOVE_TO || kind === FOLLOW);
};

/** An order as one agent takes it: x/z its own point (move_to), targetEid/targetId/distance its leader (follow). */
export interface NewOrder {
  id: string;
  kind: OrderKind;
  status: OrderStatus;
  x: number;
  z: number;
  targetEid: number;
  targetId: string;
  distance: number;
  note: string;
}

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

/**
 * Gives the agent a new order (after cancelling a live one) and reports it. The Order component
 * stays from the first order on, so giving orders changes no bitecs query after that.
 */
export const startOrder = (world: World, ctx: SimContext, eid: number, order: Readonly<NewOrder>): void => {
  const { Order } = ctx.components;
  if (isLive(ctx, eid)) settleOrder(ctx, eid, "cancelled", "replaced by a new order");
  Order.kind[eid] = kindCode(order.kind);
  Order.status[eid] = statusCode(order.status);
  Order.x[eid] = order.x;
  Order.z[eid] = order.z;
  Order.targetEid[eid] = order.targetEid;
  Order.distance[eid] = order.distance;
  const label = ctx.orderLabels.get(eid);
  if (label === undefined) {
    ctx.orderLabels.set(eid, { id: order.id, targetId: order.targetId, note: order.note });
  } else {
    label.id = order.id;
    label.targetId = order.targetId;
    label.note = order.note;
  }
  if (!hasComponent(world, eid, Order)) addComponent(world, eid, Order);
  report(ctx, eid);
};

/**
 * Moves the agent's order to `status` with `note` and reports it. A final status ends a move_to
 * or follow: the agent stops where it stands.
 */
export const settleOrder = (ctx: SimContext, eid: number, status: OrderStatus, note: string): void => {
  const label = ctx.orderLabels.get(eid);
  if (label === undefined) return;
  if (status !== "pending" && status !== "active" && isCarried(ctx, eid)) ctx.components.Target.active[eid] = 0;
  ctx.components.Order.status[eid] = statusCode(status);
  label.note = note;
  report(ctx, eid);
};
