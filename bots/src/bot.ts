import { DEFAULT_ROOM_ID, type MessageData, type OrderMessage, type OrderPayload } from "@mesh/schema";
import type { ReportedOrderStatus, SendOptions } from "./actions.ts";
import { connect } from "./client.ts";
import { MeshError, toMeshError } from "./errors.ts";
import type { ReconnectOptions } from "./link.ts";
import { mentionsOf } from "./messages.ts";
import type { ParticipantView } from "./participants.ts";
import type { JoinOptions, MeshRoom } from "./room.ts";

export interface BotOptions {
  /** The mesh's base URL, e.g. http://localhost:4000 */
  url: string;
  /** The bot's token (or any session token). */
  token: string;
  /** The room to join (default "lobby"). */
  room?: string;
  /** How a dropped connection is resumed (default: on); `false` makes a drop final. */
  reconnect?: ReconnectOptions | false;
}

/** Who the bot is in the mesh. */
export interface BotIdentity {
  id: string;
  name: string;
}

/** A message the bot received: the stored message, plus what a bot usually asks of it. */
export interface BotMessage extends MessageData {
  /** A DM to the bot (a reply goes back as a DM) rather than a room message. */
  readonly isDirect: boolean;
  /** Whether the text mentions the bot as `@name` (the same rule the server counts mentions by). */
  mentionsMe(): boolean;
}

/** An order the bot was given, and the way to say how it is going. */
export interface BotOrder extends OrderMessage {
  /** Send `order_status`: `active` when taken up, then `done` or `failed`, with an optional note. */
  report(status: ReportedOrderStatus, note?: string): void;
}

export interface BotSendOptions extends SendOptions {
  /** A participant id: send a DM instead of a room message. */
  to?: string;
}

/** The part of a joined room a bot uses (a MeshRoom; a fake in unit tests). */
export type BotRoom = Pick<
  MeshRoom,
  | "participantId"
  | "onMessage"
  | "onPresence"
  | "onError"
  | "onOrder"
  | "onLeave"
  | "sendAndWait"
  | "sendDirectAndWait"
  | "replyAndWait"
  | "moveTo"
  | "command"
  | "reportOrder"
  | "participants"
  | "leave"
>;

/** How a bot reaches the mesh: who its token is, and joining its room (a MeshClient; a fake in unit tests). */
export interface BotConnection {
  identity(): Promise<BotIdentity>;
  join(roomId: string, options: JoinOptions): Promise<BotRoom>;
}

/** A send's answer may take this long (the connection layer's own answer time). */
const ANSWER_MS = 30_000;

type Handler<A extends unknown[]> = (...args: A) => unknown;

/** One start-to-stop life of a bot: its room, and whether `stop()` has let it go. */
interface Session {
  readonly room: BotRoom;
  stopped: boolean;
}

/**
 * A bot: a participant that listens and answers. Its handlers never crash the process: a
 * handler that throws (or rejects) is reported through `onError`, as is every error the
 * server sends; calls that wait for an answer also reject with the same `MeshError`.
 */
export class MeshBot {
  private readonly messageHandlers = new Set<Handler<[BotMessage]>>();
  private readonly orderHandlers = new Set<Handler<[BotOrder]>>();
  private readonly joinHandlers = new Set<Handler<[ParticipantView]>>();
  private readonly leaveHandlers = new Set<Handler<[ParticipantView]>>();
  private readonly closeHandlers = new Set<Handler<[number, string | undefined]>>();
  private readonly errorHandlers = new Set<(error: MeshError) => void>();
  private readonly roomId: string;
  /** The room calls go to: the current session's, or the last one's after `stop()` (so calls say "closed"). */
  private room: BotRoom | undefined;
  private identity: BotIdentity | undefined;
  /** The session `start()` opened (joining or joined); undefined before start and after stop. */
  private session: Promise<Session> | undefined;
  /** A stop under way: a later start joins once it is done. */
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly options: BotOptions,
    private readonly connection: BotConnection,
  ) {
    this.roomId = options.room ?? DEFAULT_ROOM_ID;
  }

  /** Who the bot is (known once `start()` has resolved). */
  get me(): BotIdentity {
    if (!this.identity) throw new MeshError("not_started", "bot.me is known once start() has resolved", "me");
    return this.identity;
  }

  /** Everyone in the room now, the bot included. */
  participants(): ParticipantView[] {
    return this.room?.participants() ?? [];
  }

  /** Every new room message and DM not sent by the bot itself, once each, in order. */
  onMessage(handler: (message: BotMessage) => unknown): () => void {
    return subscribe(this.messageHandlers, handler);
  }

  /** Every order given to the bot; the world carries out move_to, follow, stop and say, the bot a `task`. */
  onOrder(handler: (order: BotOrder) => unknown): () => void {
    return subscribe(this.orderHandlers, handler);
  }

  /** Someone else arrived in the room. */
  onJoin(handler: (participant: ParticipantView) => unknown): () => void {
    return subscribe(this.joinHandlers, handler);
  }

  /** Someone else left the room. */
  onLeave(handler: (participant: ParticipantView) => unknown): () => void {
    return subscribe(this.leaveHandlers, handler);
  }

  /** The room closed for good (after `stop()`: 4000; kicked 4003, banned 4006, token revoked 4001, ...). */
  onClose(handler: (code: number, reason?: string) => unknown): () => void {
    return subscribe(this.closeHandlers, handler);
  }

  /** Errors: the server's refusals, handlers that threw, the room closing. Without a handler they go to stderr. */
  onError(handler: (error: MeshError) => void): () => void {
    return subscribe(this.errorHandlers, handler);
  }

  /** Connect and join; resolves once the room's state is in. Rejects with a MeshError (unauthorized, not_found, network, ...). */
  start(): Promise<void> {
    if (!this.session) {
      const session = this.open().catch((error: unknown) => {
        if (this.session === session) this.session = undefined;
        // Like every error: to onError too (a bot that never awaits start() still hears why).
        const failure = toMeshError(error, "join");
        this.fail(failure);
        throw failure;
      });
      this.session = session;
    }
    return this.session.then(() => undefined);
  }

  /**
   * Leave the room; resolves once it is closed. A later `start()` joins again (a new connection,
   * the same handlers). Before any `start()` (or after a stop) it does nothing.
   */
  stop(): Promise<void> {
    const session = this.session;
    if (!session) return this.stopping ?? Promise.resolve();
    this.session = undefined;
    const stopping = (async () => {
      await this.stopping;
      const joined = await session.catch(() => undefined);
      if (!joined) return;
      // From here on its close is the one asked for (no error), and nothing it still sends is handled.
      joined.stopped = true;
      await joined.room.leave();
    })().finally(() => {
      if (this.stopping === stopping) this.stopping = undefined;
    });
    this.stopping = stopping;
    return stopping;
  }

  /** Say something in the room (or a DM with `to`); resolves with the stored message. */
  send(text: string, options: BotSendOptions = {}): Promise<MessageData> {
    const { to, threadId, ...direct } = options;
    return this.answer("send_message", (room) =>
      to ? room.sendDirectAndWait(to, text, direct, ANSWER_MS) : room.sendAndWait(text, { ...direct, threadId }, ANSWER_MS),
    );
  }

  /** Answer a message: in its thread for a room message, as a DM back for a DM. */
  reply(message: MessageData, text: string): Promise<MessageData> {
    return this.answer("send_message", (room) => room.replyAndWait(message, text, {}, ANSWER_MS));
  }

  /** Walk to a point on the floor. */
  moveTo(x: number, z: number): void {
    this.act("move", (room) => room.moveTo(x, z));
  }

  /** Order agents (bots you own or may command); refusals come through onError with ref "command". */
  command(agentIds: string[], order: OrderPayload): void {
    this.act("command", (room) => room.command(agentIds, order));
  }

  private async open(): Promise<Session> {
    // A stop still leaving the previous session's room finishes first: one connection at a time.
    await this.stopping;
    const who = await this.connection.identity();
    const room = await this.connection.join(this.roomId, { reconnect: this.options.reconnect });
    const me = { id: who.id, name: who.name };
    const session: Session = { room, stopped: false };
    this.identity = me;
    this.room = room;
    this.listen(session, me);
    return session;
  }

  private listen(session: Session, me: BotIdentity): void {
    const { room } = session;
    room.onMessage((message) => {
      if (session.stopped || message.authorId === me.id) return;
      this.run("onMessage", this.messageHandlers, {
        ...message,
        isDirect: message.to !== "",
        mentionsMe: () => mentionsOf(message, me.name),
      });
    });
    room.onPresence(({ kind, participant }) => {
      if (session.stopped || participant.id === me.id) return;
      if (kind === "join") this.run("onJoin", this.joinHandlers, participant);
      else this.run("onLeave", this.leaveHandlers, participant);
    });
    room.onOrder((order) => {
      if (session.stopped) return;
      const report = (status: ReportedOrderStatus, note?: string) => this.act("order_status", (r) => r.reportOrder(order.id, status, note));
      this.run("onOrder", this.orderHandlers, { ...order, report });
    });
    room.onError((payload) => {
      if (!session.stopped) this.fail(MeshError.fromPayload(payload));
    });
    room.onLeave((code, reason) => {
      if (!session.stopped) this.fail(new MeshError("closed", `the room closed (${code}${reason ? `: ${reason}` : ""})`, "room", { status: code }));
      this.run("onClose", this.closeHandlers, code, reason);
    });
  }

  /** A call with an answer: rejects with a MeshError, and is never an unhandled rejection if nobody awaits it. */
  private answer<T>(ref: string, call: (room: BotRoom) => Promise<T>): Promise<T> {
    const room = this.joinedOrReport(ref);
    const answered = room
      ? call(room).catch((error: unknown) => {
          throw toMeshError(error, ref);
        })
      : Promise.reject(new MeshError("not_started", "call start() first", ref));
    answered.catch(() => {});
    return answered;
  }

  /** A call without an answer: anything that goes wrong is reported through onError. */
  private act(ref: string, call: (room: BotRoom) => void): void {
    const room = this.joinedOrReport(ref);
    if (!room) return;
    try {
      call(room);
    } catch (error) {
      this.fail(toMeshError(error, ref));
    }
  }

  private joinedOrReport(ref: string): BotRoom | undefined {
    if (!this.room) this.fail(new MeshError("not_started", `${ref} before start() resolved`, ref));
    return this.room;
  }

  /** Call each handler; one that throws or rejects is reported, and the others still run. */
  private run<A extends unknown[]>(name: string, handlers: Set<Handler<A>>, ...args: A): void {
    const report = (error: unknown) => this.fail(new MeshError("handler", `${name} handler failed: ${describe(error)}`, name, { cause: error }));
    for (const handler of handlers) {
      try {
        const result = handler(...args);
        if (isThenable(result)) result.then(undefined, report);
      } catch (error) {
        report(error);
      }
    }
  }

  private fail(error: MeshError): void {
    if (this.errorHandlers.size === 0) {
      console.error(`[mesh bot] ${error.code}: ${error.message}${error.ref ? ` (${error.ref})` : ""}`);
      return;
    }
    for (const handler of this.errorHandlers) {
      try {
        handler(error);
      } catch (thrown) {
        // The last resort: an error handler that fails is logged, never rethrown into the room.
        console.error(`[mesh bot] onError handler failed: ${describe(thrown)}`);
      }
    }
  }
}

/** A bot for `options.room` (default "lobby") of the mesh at `options.url`; nothing happens until `start()`. */
export function createBot(options: BotOptions): MeshBot {
  const client = connect(options);
  return new MeshBot(options, client);
}

function subscribe<T>(set: Set<T>, handler: T): () => void {
  set.add(handler);
  return () => set.delete(handler);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === "function";
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
