import type { MeshRoom } from "@mesh/bots";
import { MAX_AGENTS_PER_COMMAND, type OrderPayload } from "@mesh/schema";

/**
 * Orders from this page: one `command` to the server for the agents named, which checks each
 * one (yours, present, allowed) and answers refusals as `error`s with `ref: command:<id>`. The
 * world spreads a group's `move_to` in formation around the point.
 */
export class Commander {
  constructor(private room: MeshRoom) {}

  /** A new room (room graph jump): orders go there. */
  setRoom(room: MeshRoom): void {
    this.room = room;
  }

  move(ids: readonly string[], x: number, z: number): boolean {
    return this.send(ids, { kind: "move_to", x, z });
  }

  follow(ids: readonly string[], targetId: string): boolean {
    return this.send(
      ids.filter((id) => id !== targetId),
      { kind: "follow", targetId },
    );
  }

  stop(ids: readonly string[]): boolean {
    return this.send(ids, { kind: "stop" });
  }

  say(ids: readonly string[], text: string): boolean {
    return this.send(ids, { kind: "say", text });
  }

  task(ids: readonly string[], text: string): boolean {
    return this.send(ids, { kind: "task", text });
  }

  /** False when there was nothing to send (no agents, or empty text). */
  private send(ids: readonly string[], order: OrderPayload): boolean {
    if (ids.length === 0) return false;
    if ((order.kind === "say" || order.kind === "task") && order.text.trim() === "") return false;
    this.room.command(ids.slice(0, MAX_AGENTS_PER_COMMAND), order);
    return true;
  }
}
