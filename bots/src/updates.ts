import type { MessageData } from "@mesh/schema";

/** What a change to a stored message can alter (edit, delete, reaction, pin, lock). */
function version(m: MessageData): string {
  const reactions = Object.entries(m.reactions).sort(([a], [b]) => (a < b ? -1 : 1));
  return JSON.stringify([m.text, m.editedTs, m.deleted, m.pinned, m.locked, reactions, m.attachments.map((a) => a.id)]);
}

/** Changes to messages not yet delivered, kept at most this many (a lost message never releases its change). */
const MAX_HELD = 1000;

/**
 * Orders `message_updated` against delivery: a change is shown only after the message it
 * changes, so a user never hears of an edit to a message it has not seen, and never keeps an
 * older copy delivered after the change. Also the latest version of messages in the synced
 * window between an update and the patch that carries it, and what changed during a drop.
 */
export class MessageUpdates {
  private readonly held = new Map<string, MessageData>();
  private readonly fresh = new Map<string, MessageData>();
  private remembered: Map<string, string> | undefined;

  constructor(
    /** Whether the message itself has been delivered (or came before the join). */
    private readonly delivered: (message: MessageData) => boolean,
    private readonly emit: (message: MessageData) => void,
  ) {}

  /** A `message_updated` arrived. */
  receive(message: MessageData): void {
    if (!this.delivered(message)) {
      this.held.delete(message.id);
      this.held.set(message.id, message);
      if (this.held.size > MAX_HELD) this.held.delete(this.held.keys().next().value as string);
      return;
    }
    this.fresh.set(message.id, message);
    this.emit(message);
  }

  /** A message was just delivered: a change that came before it follows it now, unless it already shows. */
  released(message: MessageData): void {
    const change = this.held.get(message.id);
    if (!change) return;
    this.held.delete(message.id);
    if (version(change) === version(message)) return;
    this.fresh.set(message.id, change);
    this.emit(change);
  }

  /** The newest known version of a message from the synced window. */
  latest(message: MessageData): MessageData {
    return this.fresh.get(message.id) ?? message;
  }

  /** A patch arrived: it carries every change announced before it, so the window is current again. */
  stateApplied(): void {
    if (this.fresh.size > 0) this.fresh.clear();
  }

  /** The connection dropped: remember the window, to find what changed while away. */
  remember(window: readonly MessageData[]): void {
    this.remembered = new Map(window.map((m) => [m.id, version(this.latest(m))]));
  }

  /** Resynced: each remembered message that changed while away is reported as an update. */
  reconcile(window: readonly MessageData[]): void {
    const remembered = this.remembered;
    this.remembered = undefined;
    if (!remembered) return;
    for (const message of window) {
      const before = remembered.get(message.id);
      if (before !== undefined && before !== version(message)) this.receive(message);
    }
  }
}
