import type { AttachmentData, MeshError, MessageData, OrderKind, OrderStatus, TrustLevel } from "@mesh/schema";

export interface SimOptions {
  roomId: string;
  /** Room extent along x, in units (default DEFAULT_ROOM_SIZE). */
  width?: number;
  /** Room extent along z, in units (default DEFAULT_ROOM_SIZE). */
  depth?: number;
  /** Units per second (default DEFAULT_MAX_SPEED). */
  maxSpeed?: number;
  /** Most entities the world holds (default 16384); joins beyond it are rejected. */
  capacity?: number;
  /** Highest room message seq already stored; the next say gets lastSeq + 1. */
  lastSeq?: number;
  /** (participant, nonce) of messages already stored, oldest first: resends of them are duplicates. */
  storedNonces?: readonly (readonly [string, string])[];
  /** Mutes in force when the room starts, in ticks from its first tick (participants need not be present). */
  mutes?: readonly (readonly [string, number])[];
  /** Keep every applied input in `sim.log` so the run can be replayed. */
  record?: boolean;
}

export type SimInput =
  /** `agent`: the participant is a bot, which obeys `order` inputs (who may command it is the server's rule). */
  | { kind: "join"; participantId: string; x: number; z: number; agent?: boolean }
  | { kind: "leave"; participantId: string }
  | { kind: "move"; participantId: string; x: number; z: number }
  /** `mutedWith`, here and on amend and order_status: others whose mute silences this too (a bot's owner). */
  | { kind: "typing"; participantId: string; on: boolean; mutedWith?: string[] }
  | { kind: "mute"; participantId: string; ticks: number }
  | {
      kind: "say";
      participantId: string;
      id: string;
      authorName: string;
      text: string;
      threadId: string;
      to: string;
      nonce: string;
      trust: TrustLevel;
      ts: number;
      attachments: AttachmentData[];
      /** Others whose mute silences this say too: a bot's owner, and whoever ordered it to say it. */
      mutedWith?: string[];
      /** For a DM: the highest seq the pair has stored (the world numbers on from what it knows, if more). */
      pairBase?: number;
    }
  | { kind: "amend"; participantId: string; messageId: string; change: MessageChange; mutedWith?: string[] }
  /** `participantId` gave the order (the server checked they may); each present agent in `agents` takes it. */
  | { kind: "order"; participantId: string; orderId: string; agents: string[]; order: SimOrder }
  /** A bot (`participantId`) reports on its current order; its note is at most MAX_ORDER_NOTE_LENGTH. */
  | {
      kind: "order_status";
      participantId: string;
      orderId: string;
      status: "active" | "done" | "failed";
      note: string;
      mutedWith?: string[];
    };

/** What an order asks; say and task carry no text here (the server keeps and sends it). */
export type SimOrder =
  | { kind: "move_to"; x: number; z: number }
  | { kind: "follow"; targetId: string; distance: number }
  | { kind: "stop" }
  | { kind: "say" }
  | { kind: "task" };

export type OrderInput = Extract<SimInput, { kind: "order" }>;
export type OrderStatusInput = Extract<SimInput, { kind: "order_status" }>;

/**
 * One agent's order as it stands after a change. `x`/`z`: a move_to's point for this agent (its
 * place in the group's formation), else 0; `targetId`: a follow's leader, else "".
 */
export interface OrderUpdate {
  agentId: string;
  id: string;
  kind: OrderKind;
  status: OrderStatus;
  targetId: string;
  x: number;
  z: number;
  note: string;
}

/** A change to a stored message, applied in arrival order after the tick (the world does not hold message text). */
export type MessageChange =
  | { op: "edit"; text: string; ts: number }
  | { op: "delete"; ts: number }
  | { op: "react"; emoji: string; on: boolean }
  | { op: "pin"; pinned: boolean }
  | { op: "lock"; locked: boolean };

export type SayInput = Extract<SimInput, { kind: "say" }>;
export type AmendInput = Extract<SimInput, { kind: "amend" }>;

/**
 * A message as the sim numbered it (not yet edited, deleted or reacted to). Room messages carry
 * the room's seq; DMs (`to` set) carry their pair's own seq, so the room's seq has no holes.
 */
export type AppendedMessage = Omit<MessageData, "editedTs" | "deleted" | "reactions" | "pinned" | "locked">;

export interface TickResult {
  tick: number;
  appended: AppendedMessage[];
  /** Changes to stored messages, in arrival order. */
  amended: AmendInput[];
  /** Says whose (participantId, nonce) was already numbered: the original stands. */
  duplicates: { input: SayInput }[];
  spawned: string[];
  despawned: string[];
  /** Inputs the world could not apply (a join into a full room, a say while muted), with why. */
  rejected: { input: SimInput; error: MeshError }[];
  /** Every change of an agent's order in this tick, in the order it happened. */
  orders: OrderUpdate[];
}

/** One participant's components as the room reads them after a step. */
export interface EntityView {
  x: number;
  y: number;
  z: number;
  heading: number;
  typing: boolean;
  muted: boolean;
  moving: boolean;
}

/**
 * The inputs applied at each tick that had any, in order; ticks without inputs are left out.
 * `rewound` records a `sim.rewindTick()` made right after that tick's step.
 */
export type InputLog = { tick: number; inputs: SimInput[]; rewound?: true }[];

/** One entity's components as plain data; entity ids are internal, participants are named. */
export interface EntitySnapshot {
  participantId: string;
  position: { x: number; y: number; z: number };
  velocity: { x: number; z: number };
  heading: number;
  target: { x: number; z: number; active: boolean };
  online: boolean;
  typing: { on: boolean; expiresAtTick: number };
  muted?: { untilTick: number };
  agent?: { kind: number };
  /** The agent's current or last order (x, z and distance as float32 values). */
  order?: {
    id: string;
    kind: OrderKind;
    status: OrderStatus;
    x: number;
    z: number;
    targetParticipantId: string;
    distance: number;
    note: string;
  };
}

/** Plain JSON-able state after a step: restoring it and replaying the same inputs gives the same state. */
export interface SimSnapshot {
  version: 1;
  roomId: string;
  tick: number;
  lastSeq: number;
  /** Sorted by participantId so equal worlds give equal snapshots. */
  entities: EntitySnapshot[];
  /** [participantId, nonce, ordinal] of every say numbered with a nonce, oldest first. */
  nonces: [string, string, number][];
  /** Highest seq per DM pair ("a b", ids sorted). */
  pairSeqs?: [string, number][];
  /** Mutes in force: [participantId, untilTick]. */
  mutes?: [string, number][];
  /** Messages numbered so far (room and DMs): orders the nonce memory. */
  numbered?: number;
}
