import type { MeshDatabase } from "@mesh/persistence";
import {
  ClientMessage,
  ErrorCode,
  err,
  errorRef,
  MAX_REACTIONS_PER_MESSAGE,
  MAX_REACTORS_PER_MESSAGE,
  type MeshError,
  type MessageData,
  ok,
  type Result,
} from "@mesh/schema";
import type { AmendInput, AppendedMessage, MessageChange, Sim, TickResult } from "@mesh/sim";
import type { Logger } from "../logger.ts";

type Waiter = (result: Result<MessageData>) => void;

/** What the author of a message whose batch was refused is told, whichever way they sent it. */
const NOT_STORED = "message not stored; resend it with the same nonce";

/** Tells a participant over their sockets that something they sent did not take (ref, error). */
export type NotifyParticipant = (participantId: string, ref: string, error: MeshError) => void;

/** What one tick stored: only this becomes visible. */
export interface StoredBatch {
  appended: MessageData[];
  amended: MessageData[];
}

const EMPTY: StoredBatch = { appended: [], amended: [] };

/**
 * Durable before visible: a tick's new messages and changes to stored ones are committed in one
 * transaction, and `flush` returns exactly what was stored for state sync to show. REST senders
 * wait here for their message's outcome.
 */
export class MessageOutbox {
  private readonly waiters = new Map<string, Waiter>();

  constructor(
    private readonly roomId: string,
    private readonly db: MeshDatabase,
    private readonly log: Logger,
    private readonly notify: NotifyParticipant,
  ) {}

  /** REST senders still waiting for their message's outcome. */
  get pending(): number {
    return this.waiters.size;
  }

  /** Resolves once the message with this id is stored (or refused). */
  wait(id: string): Promise<Result<MessageData>> {
    return new Promise((resolve) => this.waiters.set(id, resolve));
  }

  /**
   * Store the tick's messages and changes. On failure nothing of the batch is stored, the world's
   * numbering is rewound so seqs stay gap-free, everyone concerned is told, and nothing is returned.
   */
  flush(result: TickResult, sim: Sim): StoredBatch {
    if (result.appended.length === 0 && result.amended.length === 0) {
      this.settleDuplicates(result, []);
      return EMPTY;
    }
    const appended = result.appended.map(fresh);
    const amended = this.applyChanges(result.amended);
    try {
      this.db.messages.storeBatch({ appended, amended });
    } catch (error) {
      this.log.error({ err: error, room: this.roomId, appended: appended.length, amended: amended.length }, "message batch not stored");
      sim.rewindTick();
      for (const row of appended) this.refuse(row.id, row.authorId, errorRef(ClientMessage.SendMessage, row), { code: ErrorCode.Internal, message: NOT_STORED });
      for (const input of result.amended) this.notify(input.participantId, refOf(input.change), { code: ErrorCode.Internal, message: "change not stored; try again" });
      // Resends of this tick's messages wait on the same batch: they get the same answer.
      for (const { input } of result.duplicates) this.settle(input.id, err(ErrorCode.Internal, NOT_STORED));
      return EMPTY;
    }
    for (const row of appended) this.settle(row.id, ok(row));
    this.settleDuplicates(result, appended);
    return { appended, amended };
  }

  /** The world refused a say (a muted author): tell its sender, however it was sent. */
  refuse(id: string, authorId: string, ref: string, error: MeshError): void {
    if (this.waiters.has(id)) this.settle(id, { ok: false, error });
    else this.notify(authorId, ref, error);
  }

  /** The room is closing: nobody waits forever. */
  close(): void {
    for (const resolve of this.waiters.values()) resolve(err(ErrorCode.NotFound, "room closed"));
    this.waiters.clear();
  }

  /** Each change applies to the message as the changes before it in this tick left it. */
  private applyChanges(inputs: readonly AmendInput[]): MessageData[] {
    const changed = new Map<string, MessageData>();
    for (const input of inputs) {
      const current = changed.get(input.messageId) ?? this.db.messages.get(input.messageId);
      const next = current ? applyChange(current, input) : err(ErrorCode.NotFound, `no message '${input.messageId}'`);
      if (!next.ok) this.notify(input.participantId, refOf(input.change), next.error);
      else if (next.value !== current) changed.set(input.messageId, next.value);
    }
    return [...changed.values()];
  }

  private settleDuplicates(result: TickResult, stored: readonly MessageData[]): void {
    for (const { input } of result.duplicates) {
      if (!this.waiters.has(input.id)) continue;
      const original =
        stored.find((m) => m.authorId === input.participantId && m.nonce === input.nonce) ??
        this.db.messages.findByNonce(this.roomId, input.participantId, input.nonce);
      this.settle(input.id, original ? ok(original) : err(ErrorCode.Internal, NOT_STORED));
    }
  }

  private settle(id: string, result: Result<MessageData>): void {
    const resolve = this.waiters.get(id);
    if (!resolve) return;
    this.waiters.delete(id);
    resolve(result);
  }
}

/** A freshly numbered message as stored data: not edited, deleted, pinned or reacted to. */
export function fresh(m: AppendedMessage): MessageData {
  return { ...m, editedTs: 0, deleted: false, reactions: {}, pinned: false, locked: false };
}

/** The message after one change; the same object when nothing changes (a repeated reaction). */
export function applyChange(message: MessageData, { participantId, change }: AmendInput): Result<MessageData> {
  if (message.deleted && change.op !== "lock") return err(ErrorCode.NotFound, "that message was deleted");
  switch (change.op) {
    case "edit":
      return ok({ ...message, text: change.text, editedTs: change.ts });
    case "delete":
      // Gone, not hidden: the text, its reactions and attachments leave the row itself.
      return ok({ ...message, text: "", deleted: true, editedTs: change.ts, reactions: {}, attachments: [], pinned: false });
    case "react": {
      const by = message.reactions[change.emoji] ?? [];
      if (change.on === by.includes(participantId)) return ok(message);
      if (change.on && by.length === 0 && Object.keys(message.reactions).length >= MAX_REACTIONS_PER_MESSAGE) {
        return err(ErrorCode.BadInput, `a message holds at most ${MAX_REACTIONS_PER_MESSAGE} different emoji`);
      }
      // Every join carries every reactor of every message in the window: the total is bounded too.
      if (change.on && Object.values(message.reactions).reduce((n, ids) => n + ids.length, 0) >= MAX_REACTORS_PER_MESSAGE) {
        return err(ErrorCode.BadInput, `this message holds as many reactions as it can (${MAX_REACTORS_PER_MESSAGE})`);
      }
      const reactions = { ...message.reactions };
      const next = change.on ? [...by, participantId] : by.filter((id) => id !== participantId);
      if (next.length > 0) reactions[change.emoji] = next;
      else delete reactions[change.emoji];
      return ok({ ...message, reactions });
    }
    case "pin":
      return message.pinned === change.pinned ? ok(message) : ok({ ...message, pinned: change.pinned });
    case "lock":
      return message.locked === change.locked ? ok(message) : ok({ ...message, locked: change.locked });
    default: {
      const unknown: never = change;
      throw new TypeError(`unknown change ${JSON.stringify(unknown)}`);
    }
  }
}

/** The client message type a change came from, for the `ref` of an error about it. */
export function refOf(change: MessageChange): string {
  switch (change.op) {
    case "edit":
      return ClientMessage.EditMessage;
    case "delete":
      return ClientMessage.DeleteMessage;
    case "react":
      return change.on ? ClientMessage.AddReaction : ClientMessage.RemoveReaction;
    case "pin":
      return ClientMessage.PinMessage;
    case "lock":
      return ClientMessage.LockThread;
    default: {
      const unknown: never = change;
      throw new TypeError(`unknown change ${JSON.stringify(unknown)}`);
    }
  }
}
