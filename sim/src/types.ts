import type { AttachmentData, MeshError, MessageData, TrustLevel } from "@mesh/schema";

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
  | { kind: "join"; participantId: string; x: number; z: number }
  | { kind: "leave"; participantId: string }
  | { kind: "move"; participantId: string; x: number; z: number }
  | { kind: "typing"; participantId: string; on: boolean }
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
      /** For a DM: the highest seq the pair has stored (the world numbers on from what it knows, if more). */
      pairBase?: number;
    }
  | { kind: "amend"; participantId: string; messageId: string; change: MessageChange };

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
  owner?: { participantId: string };
  order?: { kind: number; x: number; z: number; targetParticipantId: string };
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
