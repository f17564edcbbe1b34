import type { OrderData, Participant, PresenceStatus } from "@mesh/schema";

/** A participant as plain data, read from the synced state. */
export interface ParticipantView {
  id: string;
  name: string;
  kind: string;
  role: string;
  x: number;
  y: number;
  z: number;
  heading: number;
  online: boolean;
  /** online; away (no input for a while); offline (dropped, inside the reconnection window). */
  status: PresenceStatus;
  typing: boolean;
  muted: boolean;
  trust: string;
  /** The participant that owns this bot ("" for humans). */
  ownerId: string;
  /** A bot's current or last order; undefined until it is first commanded. */
  order?: OrderData;
}

export interface PresenceEvent {
  kind: "join" | "leave";
  participant: ParticipantView;
}

export function toView(p: Participant): ParticipantView {
  return {
    id: p.id,
    name: p.name,
    kind: p.kind,
    role: p.role,
    x: p.x,
    y: p.y,
    z: p.z,
    heading: p.heading,
    online: p.online,
    status: (p.status || "online") as PresenceStatus,
    typing: p.typing,
    muted: p.muted,
    trust: p.trust,
    ownerId: p.ownerId ?? "",
    order: p.order?.id ? orderOf(p.order) : undefined,
  };
}

function orderOf(o: NonNullable<Participant["order"]>): OrderData {
  return { id: o.id, kind: o.kind, status: o.status, targetId: o.targetId, x: o.x, z: o.z, note: o.note };
}
