import type { InputLog, SimOptions, SimSnapshot } from "@mesh/sim";
import type { MessageData, Result, RoomData } from "@mesh/schema";
import type { SendPayload } from "./inputs.ts";
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
  /** Over the last minute: `reset` starts a fresh window. */
  tickMs: TickSummary;
}

/** What the rest of the server may ask of a live room. */
export interface LiveRoom {
  readonly meshRoomId: string;
  submitMessage(participantId: string, payload: SendPayload): Promise<Result<MessageData>>;
  roleChanged(participantId: string, role: string): void;
  /** The stored room was edited (name, topic): show it. */
  roomChanged(room: RoomData): void;
  online(): number;
  stats(reset?: boolean): RoomStats;
  replayRecord(): ReplayRecord;
  shutdown(code: number, reason: string): Promise<void>;
}

export class RoomRegistry {
  private readonly rooms = new Map<string, LiveRoom>();

  add(room: LiveRoom): void {
    this.rooms.set(room.meshRoomId, room);
  }

  remove(room: LiveRoom): void {
    if (this.rooms.get(room.meshRoomId) === room) this.rooms.delete(room.meshRoomId);
  }

  get(id: string): LiveRoom | undefined {
    return this.rooms.get(id);
  }

  all(): LiveRoom[] {
    return [...this.rooms.values()];
  }
}
