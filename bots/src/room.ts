import { Callbacks, type Room } from "@colyseus/sdk";
import {
  ClientMessage,
  type ErrorPayload,
  errorRef,
  type ExitDirection,
  type MessageData,
  messageToData,
  type OrderMessage,
  type Participant,
  type RoomState,
  ServerMessage,
} from "@mesh/schema";
import { RoomActions } from "./actions.ts";
import { DirectFeeds } from "./direct-feeds.ts";
import { Emitter } from "./emitter.ts";
import { type FeedEvents, MessageFeed } from "./feed.ts";
import { MalformedFrame, readError, readMessage, readOrder } from "./frames.ts";
import { type ConnectionState, type LinkEvents, type ReconnectOptions, RoomLink } from "./link.ts";
import { type ParticipantView, type PresenceEvent, toView } from "./participants.ts";
import { PendingSends, type SendPayload } from "./pending.ts";
import { Rejoin } from "./rejoin.ts";
import type { MeshRest } from "./rest.ts";
import { MessageUpdates } from "./updates.ts";
import { type ParticipantWatcher, ParticipantWatchers } from "./watchers.ts";

/**
 * After a rejoin, how long a DM waits for its recipient to be back in the room (the server
 * refuses DMs to someone not there): as long as the server's default reconnection window.
 */
const RECIPIENT_GRACE_MS = 20_000;

/** How to join a room: where delivery starts, and how a dropped connection is resumed. */
export interface JoinOptions {
  /** Deliver every room message after this seq (fetched from history); default: only new ones. */
  since?: number;
  /** Resume dropped connections (default: on, with Colyseus's backoff); `false` makes a drop final. */
  reconnect?: ReconnectOptions | false;
  /** A send with no answer this long after it went out fails with code "timeout" (default 30 s). */
  answerMs?: number;
  /** Arrive just inside this doorway (the one matching the exit you walked through); default: near the middle. */
  entrance?: ExitDirection;
  /** Which client this connection is ("3d", "term", …; default "sdk"), shown to others by GET /api/participants. */
  client?: string;
}

/**
 * A joined mesh room: a typed mirror of its state, ordered delivery of room messages and DMs,
 * message changes, actions, and a connection that resumes after a drop without losing a message.
 */
export class MeshRoom extends RoomActions {
  private readonly messageEvents = new Emitter<[MessageData]>();
  private readonly updateEvents = new Emitter<[MessageData]>();
  private readonly errorEvents = new Emitter<[ErrorPayload]>();
  private readonly orderEvents = new Emitter<[OrderMessage]>();
  private readonly changeEvents = new Emitter<[RoomState]>();
  private readonly presenceEvents = new Emitter<[PresenceEvent]>();
  private readonly leaveEvents = new Emitter<[number, string | undefined]>();
  private readonly dropEvents = new Emitter<[number, string | undefined]>();
  private readonly reconnectEvents = new Emitter<[]>();
  private readonly watchers = new ParticipantWatchers((what, error) => this.reportFault(what, error));
  private readonly feed: MessageFeed;
  private readonly direct: DirectFeeds;
  private readonly pending: PendingSends;
  private readonly updates: MessageUpdates;
  private readonly link: RoomLink;
  private readonly firstState: Promise<void>;
  private gotFirstState!: () => void;
  private started = false;
  /** Set when a patch added messages, so patches that only move people skip the feeds. */
  private messagesAdded = false;
  private directAdded = false;
  private leftCode: number | undefined;
  /** Who was here before a rejoin: its first state is told as the difference, not as everyone arriving. */
  private presenceBefore: Map<string, ParticipantView> | undefined;
  private room: Room<unknown, RoomState>;
  private recipientGrace: ReturnType<typeof setTimeout> | undefined;

  /** @internal Made by `MeshClient.join`. */
  constructor(
    readonly roomId: string,
    readonly participantId: string,
    room: Room<unknown, RoomState>,
    rest: MeshRest,
    options: JoinOptions = {},
    /** Join the room again (a new seat): used when a restarted server no longer knows this one. */
    reopen?: () => Promise<Room<unknown, RoomState>>,
  ) {
    super();
    this.room = room;
    const feedEvents: FeedEvents = {
      deliver: (message) => this.deliver(message),
      lost: (from, to) => this.errorEvents.emit({ code: "internal", message: `messages ${from}..${to} are missing`, ref: "feed" }),
      error: (error) => this.errorEvents.emit({ code: "internal", message: `history unavailable: ${String(error)}`, ref: "feed" }),
    };
    this.feed = new MessageFeed(
      () => this.roomWindow(),
      (after, limit) => rest.history(roomId, { after, limit }),
      feedEvents,
      options.since ?? Number.POSITIVE_INFINITY,
    );
    this.direct = new DirectFeeds(
      participantId,
      () => this.directWindow(),
      {
        after: async (counterpart, after, limit) => (await rest.directHistory(roomId, counterpart, { after, limit })).messages,
        before: async (counterpart, before, limit) => (await rest.directHistory(roomId, counterpart, { before, limit })).messages,
      },
      feedEvents,
    );
    this.pending = new PendingSends(
      participantId,
      (payload) => this.link.send(ClientMessage.SendMessage, payload),
      (payload) =>
        this.errorEvents.emit({
          code: "internal",
          message: "no answer to this message; it may not have been stored",
          ref: errorRef(ClientMessage.SendMessage, payload),
        }),
      options.answerMs,
    );
    this.updates = new MessageUpdates(
      (message) => (message.to === "" ? message.seq <= this.feed.lastSeq : this.direct.delivered(message)),
      (message) => this.updateEvents.emit(message),
    );
    const linkEvents: LinkEvents = {
      drop: (code, reason) => this.dropped(code, reason),
      resume: () => this.resumed(),
      close: (code, reason) => this.closed(code, reason),
    };
    if (reopen) {
      const rejoin = new Rejoin<Room<unknown, RoomState>>(
        {
          open: reopen,
          closed: () => this.link.state === "closed",
          attach: (next) => this.reattach(next),
          fail: (code, reason) => this.link.fail(code, reason),
          discard: (next) => void next.leave(true).catch(() => {}),
        },
        () => this.link.retries,
      );
      linkEvents.refused = (code, message) => rejoin.start(code, message);
    }
    this.link = new RoomLink(room, linkEvents, options.reconnect);
    this.firstState = new Promise((resolve) => {
      this.gotFirstState = resolve;
    });
    this.wire(room);
  }

  /** Listen to one Colyseus connection: the first one, or the one a rejoin opened. */
  private wire(room: Room<unknown, RoomState>): void {
    // Collection callbacks instead of diffing the whole state on every patch: the SDK also
    // runs many clients in one process (benchmarks, bot hosts), where that cost multiplies.
    const callbacks = Callbacks.get(room);
    callbacks.onAdd(
      "messages",
      this.guarded("state", () => {
        this.messagesAdded = true;
      }),
    );
    callbacks.onAdd(
      "direct",
      this.guarded("state", () => {
        this.directAdded = true;
      }),
    );
    callbacks.onAdd(
      "participants",
      this.guarded("state", (participant: Participant) => {
        if (this.recipientGrace !== undefined) this.pending.flush();
        if (!this.presenceBefore) this.presenceEvents.emit({ kind: "join", participant: toView(participant) });
        this.watchers.added(participant);
        // Per-object callbacks, so a watcher hears exactly whose fields (or order) a patch changed.
        const changed = this.guarded("state", () => this.watchers.changed(participant));
        callbacks.onChange(participant, changed);
        callbacks.listen(participant, "order", (order) => {
          if (order) callbacks.onChange(order, changed);
          changed();
        });
      }),
    );
    callbacks.onRemove(
      "participants",
      this.guarded("state", (participant: Participant) => {
        if (!this.presenceBefore) this.presenceEvents.emit({ kind: "leave", participant: toView(participant) });
        this.watchers.removed(participant);
      }),
    );
    room.onStateChange(
      this.guarded("state", (state: RoomState) => {
        if (!this.started) this.start();
        if (this.presenceBefore) {
          this.presenceResynced(this.presenceBefore);
          this.watchers.resynced((id) => state.participants.has(id));
        }
        // Order matters: a patch makes earlier updates part of the window; a resync then resumes.
        this.updates.stateApplied();
        this.link.stateApplied();
        if (this.started && this.messagesAdded) {
          this.messagesAdded = false;
          this.feed.notify();
        }
        if (this.started && this.directAdded) {
          this.directAdded = false;
          this.direct.notify();
        }
        this.changeEvents.emit(state);
      }),
    );
    room.onMessage(
      ServerMessage.Error,
      this.guarded(ServerMessage.Error, (payload: unknown) => {
        const error = readError(ServerMessage.Error, payload);
        this.pending.fail(error);
        this.errorEvents.emit(error);
      }),
    );
    room.onMessage(
      ServerMessage.MessageUpdated,
      this.guarded(ServerMessage.MessageUpdated, (payload: unknown) => this.updates.receive(readMessage(ServerMessage.MessageUpdated, payload))),
    );
    room.onMessage(
      ServerMessage.Order,
      this.guarded(ServerMessage.Order, (payload: unknown) => this.orderEvents.emit(readOrder(ServerMessage.Order, payload))),
    );
  }

  /**
   * A callback the connection calls. Whatever goes wrong in it (a malformed frame, a listener
   * that throws) is reported through onError: thrown into the socket's listener, it would crash
   * the process, or leave the connection handling no later frame.
   */
  private guarded<A extends unknown[]>(what: string, handler: (...args: A) => void): (...args: A) => void {
    return (...args) => {
      try {
        handler(...args);
      } catch (error) {
        this.reportFault(what, error);
      }
    };
  }

  /** Code "internal", ref the server message type ("error", "order", "message_updated", "state"). */
  private reportFault(what: string, error: unknown): void {
    const message = error instanceof MalformedFrame ? error.message : `handling the server's '${what}' failed: ${error instanceof Error ? error.message : String(error)}`;
    try {
      this.errorEvents.emit({ code: "internal", message, ref: what });
    } catch (thrown) {
      // An onError listener that throws too: the last resort is the log, never the socket.
      console.error(`[mesh] ${message}; then the onError listener failed: ${thrown instanceof Error ? thrown.message : String(thrown)}`);
    }
  }

  /** Resolves once the first full state has arrived. */
  ready(): Promise<void> {
    return this.firstState;
  }

  get state(): RoomState {
    return this.room.state;
  }

  get tick(): number {
    return this.room.state?.tick ?? 0;
  }

  /** "open", "reconnecting" (dropped; sends wait and go once it is back) or "closed". */
  get connectionState(): ConnectionState {
    return this.link.state;
  }

  /** The close code once the room is closed, else undefined (1006: a drop that could not be resumed; 403, 525, 521, 426: a rejoin refused for good). */
  get closedWith(): number | undefined {
    return this.leftCode;
  }

  /** The last room seq delivered: join again with `{ since: lastSeq }` to continue where this left off. */
  get lastSeq(): number {
    return this.feed.lastSeq;
  }

  /** Sends still waiting for their stored message or an error. */
  get pendingSends(): number {
    return this.pending.size;
  }

  participant(id: string): ParticipantView | undefined {
    const p: Participant | undefined = this.room.state?.participants?.get(id);
    return p ? toView(p) : undefined;
  }

  /**
   * For render loops: `added` for everyone here now and everyone who comes, `changed` when a patch
   * changed someone's fields or order, `removed` when they go; each gets the synced object itself,
   * so nothing is allocated per patch or frame. Survives reconnects and rejoins. Returns the unwatch.
   */
  watchParticipants(watcher: ParticipantWatcher): () => void {
    return this.watchers.watch(watcher);
  }

  /** Every participant here, as the synced objects, without building a list (read, never write). */
  forEachParticipant(fn: (participant: Readonly<Participant>) => void): void {
    this.watchers.forEach(fn);
  }

  get participantCount(): number {
    return this.watchers.count;
  }

  /** The round trip to the server, in milliseconds (a Colyseus ping on the room's socket). */
  ping(): Promise<number> {
    return new Promise((resolve) => this.room.ping(resolve));
  }

  /** Allocates a list of copies: for occasional reads; render loops use `watchParticipants`/`forEachParticipant`. */
  participants(): ParticipantView[] {
    return this.room.state?.participants ? [...this.room.state.participants.values()].map(toView) : [];
  }

  /** The synced room messages (the latest 100 at most), oldest first, with changes announced so far. */
  messages(): MessageData[] {
    return this.roomWindow().map((m) => this.updates.latest(m));
  }

  /** Your synced DMs (the latest 100 over all counterparts), with changes announced so far. */
  directMessages(): MessageData[] {
    return this.directWindow().map((m) => this.updates.latest(m));
  }

  /**
   * Every room message and every DM of yours, exactly once: room messages in seq order, DMs
   * in pair-seq order per counterpart (a DM has `to` set). Gaps are fetched from history.
   */
  onMessage(listener: (message: MessageData) => void): () => void {
    return this.messageEvents.on(listener);
  }

  /** A message changed (edit, delete, reaction, pin, lock): its whole new version, after the message itself. */
  onUpdate(listener: (message: MessageData) => void): () => void {
    return this.updateEvents.on(listener);
  }

  onError(listener: (error: ErrorPayload) => void): () => void {
    return this.errorEvents.on(listener);
  }

  /** An order for this participant (a bot): every kind, so it can narrate; a `task` is its own to carry out and report on. */
  onOrder(listener: (order: OrderMessage) => void): () => void {
    return this.orderEvents.on(listener);
  }

  /** Someone arrived in or left the room after you joined; `participants()` says who was already there. */
  onPresence(listener: (event: PresenceEvent) => void): () => void {
    return this.presenceEvents.on(listener);
  }

  onChange(listener: (state: RoomState) => void): () => void {
    return this.changeEvents.on(listener);
  }

  /** The connection was lost and is being resumed; sends made meanwhile wait. */
  onDrop(listener: (code: number, reason?: string) => void): () => void {
    return this.dropEvents.on(listener);
  }

  /** The connection is back: pending sends went again and missed messages are being fetched. */
  onReconnect(listener: () => void): () => void {
    return this.reconnectEvents.on(listener);
  }

  /** The room is closed for good: by the server (its close code), by `leave`, a failed resume (1006), or a rejoin refused for good (its join code). */
  onLeave(listener: (code: number, reason?: string) => void): () => void {
    return this.leaveEvents.on(listener);
  }

  protected transmit(type: string, payload: unknown): void {
    this.link.send(type, payload);
  }

  protected submitSend(payload: SendPayload): Promise<MessageData> {
    return this.pending.submit(payload);
  }

  /** Resolves once every message seen so far has been delivered to listeners. */
  async settled(): Promise<void> {
    await Promise.all([this.feed.settled(), this.direct.settled()]);
  }

  async leave(): Promise<void> {
    await this.link.leave();
  }

  private deliver(message: MessageData): void {
    this.pending.settle(message);
    this.messageEvents.emit(message);
    this.updates.released(message);
  }

  private roomWindow(): MessageData[] {
    return this.room.state?.messages ? this.room.state.messages.map((m) => messageToData(m, this.roomId)) : [];
  }

  private directWindow(): MessageData[] {
    return this.room.state?.direct ? this.room.state.direct.map((m) => messageToData(m, this.roomId)) : [];
  }

  private dropped(code: number, reason: string | undefined): void {
    this.pending.pause();
    this.updates.remember([...this.roomWindow(), ...this.directWindow()]);
    this.dropEvents.emit(code, reason);
  }

  /** Back, with the full state applied: deliver what was missed, report what changed, resend. */
  private resumed(): void {
    this.messagesAdded = false;
    this.directAdded = false;
    this.feed.notify();
    this.direct.notify();
    this.updates.reconcile([...this.roomWindow(), ...this.directWindow()]);
    this.pending.resume();
    this.reconnectEvents.emit();
  }

  /** The first full state: delivery starts after what it shows, unless `since` says otherwise. */
  private start(): void {
    if (this.feed.lastSeq === Number.POSITIVE_INFINITY) this.feed.lastSeq = Math.max(0, ...this.room.state.messages.map((m) => m.seq));
    this.direct.start();
    this.started = true;
    this.feed.notify();
    this.gotFirstState();
  }

  /** Joined again after the server forgot the seat: the new connection serves the same listeners and feeds. */
  private reattach(next: Room<unknown, RoomState>): void {
    this.presenceBefore = new Map(this.participants().map((p) => [p.id, p]));
    this.room = next;
    this.link.attach(next);
    this.wire(next);
    this.awaitRecipients();
  }

  /**
   * A restarted server knows only who has joined it again, so a DM waits (in order) until its
   * recipient is back, or the grace ends and the server answers it as it would any other.
   */
  private awaitRecipients(): void {
    clearTimeout(this.recipientGrace);
    this.pending.hold((payload) => payload.to !== undefined && !this.room.state?.participants?.has(payload.to));
    this.recipientGrace = setTimeout(() => {
      this.recipientGrace = undefined;
      this.pending.hold(undefined);
    }, RECIPIENT_GRACE_MS);
  }

  /** The rejoined room's first state: who left and who came while away. */
  private presenceResynced(before: Map<string, ParticipantView>): void {
    this.presenceBefore = undefined;
    const now = new Map(this.participants().map((p) => [p.id, p]));
    for (const [id, participant] of before) if (!now.has(id)) this.presenceEvents.emit({ kind: "leave", participant });
    for (const [id, participant] of now) if (!before.has(id)) this.presenceEvents.emit({ kind: "join", participant });
  }

  private closed(code: number, reason: string | undefined): void {
    this.leftCode = code;
    this.pending.close(`the room closed (${code}${reason ? `: ${reason}` : ""})`);
    clearTimeout(this.recipientGrace);
    this.leaveEvents.emit(code, reason);
  }
}
