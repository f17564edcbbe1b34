import { type Client, ErrorCode as ColyseusErrorCode, OnMessageException, Room, ServerError } from "@colyseus/core";
import {
  ClientMessage,
  CloseCode,
  DEFAULT_CLIENT_KIND,
  ErrorCode,
  type ErrorPayload,
  err,
  errorRef,
  isClientKind,
  isExitDirection,
  JoinErrorCode,
  MAX_SOCKETS_PER_PARTICIPANT,
  type MessageData,
  ok,
  type Result,
  type RoomData,
  type RoomState,
  ServerMessage,
  TICK_HZ,
} from "@mesh/schema";
import { DEFAULT_CAPACITY } from "@mesh/sim";
import type { VerifiedSession } from "../auth/tokens.ts";
import { DirectViews, patchSkippingQuietViews } from "./direct-views.ts";
import { IdleStop } from "./idle-stop.ts";
import { authenticateJoin, type JoinRequest, mayEnter } from "./join.ts";
import { roomAccess, roomEntry } from "./room-access.ts";
import type { LiveRoom, Presence, ReplayRecord, RoomStats } from "./room-registry.ts";
import { RoomRuntime } from "./room-runtime.ts";
import type { Services } from "./services.ts";
import { eventLoopDelay, TickStats } from "./tick-stats.ts";

type MeshSocket = Client<{ auth: VerifiedSession }>;


/** onAuth ran before any handler sees a socket, so a joined socket always has its session. */
function sessionOf(client: MeshSocket): VerifiedSession {
  if (!client.auth) throw new Error("socket without a session");
  return client.auth;
}

/**
 * Close codes of a connection that was lost, not closed on purpose: only these get a
 * reconnection window (the SDK retries on the same ones). A kick, ban, logout, flood or refused
 * join closes with its own code and is final.
 */
const LOST_CONNECTION = new Set([1001, 1005, 1006, 4010]);

/** Frames per second on one socket after which Colyseus closes it without reading further. */
const HARD_FLOOD_PER_S = 2000;

/**
 * The Colyseus room class bound to this server's services: a thin socket layer over a
 * RoomRuntime. It turns frames into runtime inputs, runtime output into patches and views, and
 * keeps the participant → sockets index that StateView fan-out and kicks need.
 */
export function defineMeshRoom(services: Services) {
  const { db, gate, log } = services;

  return class MeshRoomAdapter extends Room<{ state: RoomState; client: MeshSocket }> implements LiveRoom {
    meshRoomId = "";
    private runtime!: RoomRuntime;
    /** Participant → their sockets here by Colyseus session id (a dropped one stays until its window ends). */
    private readonly sockets = new Map<string, Map<string, MeshSocket>>();
    /** sessionId → the join option `client` of that connection. */
    private readonly clientKinds = new Map<string, string>();
    /** Session ids whose connection dropped and may come back. */
    private readonly dropped = new Set<string>();
    /** Reconnection windows still open, by session id: a kick or ban closes them. */
    private readonly waiting = new Map<string, ReturnType<Room["allowReconnection"]>>();
    private idleStop!: IdleStop;
    private readonly tickStats = new TickStats();
    /** Sockets that joined holding DMs: their views are filled at the next tick. */
    private readonly joiningWithDirect = new Set<MeshSocket>();
    /** Which DMs each socket's StateView holds. */
    private readonly directViews = new DirectViews();
    /** Released (idle or deleted): takes no one in, ticks no more. */
    private stopped = false;
    /** The idle wait ran out during this tick's timers: stop once the tick has stored its inputs. */
    private stopAfterTick = false;

    static async onAuth(_token: string, options: JoinRequest): Promise<VerifiedSession> {
      return authenticateJoin(services, options);
    }

    onCreate(options: { room?: unknown }): void {
      const room = typeof options.room === "string" ? db.rooms.get(options.room) : undefined;
      if (!room) throw new ServerError(ColyseusErrorCode.MATCHMAKE_INVALID_CRITERIA, `unknown room '${String(options.room)}'`);
      this.meshRoomId = room.id;
      // One live instance per mesh room, whichever matchmaking path asked for this one.
      if (!services.rooms.claim(this)) {
        throw new ServerError(JoinErrorCode.Unavailable, `room '${room.id}' is already open (or full); join it instead`);
      }
      try {
        this.start(room);
      } catch (error) {
        services.rooms.release(this);
        throw error;
      }
      log.info({ room: room.id }, "room open");
    }

    private start(room: RoomData): void {
      this.autoDispose = false;
      // Past our polite per-participant limit, a client this far gone is dropped outright.
      this.maxMessagesPerSecond = HARD_FLOOD_PER_S;
      // Sockets are at least participants, so a full room refuses joins before the world could.
      this.maxClients = DEFAULT_CAPACITY;
      this.runtime = new RoomRuntime(services, room, {
        notify: (participantId, error) => this.sendError(participantId, error),
        disconnect: (participantId, code, reason) => this.removeParticipant(participantId, code, reason),
        order: (participantId, order) => {
          const sockets = this.connected(participantId);
          for (const client of sockets) client.send(ServerMessage.Order, order);
          return sockets.length;
        },
      });
      this.state = this.runtime.state;
      for (const type of Object.values(ClientMessage)) {
        this.onMessage(type, (client: MeshSocket, payload: unknown) => this.handle(client, type, payload));
      }
      // Unknown types spend from the same budget as known ones before any reply is sent.
      this.onMessage("*", (client: MeshSocket, type: string | number, payload: unknown) => this.handle(client, String(type), payload));
      // Patches go out right after each tick, not on a timer of their own (one tick + network).
      // Order matters: with no simulation interval yet, `patchRate = null` starts a clock
      // timer of its own that would steal the fixed timestep's elapsed time.
      this.setFixedTimestep(() => this.tick(), TICK_HZ);
      this.patchRate = null;
      this.idleStop = new IdleStop(
        {
          clock: this.clock,
          occupied: () => this.runtime.online() > 0 || this.clients.length > 0,
          storing: () => this.runtime.storing,
          // biome-ignore lint/complexity/useLiteralKeys: Colyseus keeps seat reservations private; TypeScript reaches them only by key.
          reservedSeats: () => Object.keys(this["_reservedSeats"]).length,
          // At the end of this tick, not now: inputs already queued (a leaver's last words) are stored first.
          stop: () => {
            this.stopAfterTick = true;
          },
        },
        services.config.roomIdleS * 1000,
      );
      this.idleStop.arm();
    }

    /** A bug in a handler or the tick costs one reply or one tick, never the room. */
    onUncaughtException(error: Error, methodName: string): void {
      log.error({ err: error, room: this.meshRoomId, method: methodName }, "room handler failed");
      // Every input gets one outcome back: a failed handler answers its sender.
      if (error instanceof OnMessageException) {
        const reply: ErrorPayload = {
          code: ErrorCode.Internal,
          message: "the server could not handle that message",
          ref: errorRef(String(error.type), error.payload),
        };
        (error.client as MeshSocket).send(ServerMessage.Error, reply);
      }
    }

    onJoin(client: MeshSocket, options: JoinRequest): void {
      const auth = sessionOf(client);
      // onAuth checked the room named in the options; joinById must not borrow that check.
      if (options.room !== this.meshRoomId) {
        throw new ServerError(ColyseusErrorCode.AUTH_FAILED, `this is room '${this.meshRoomId}', not '${String(options.room)}'`);
      }
      // A seat reserved before the room stopped (deleted, or idle) must not reopen it from inside.
      if (this.stopped || services.rooms.get(this.meshRoomId) !== this) {
        throw new ServerError(JoinErrorCode.Unavailable, `room '${this.meshRoomId}' is closing; join again`);
      }
      mayEnter(services, this.meshRoomId, auth);
      const actor = gate.actor(auth.userId);
      if (!actor) throw new ServerError(ColyseusErrorCode.AUTH_FAILED, "account no longer exists");
      // Connected sockets count: ones waiting in a reconnection window must not lock their owner out.
      if (this.connected(auth.userId).length >= MAX_SOCKETS_PER_PARTICIPANT) {
        throw new ServerError(JoinErrorCode.TooMany, `at most ${MAX_SOCKETS_PER_PARTICIPANT} connections per participant in a room`);
      }
      this.idleStop.cancel();
      services.connections.add(client, auth.userId, auth.sid);
      this.index(auth.userId, client);
      if (isClientKind(options.client)) this.clientKinds.set(client.sessionId, options.client);
      // The join's full state goes out without DMs; they come with the next patch, added to a view
      // of its own then (a view filled before the full state made decoders see them twice).
      client.view = undefined;
      const entrance = isExitDirection(options.entrance) ? options.entrance : undefined;
      if (this.runtime.arrive(actor, { entrance }).length > 0) this.joiningWithDirect.add(client);
      this.sendMissedOrder(client, auth.userId);
    }

    /** The connection dropped without a goodbye: keep the participant (offline) while it comes back. */
    async onDrop(client: MeshSocket, code?: number): Promise<void> {
      const auth = client.auth;
      services.connections.remove(client);
      const held = auth && this.sockets.get(auth.userId)?.has(client.sessionId);
      if (!auth || !held || !LOST_CONNECTION.has(code ?? 0) || this.stopped || services.config.reconnectS === 0) {
        this.unindex(client);
        return;
      }
      this.dropped.add(client.sessionId);
      if (this.allDropped(auth.userId)) this.runtime.drop(auth.userId);
      const reconnection = this.allowReconnection(client, services.config.reconnectS);
      this.waiting.set(client.sessionId, reconnection);
      try {
        await reconnection;
      } catch {
        // The window ran out (or a kick closed it): onLeave follows.
      } finally {
        this.waiting.delete(client.sessionId);
      }
    }

    /** Back within the window: the same session, checked again as if it joined (logout, kick, ban). */
    onReconnect(client: MeshSocket): void {
      const auth = sessionOf(client);
      // A resume skips onAuth, where joins spend their allowance: it spends here (each sends a full state).
      if (!services.limits.joins.take(auth.userId)) throw new ServerError(JoinErrorCode.TooMany, "too many joins; wait a moment and try again");
      mayEnter(services, this.meshRoomId, auth);
      this.dropped.delete(client.sessionId);
      services.connections.add(client, auth.userId, auth.sid);
      this.index(auth.userId, client);
      this.runtime.back(auth.userId);
      this.sendMissedOrder(client, auth.userId);
    }

    /** An order given while this bot was offline reaches it when it is back (if still live). */
    private sendMissedOrder(client: MeshSocket, participantId: string): void {
      const missed = this.runtime.takeUndelivered(participantId);
      if (missed) client.send(ServerMessage.Order, missed);
    }

    onLeave(client: MeshSocket): void {
      services.connections.remove(client);
      this.unindex(client);
      // A refused join leaves too: the room may be empty again.
      this.idleStop.arm();
    }

    /**
     * The server is shutting down (a restart, a deploy): say so with a code the SDK retries on,
     * not Colyseus's 4001, which clients of this protocol read as a logout.
     */
    onBeforeShutdown(): void {
      void this.disconnect(CloseCode.ServerRestarting).catch(() => undefined);
    }

    onDispose(): void {
      this.idleStop?.cancel(); // undefined when onCreate refused the instance
      services.rooms.release(this);
      this.runtime?.close(); // undefined when onCreate refused the instance
      log.info({ room: this.meshRoomId }, "room closed");
    }

    // ---- LiveRoom -------------------------------------------------------------------------

    submitMessage(participantId: string, payload: unknown): Promise<Result<MessageData>> {
      // A REST sender keeps an otherwise empty room running for another idle period.
      if (!this.stopped) this.idleStop.arm();
      return this.runtime.submit(participantId, payload);
    }

    input(participantId: string, type: string, payload: unknown): Result<string | undefined> {
      if (this.stopped) return err(ErrorCode.NotFound, "the room just stopped; send again");
      if (!this.runtime.isPresent(participantId)) return err(ErrorCode.NotFound, `join room '${this.meshRoomId}' first (a socket, or start your bot)`);
      const result = this.runtime.input(participantId, type, payload);
      return result.ok ? result : { ok: false, error: result.error };
    }

    attach(participantId: string): Result<void> {
      if (this.stopped) return err(ErrorCode.NotFound, "the room just stopped; try again");
      const entry = roomEntry(services, participantId, this.meshRoomId, Date.now());
      if (!entry.ok) return { ok: false, error: { code: entry.error.code, message: entry.error.message } };
      const actor = gate.actor(participantId);
      if (actor?.participant.kind !== "bot") return err(ErrorCode.Forbidden, "only bots are present without a socket");
      this.idleStop.cancel();
      this.runtime.arrive(actor, { detached: true });
      return ok(undefined);
    }

    detach(participantId: string): void {
      this.runtime.unstart(participantId);
      if (!this.runtime.isDetached(participantId) || this.sockets.has(participantId)) return;
      this.runtime.depart(participantId);
      if (!this.stopped) this.idleStop.arm();
    }

    roleChanged(participantId: string, role: string): void {
      this.runtime.roleChanged(participantId, role);
    }

    roomChanged(room: RoomData): void {
      this.runtime.roomChanged(room);
      // Made private: whoever may no longer see it leaves now.
      if (room.private) this.recheckAccess("this room is now private");
    }

    recheckAccess(reason = "you may no longer see this room"): void {
      for (const participantId of [...this.sockets.keys(), ...this.runtime.detachedIds()]) {
        if (!roomAccess(services, participantId, this.meshRoomId).ok) this.removeParticipant(participantId, CloseCode.AccessRevoked, reason);
      }
    }

    online(): number {
      return this.runtime.online();
    }

    whoIsHere(): Presence[] {
      return this.runtime.presence().map(([id, status]) => {
        const kinds = new Set<string>();
        for (const socket of this.sockets.get(id)?.values() ?? []) kinds.add(this.clientKinds.get(socket.sessionId) ?? DEFAULT_CLIENT_KIND);
        return { id, status, clients: [...kinds].sort() };
      });
    }

    replayRecord(): ReplayRecord {
      return this.runtime.replayRecord();
    }

    stats(reset = false): RoomStats {
      const tickMs = this.tickStats.summary();
      if (reset) this.tickStats.reset();
      return { ...this.runtime.counts(), sockets: this.clients.length, tickMs, eventLoopDelayMs: eventLoopDelay(reset) };
    }

    async shutdown(code: number, reason: string): Promise<void> {
      for (const pending of this.waiting.values()) pending.reject(new Error(reason));
      for (const client of this.clients) client.leave(code, reason);
      this.stop(reason);
    }

    // ---- sockets --------------------------------------------------------------------------

    private index(participantId: string, client: MeshSocket): void {
      let mine = this.sockets.get(participantId);
      if (!mine) {
        mine = new Map();
        this.sockets.set(participantId, mine);
      }
      mine.set(client.sessionId, client);
    }

    /** The socket is gone for good; with the participant's last one, they leave the world. */
    private unindex(client: MeshSocket): void {
      const participantId = client.auth?.userId; // undefined when onAuth refused the socket
      this.dropped.delete(client.sessionId);
      this.clientKinds.delete(client.sessionId);
      const mine = participantId === undefined ? undefined : this.sockets.get(participantId);
      // Only the indexed socket of this session counts: a refused join never was.
      if (!participantId || !mine || mine.get(client.sessionId) === undefined) return;
      mine.delete(client.sessionId);
      if (mine.size > 0) {
        if (this.allDropped(participantId)) this.runtime.drop(participantId);
        return;
      }
      this.sockets.delete(participantId);
      this.runtime.lastSocketGone(participantId);
    }

    private allDropped(participantId: string): boolean {
      for (const sessionId of this.sockets.get(participantId)?.keys() ?? []) if (!this.dropped.has(sessionId)) return false;
      return true;
    }

    private connected(participantId: string): MeshSocket[] {
      const mine = this.sockets.get(participantId);
      return mine ? [...mine.values()].filter((c) => !this.dropped.has(c.sessionId)) : [];
    }

    private sendError(participantId: string, error: ErrorPayload): void {
      for (const client of this.connected(participantId)) client.send(ServerMessage.Error, error);
    }

    removeParticipant(participantId: string, code: number, reason: string, ownerId?: string): void {
      // Whoever is put out (kick, ban, lost access) takes their bots along: a bot goes nowhere its owner may not.
      if (ownerId === undefined) for (const botId of this.runtime.botsOf(participantId)) this.removeParticipant(botId, code, reason, participantId);
      // A socketless bot kicked, banned or out of access leaves the world at once.
      this.detach(participantId);
      for (const [sessionId, client] of this.sockets.get(participantId) ?? []) {
        this.waiting.get(sessionId)?.reject(new Error(reason));
        if (!this.dropped.has(sessionId)) client.leave(code, reason);
      }
    }

    // ---- inputs and the tick ----------------------------------------------------------------

    private handle(client: MeshSocket, type: string, payload: unknown): void {
      if (this.stopped) return;
      const auth = sessionOf(client);
      // A session acts only while it lasts: checked on every action, not only by the sweep.
      if (Date.now() >= auth.expiresAt) {
        client.leave(CloseCode.SessionRevoked, "session expired");
        return;
      }
      const outcome = this.runtime.input(auth.userId, type, payload);
      if (!outcome.ok && !outcome.quiet) {
        const reply: ErrorPayload = { code: outcome.error.code, message: outcome.error.message, ref: errorRef(type, payload) };
        client.send(ServerMessage.Error, reply);
      }
    }

    /** The whole tick, timed: world, store, state, views, updates and the patch to every socket. */
    private tick(): void {
      if (this.stopped) return;
      const started = performance.now();
      try {
        this.step();
      } finally {
        this.tickStats.record(performance.now() - started);
      }
    }

    private step(): void {
      const { views, updated } = this.runtime.tick();
      this.directViews.apply(
        views,
        (participantId) => this.sockets.get(participantId)?.values() ?? [],
        (participantId) => this.runtime.directOf(participantId),
      );
      for (const client of this.joiningWithDirect) {
        if (this.clients.includes(client)) this.directViews.show(client, this.runtime.directOf(sessionOf(client).userId));
      }
      this.joiningWithDirect.clear();
      this.runtime.sweepDirect();
      const changed = new Set(views.map((change) => change.participantId));
      for (const message of updated) {
        if (message.to === "") {
          this.broadcast(ServerMessage.MessageUpdated, message);
          continue;
        }
        for (const id of [message.authorId, message.to]) {
          changed.add(id);
          for (const client of this.connected(id)) client.send(ServerMessage.MessageUpdated, message);
        }
      }
      patchSkippingQuietViews(this.clients, (client) => client.auth?.userId, changed, () => this.broadcastPatch());
      if (this.stopAfterTick) {
        this.stopAfterTick = false;
        this.stop("idle");
      }
    }

    /**
     * Stop for good (idle or deleted): release the id first, so a join from now on starts a fresh
     * instance instead of finding this one; take no one in and tick no more; tell REST senders
     * still waiting. Colyseus disposes the instance once its last socket and reservation are gone.
     */
    private stop(why: string): void {
      if (this.stopped) return;
      this.stopped = true;
      services.rooms.release(this);
      this.idleStop.cancel();
      this.runtime.close();
      void this.lock();
      log.info({ room: this.meshRoomId, why }, "room stopping");
      void this.disconnect();
    }
  };
}
