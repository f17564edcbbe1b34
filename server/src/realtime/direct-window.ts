import type { ArraySchema } from "@colyseus/schema";
import { MESSAGE_WINDOW, MESSAGE_WINDOW_BYTES, type Message, type MessageData, messageFromData } from "@mesh/schema";
import { updateMessage } from "./state-sync.ts";

/** Messages to show to (add) or hide from (remove) every socket of one participant. */
export interface ViewChange {
  participantId: string;
  add: Message[];
  remove: Message[];
}

/**
 * The `direct` array of a room's state: the DMs of the participants present, each at most
 * `limit` of their latest and `maxBytes` of their text (the newest always stays), as the room's
 * own window is bounded. One Message instance per DM, shared by its two participants; which
 * socket sees which is decided by StateView (the adapter applies the ViewChanges returned here).
 */
export class DirectWindow {
  private readonly byId = new Map<string, Message>();
  /** Released this tick, still in the array until `sweep` (the views let go of them first). */
  private readonly leaving: Message[] = [];
  /** Per participant present: the ids of the DMs they hold, oldest first. */
  private readonly held = new Map<string, string[]>();

  constructor(
    private readonly direct: ArraySchema<Message>,
    private readonly limit = MESSAGE_WINDOW,
    private readonly maxBytes = MESSAGE_WINDOW_BYTES,
  ) {}

  /** A participant arrives with their latest DMs (oldest first): the messages their sockets see. */
  open(participantId: string, recent: readonly MessageData[]): Message[] {
    if (!this.held.has(participantId)) {
      this.held.set(participantId, []);
      for (const data of recent.slice(-this.limit)) this.hold(participantId, this.instance(data));
    }
    return this.holding(participantId);
  }

  /** The participant has left: their DMs go from the array unless the other party still holds them. */
  close(participantId: string): void {
    const ids = this.held.get(participantId);
    if (!ids) return;
    this.held.delete(participantId);
    for (const id of ids) this.release(id);
  }

  /** The DMs a participant's sockets see now (for a socket that joins later). */
  holding(participantId: string): Message[] {
    return (this.held.get(participantId) ?? []).map((id) => this.byId.get(id) as Message);
  }

  /** A stored DM: shown to whichever of its two participants is present. */
  append(data: MessageData): ViewChange[] {
    const changes: ViewChange[] = [];
    let message: Message | undefined;
    for (const participantId of [data.authorId, data.to]) {
      if (!this.held.has(participantId)) continue;
      message ??= this.instance(data);
      changes.push({ participantId, add: [message], remove: this.hold(participantId, message) });
    }
    return changes;
  }

  /**
   * A stored change to a DM: its instance (if shown) changes, and the patch reaches its two views.
   * An edit that lengthens it may push older DMs out of a participant's window (its byte bound).
   */
  update(data: MessageData): ViewChange[] {
    const message = this.byId.get(data.id);
    if (!message) return [];
    updateMessage(message, data);
    const changes: ViewChange[] = [];
    for (const participantId of [data.authorId, data.to]) {
      const ids = this.held.get(participantId);
      if (!ids?.includes(data.id)) continue;
      const remove = this.trim(ids);
      if (remove.length > 0) changes.push({ participantId, add: [], remove });
    }
    return changes;
  }

  /** Adds to the participant's list; returns what fell out of their window. */
  private hold(participantId: string, message: Message): Message[] {
    const ids = this.held.get(participantId) as string[];
    if (!ids.includes(message.id)) ids.push(message.id);
    return this.trim(ids);
  }

  /** Drops the oldest of a participant's DMs past the count or byte bound; returns them. */
  private trim(ids: string[]): Message[] {
    const dropped: Message[] = [];
    // Counted once, then less what leaves: a burst must not re-measure the window per DM dropped.
    let bytes = 0;
    for (const id of ids) bytes += textBytes(this.byId.get(id));
    while (ids.length > this.limit || (ids.length > 1 && bytes > this.maxBytes)) {
      const message = this.byId.get(ids.shift() as string) as Message;
      bytes -= textBytes(message);
      dropped.push(message);
      this.release(message.id);
    }
    return dropped;
  }

  private instance(data: MessageData): Message {
    let message = this.byId.get(data.id);
    if (!message) {
      message = messageFromData(data);
      this.byId.set(data.id, message);
      this.direct.push(message);
    }
    return message;
  }

  /** Drop a DM from the array once neither of its two participants holds it. */
  private release(id: string): void {
    const message = this.byId.get(id);
    if (!message) return;
    for (const participantId of [message.authorId, message.to]) if (this.held.get(participantId)?.includes(id)) return;
    this.byId.delete(id);
    this.leaving.push(message);
  }

  /**
   * Take the DMs nobody holds any more out of the array: after the views have let go of them,
   * since a view must never be asked to remove an instance already detached from the state.
   */
  sweep(): void {
    for (const message of this.leaving.splice(0)) {
      const index = this.direct.indexOf(message);
      if (index >= 0) this.direct.splice(index, 1);
    }
  }
}

const textBytes = (message: Message | undefined): number => Buffer.byteLength(message?.text ?? "", "utf8");
