import { ORDER_KINDS, ORDER_STATUSES } from "@mesh/schema";
import { addComponent, hasComponent, type World } from "bitecs";
import type { SimContext } from "./context.ts";
import { spawnParticipant } from "./entities.ts";
import { kindCode, statusCode } from "./orders.ts";
import type { EntitySnapshot, SimSnapshot } from "./types.ts";

/** The world as plain data, entities sorted by participantId so equal worlds give equal snapshots. */
export const takeSnapshot = (world: World, ctx: SimContext): SimSnapshot => {
  const { Position, Velocity, Heading, Target, Presence, Typing, Muted, Agent, Order } = ctx.components;
  const ids = [...ctx.eidOf.keys()].sort(byCodeUnits);
  const entities = ids.map((participantId): EntitySnapshot => {
    const eid = ctx.eidOf.get(participantId) as number;
    const entity: EntitySnapshot = {
      participantId,
      position: { x: Position.x[eid], y: Position.y[eid], z: Position.z[eid] },
      velocity: { x: Velocity.x[eid], z: Velocity.z[eid] },
      heading: Heading.yaw[eid],
      target: { x: Target.x[eid], z: Target.z[eid], active: Target.active[eid] === 1 },
      online: Presence.online[eid] === 1,
      typing: { on: Typing.on[eid] === 1, expiresAtTick: Typing.expiresAtTick[eid] },
    };
    if (hasComponent(world, eid, Muted)) entity.muted = { untilTick: Muted.untilTick[eid] };
    if (hasComponent(world, eid, Agent)) entity.agent = { kind: Agent.kind[eid] };
    const label = ctx.orderLabels.get(eid);
    if (label !== undefined) {
      entity.order = {
        id: label.id,
        kind: ORDER_KINDS[Order.kind[eid]],
        status: ORDER_STATUSES[Order.status[eid]],
        x: Order.x[eid],
        z: Order.z[eid],
        targetParticipantId: label.targetId,
        distance: Order.distance[eid],
        note: label.note,
      };
    }
    return entity;
  });
  const nonces = ctx.nonces.entries();
  const pairSeqs = [...ctx.pairSeqs].sort((a, b) => byCodeUnits(a[0], b[0]));
  const mutes = [...ctx.mutes].sort((a, b) => byCodeUnits(a[0], b[0]));
  return { version: 1, roomId: ctx.roomId, tick: ctx.tick, lastSeq: ctx.lastSeq, entities, nonces, pairSeqs, mutes, numbered: ctx.numbered };
};

/** Loads a snapshot into a fresh world and context; throws if it does not fit the capacity. */
export const restoreSnapshot = (world: World, ctx: SimContext, snapshot: SimSnapshot): void => {
  if (snapshot.entities.length > ctx.capacity) {
    throw new RangeError(
      `snapshot holds ${snapshot.entities.length} entities, capacity is ${ctx.capacity}`,
    );
  }
  ctx.tick = snapshot.tick;
  ctx.lastSeq = snapshot.lastSeq;
  ctx.numbered = snapshot.numbered ?? 0;
  ctx.pairSeqs.clear();
  for (const [pair, seq] of snapshot.pairSeqs ?? []) ctx.pairSeqs.set(pair, seq);
  ctx.mutes.clear();
  for (const [participantId, until] of snapshot.mutes ?? []) ctx.mutes.set(participantId, until);
  const { Position, Velocity, Heading, Target, Presence, Typing, Muted, Agent, Order } = ctx.components;
  for (const e of snapshot.entities) {
    const spawned = spawnParticipant(world, ctx, e.participantId, e.position.x, e.position.z);
    if (!spawned.ok) throw new RangeError(spawned.error.message);
    const eid = spawned.value;
    Position.x[eid] = e.position.x;
    Position.y[eid] = e.position.y;
    Position.z[eid] = e.position.z;
    Velocity.x[eid] = e.velocity.x;
    Velocity.z[eid] = e.velocity.z;
    Heading.yaw[eid] = e.heading;
    Target.x[eid] = e.target.x;
    Target.z[eid] = e.target.z;
    Target.active[eid] = e.target.active ? 1 : 0;
    Presence.online[eid] = e.online ? 1 : 0;
    Typing.on[eid] = e.typing.on ? 1 : 0;
    Typing.expiresAtTick[eid] = e.typing.expiresAtTick;
    if (e.muted) {
      Muted.untilTick[eid] = e.muted.untilTick;
      addComponent(world, eid, Muted);
    }
    if (e.agent) {
      Agent.kind[eid] = e.agent.kind;
      addComponent(world, eid, Agent);
    }
  }
  // References between entities resolve once every entity has its new id.
  for (const e of snapshot.entities) {
    const eid = ctx.eidOf.get(e.participantId) as number;
    const order = e.order;
    if (order === undefined) continue;
    Order.kind[eid] = kindCode(order.kind);
    Order.status[eid] = statusCode(order.status);
    Order.x[eid] = order.x;
    Order.z[eid] = order.z;
    // A leader no longer here resolves to 0, which the follow system treats as gone.
    Order.targetEid[eid] = ctx.eidOf.get(order.targetParticipantId) ?? 0;
    Order.distance[eid] = order.distance;
    ctx.orderLabels.set(eid, { id: order.id, targetId: order.targetParticipantId, note: order.note });
    addComponent(world, eid, Order);
  }
  ctx.nonces.clear();
  const oldestFirst = [...snapshot.nonces].sort((a, b) => a[2] - b[2]);
  for (const [participantId, nonce, ordinal] of oldestFirst) ctx.nonces.remember(participantId, nonce, ordinal);
};

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
