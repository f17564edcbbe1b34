import type { MessageData, PresenceStatus, Result, RoomData } from "@mesh/schema";
import type { InputLog, SimOptions, SimSnapshot } from "@mesh/sim";
import type { TickSummary } from "./tick-stats.ts";

/** Everything needed to re-run a room's last minute or two: `replay(options, snapshot, log, now.tick)` gives `now`. */
export interface ReplayRecord {
  options: SimOptions;
  snapshot: SimSnapshot;
  log: InputLog;
  now: SimSnapshot;
}

export interface RoomStats {
  tick: number;
  participants: number;
  sockets: number;
  /** The room's whole tick (world, store, state, views, patches) over the last minute: `reset` starts a fresh window. */
  tickMs: TickSummary;
  /** How late the process's event loop ran since the last reset (work outside ticks shows here). */
  eventLoopDelayMs: { p50Ms: number; p99Ms: number; maxMs: number };
}

/** What the rest of the server may ask of a live room. */
export interface LiveRoom {
  readonly meshRoomId: string;
  /** A REST send: through the same edge as realtime (the payload is validated there). */
  submitMessage(participantId: string, payload: unknown): Promise<Result<MessageData>>;
  /** Any client message over REST (a socketless bot's order_status or move): the same edge as realtime. */
  input(participantId: string, type: string, payload: unknown): Result<string | undefined>;
  /** A started bridge or polling bot enters the room without a socket (refused like a join would be). */
  attach(participantId: string): Result<void>;
  /** ...and leaves it when stopped. */
  detach(participantId: string): void;
  roleChanged(participantId: string, role: string): void;
  /** Close every socket the participant holds here, reconnection windows included (ban, lost access). */
  removeParticipant(participantId: string, code: number, reason: string): void;
  /**
   * Close the sockets (and reconnection windows) of everyone here who may no longer see the room
   * (a role change, a lost invitation): the live socket must not outlast the access it was opened with.
   */
  recheckAccess(reason?: string): void;
  /** The stored room was edited (name, topic): show it. */
  roomChanged(room: RoomData): void;
  online(): number;
  /** Who is here and how (online, away, or offline inside the reconnection window), and through which clients. */
  whoIsHere(): Presence[];
  stats(reset?: boolean): RoomStats;
  replayRecord(): ReplayRecord;
  shutdown(code: number, reason: string): Promise<void>;
}

/** Starts the Colyseus room for a stored mesh room (matchMaker.createRoom in the server). */
export type OpenRoom = (roomId: string) => Promise<void>;

/** The room is being deleted, or its opening failed: the caller answers with this. */
export class RoomUnavailableError extends Error {}

/**
 * Exactly one live instance per mesh room, whatever path asks for it. Rooms run only while
 * used: `ensureOpen` starts one on the first join or REST send (one start at a time per id),
 * a room claims its id as it is created (a second instance for a live id is refused), and
 * releases it when it stops.
 */
export class RoomRegistry {
  private readonly rooms = new Map<string, LiveRoom>();
  private readonly opening = new Map<string, Promise<LiveRoom>>();
  private readonly closing = new Set<string>();

  constructor(private readonly open: OpenRoom) {}

  /** Called by a room as it is created; false when another instance already holds the id. */
  claim(room: LiveRoom): boolean {
    if (this.rooms.has(room.meshRoomId) || this.closing.has(room.meshRoomId)) return false;
    this.rooms.set(room.meshRoomId, room);
    return true;
  }

  release(room: LiveRoom): void {
    if (this.rooms.get(room.meshRoomId) === room) this.rooms.delete(room.meshRoomId);
  }

  /** The live instance, if the room is running. */
  get(id: string): LiveRoom | undefined {
    return this.rooms.get(id);
  }

  all(): LiveRoom[] {
    return [...this.rooms.values()];
  }

  /** The live instance, started if needed. The caller has checked that the room is stored. */
  ensureOpen(id: string): Promise<LiveRoom> {
    const live = this.rooms.get(id);
    if (live) return Promise.resolve(live);
    if (this.closing.has(id)) return Promise.reject(new RoomUnavailableError(`room '${id}' is being deleted`));
    let opening = this.opening.get(id);
    if (!opening) {
      opening = this.open(id)
        .then(() => {
          const room = this.rooms.get(id);
          if (!room) throw new RoomUnavailableError(`room '${id}' stopped as it opened; try again`);
          return room;
        })
        .finally(() => this.opening.delete(id));
      this.opening.set(id, opening);
    }
    return opening;
  }

  /** Stop a room for good (deletion): no instance may start for `id` while `during` runs. */
  async closeFor<T>(id: string, during: () => T | Promise<T>): Promise<T> {
    this.closing.add(id);
    try {
      await this.opening.get(id)?.catch(() => undefined);
      return await during();
    } finally {
      this.closing.delete(id);
    }
  }
}

/** One participant's presence in a room: status, and the client kinds of their connections (none for socketless bots). */
export interface Presence {
  id: string;
  status: PresenceStatus;
  clients: string[];
}
