import { NonceMemory } from "./nonce-memory.ts";
import { DEFAULT_MAX_SPEED, DEFAULT_ROOM_SIZE, TICK_MS } from "@mesh/schema";
import type { World } from "bitecs";
import { createComponents, type Components } from "./components.ts";
import type { AppendedMessage, SayInput, SimInput, SimOptions, TickResult } from "./types.ts";

/** What the message system numbered before this tick: `rewindTick` returns to it. */
export interface Numbering {
  lastSeq: number;
  numbered: number;
  pairSeqs: Map<string, number>;
}

export const DEFAULT_CAPACITY = 16384;

/** The strings of an agent's order (typed arrays hold only numbers). */
export interface OrderLabel {
  id: string;
  /** A follow's leader (checked each tick, so a recycled entity id is never followed); else "". */
  targetId: string;
  note: string;
}

/** Everything a system may read or write besides the bitecs world: one per room. */
export interface SimContext {
  readonly roomId: string;
  readonly width: number;
  readonly depth: number;
  readonly maxSpeed: number;
  readonly capacity: number;
  /** Seconds per tick. */
  readonly dt: number;
  /** The tick being computed (the first step computes tick 1). */
  tick: number;
  lastSeq: number;
  /** Highest seq per DM pair ("a b", ids sorted): DMs never take the room's seq. */
  readonly pairSeqs: Map<string, number>;
  /** Messages numbered so far, room and DMs: the order the nonce memory keeps. */
  numbered: number;
  /** The numbering as this tick began (for rewindTick); only pairs the tick touched are kept. */
  before: Numbering;
  /** Who is muted until which tick, present or not: the one place a mute is the rule. */
  readonly mutes: Map<string, number>;
  readonly components: Components;
  readonly eidOf: Map<string, number>;
  /** participantId by entity id (sparse). */
  readonly participantOf: string[];
  /** Order id, leader and note by entity id, for every entity with the Order component. */
  readonly orderLabels: Map<number, OrderLabel>;
  /** (participantId, nonce) -> seq of the latest says appended with a nonce. */
  readonly nonces: NonceMemory;
  /** Inputs to apply in this tick, in arrival order. */
  inputs: SimInput[];
  /** This tick's says, handed from the input system to the message system. */
  readonly says: SayInput[];
  /** Participants spawned / marked offline by this tick's inputs, for the presence system. */
  readonly joined: Set<string>;
  readonly left: Set<string>;
  result: TickResult;
}

export const emptyResult = (tick: number): TickResult => ({
  tick,
  appended: [] as AppendedMessage[],
  amended: [],
  duplicates: [],
  spawned: [],
  despawned: [],
  rejected: [],
  orders: [],
});

export const createContext = (options: SimOptions): SimContext => {
  const capacity = options.capacity ?? DEFAULT_CAPACITY;
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
  }
  return {
    roomId: options.roomId,
    width: options.width ?? DEFAULT_ROOM_SIZE,
    depth: options.depth ?? DEFAULT_ROOM_SIZE,
    maxSpeed: options.maxSpeed ?? DEFAULT_MAX_SPEED,
    capacity,
    dt: TICK_MS / 1000,
    tick: 0,
    lastSeq: options.lastSeq ?? 0,
    pairSeqs: new Map(),
    numbered: 0,
    before: { lastSeq: options.lastSeq ?? 0, numbered: 0, pairSeqs: new Map() },
    mutes: new Map(options.mutes ?? []),
    components: createComponents(capacity),
    eidOf: new Map(),
    participantOf: [],
    orderLabels: new Map(),
    nonces: seededNonces(options),
    inputs: [],
    says: [],
    joined: new Set(),
    left: new Set(),
    result: emptyResult(0),
  };
};

/** A system: one step of the tick pipeline, no I/O, no clock, no randomness. */
export type System = (world: World, ctx: SimContext) => void;

/** Nonces of messages stored before the room started count as numbered (ordinal 0): resends are duplicates. */
const seededNonces = (options: SimOptions): NonceMemory => {
  const memory = new NonceMemory();
  for (const [participantId, nonce] of options.storedNonces ?? []) memory.remember(participantId, nonce, 0);
  return memory;
};

/** The key of a DM conversation: the two ids, sorted, joined by a space (as persistence keys it). */
export const pairKey = (a: string, b: string): string => (a < b ? `${a} ${b}` : `${b} ${a}`);

/** Whether an input's sender, or anyone it speaks for (`mutedWith`: a bot's owner), is muted in this tick. */
export const silenced = (ctx: SimContext, input: { participantId: string; mutedWith?: readonly string[] }): boolean =>
  (ctx.mutes.get(input.participantId) ?? 0) > ctx.tick || (input.mutedWith?.some((id) => (ctx.mutes.get(id) ?? 0) > ctx.tick) ?? false);
