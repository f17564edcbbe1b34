import type { MeshError, MessageData, TrustLevel } from "@mesh/schema";

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
    };

export type SayInput = Extract<SimInput, { kind: "say" }>;

/** A room message as the sim numbered it (not yet edited, deleted or reacted to). */
export type AppendedMessage = Omit<MessageData, "editedTs" | "deleted" | "reactions">;

export interface TickResult {
  tick: number;
  appended: AppendedMessage[];
  /** Says whose (participantId, nonce) was already appended: `seq` is the original's. */
  duplicates: { input: SayInput; seq: number }[];
  spawned: string[];
  despawned: string[];
  /** Inputs the world could not apply (a join into a full room), with why. */
  rejected: { input: SimInput; error: MeshError }[];
}

export interface ParticipantView {
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
 * `rewindSeqTo` records a `sim.rewindSeq(n)` made right after that tick's step.
 */
export type InputLog = { tick: number; inputs: SimInput[]; rewindSeqTo?: number }[];

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
  /** [participantId, nonce, seq] of every say appended with a nonce, in seq order. */
  nonces: [string, string, number][];
}
