import type { MeshDatabase } from "@mesh/persistence";
import { ClientMessage, err, ErrorCode, type MessageData, ok, type Result } from "@mesh/schema";
import type { Sim, TickResult } from "@mesh/sim";
import type { Logger } from "../logger.ts";
import { toData } from "./state-sync.ts";

type Waiter = (result: Result<MessageData>) => void;

/** What the author of a message whose batch was refused is told, whichever way they sent it. */
const NOT_STORED = "message not stored; resend it with the same nonce";

/** Tells a message's author over their sockets that it was not stored (ref, message). */
export type NotifyAuthor = (authorId: string, ref: string, message: string) => void;

/**
 * Durable before visible: a tick's new messages are committed in one transaction before the
 * room shows them. REST senders wait here for their message's outcome.
 */
export class MessageOutbox {
  private readonly waiters = new Map<string, Waiter>();

  constructor(
    private readonly roomId: string,
    private readonly db: MeshDatabase,
    private readonly log: Logger,
    private readonly notifyAuthor: NotifyAuthor,
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
   * Store the tick's messages. On failure nothing of the batch is stored, the sim's seq is
   * rewound so numbering stays gap-free, the authors are told, and `result.appended` is emptied
   * so nothing unstored becomes visible.
   */
  flush(result: TickResult, sim: Sim): void {
    const rows = result.appended.map(toData);
    if (rows.length > 0) {
      try {
        this.db.messages.appendBatch(rows);
      } catch (error) {
        this.log.error({ err: error, room: this.roomId, count: rows.length }, "message batch not stored");
        sim.rewindSeq(rows[0].seq - 1);
        for (const row of rows) this.refuse(row);
        // Resends of this tick's messages wait on the same batch: they get the same answer.
        for (const { input } of result.duplicates) this.settle(input.id, err(ErrorCode.Internal, NOT_STORED));
        result.appended.length = 0;
        return;
      }
    }
    for (const row of rows) this.settle(row.id, ok(row));
    for (const { input } of result.duplicates) {
      const stored = this.db.messages.findByNonce(this.roomId, input.participantId, input.nonce);
      this.settle(input.id, stored ? ok(stored) : err(ErrorCode.Internal, "duplicate of an unstored message"));
    }
  }

  /** The room is closing: nobody waits forever. */
  close(): void {
    for (const resolve of this.waiters.values()) resolve(err(ErrorCode.NotFound, "room closed"));
    this.waiters.clear();
  }

  private refuse(row: MessageData): void {
    if (this.waiters.has(row.id)) {
      this.settle(row.id, err(ErrorCode.Internal, NOT_STORED));
      return;
    }
    const ref = row.nonce ? `${ClientMessage.SendMessage}:${row.nonce}` : ClientMessage.SendMessage;
    this.notifyAuthor(row.authorId, ref, NOT_STORED);
  }

  private settle(id: string, result: Result<MessageData>): void {
    const resolve = this.waiters.get(id);
    if (!resolve) return;
    this.waiters.delete(id);
    resolve(result);
  }
}
