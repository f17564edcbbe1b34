import { randomUUID } from "node:crypto";
import { type Client, ErrorCode as ColyseusErrorCode, Room, ServerError } from "@colyseus/core";
import type { Sim, SimInput, SimOptions, SimSnapshot, } from "@mesh/sim";
import { createSim, DEFAULT_CAPACITY } from "@mesh/sim";
import {
  ClientMessage,
  CloseCode,
  err,
  ErrorCode,
  type ErrorPayload,
  isClientMessageType,
  JoinErrorCode,
  MAX_SOCKETS_PER_PARTICIPANT,
  MESSAGE_WINDOW,
  messageFromData,
  type MessageData,
  ok,
  type Result,
  type RoomData,
  RoomState,
  ServerMessage,
  TICK_HZ,
  TICK_MS,
} from "@mesh/schema";
import type { Actor } from "../gate/authorize.ts";
import { decide, type SendPayload } from "./inputs.ts";
import { MessageOutbox } from "./outbox.ts";
import type { VerifiedSession } from "../auth/tokens.ts";
import { IdleStop } from "./idle-stop.ts";
import { authenticateJoin, type JoinOptions, mayEnter } from "./join.ts";
import { liftMute, muteLeftMs, recordKick, recordMute, sendRefusal } from "./moderation.ts";
import { type Member, syncState, trimWindow, trustOf } from "./state-sync.ts";
import type { LiveRoom, ReplayRecord, RoomStats } from "./room-registry.ts";
import { TickStats } from "./tick-stats.ts";
import type { Services } from "./services.ts";


type MeshClient = Client<{ auth: VerifiedSession }>;

/** onAuth ran before any handler sees a client, so a joined client always has its session. */
const authOf = (client: MeshClient): VerifiedSession => client.auth as VerifiedSession;

/** Ticks between replay checkpoints: the recorded log covers one to two minutes. */
const REPLAY_WINDOW_TICKS = 60 * TICK_HZ;
/** A busy room checkpoints sooner, so the log's memory stays bounded whatever the load. */
const MAX_LOGGED_INPUTS = 50_000;

/** Frames per second on one socket after which Colyseus closes it without reading further. */
const HARD_FLOOD_PER_S = 2000;



/** The Colyseus room class bound to this server's services (rooms stay thin: rules live in sim). */
export function defineMeshRoom(services: Services) {
  const { db, gate, log } = services;

  return class MeshRoom extends Room<{ state: RoomState; client: MeshClient }> implements LiveRoom {
    meshRoomId = "";
    private sim!: Sim;
    private simOptions!: SimOptions;
    /** Where the recorded input log starts; renewed every REPLAY_WINDOW_TICKS so it stays small. */
    private checkpoint!: SimSnapshot;
    private inputsSinceCheckpoint = 0;
    private width = 0;
    private depth = 0;
    private readonly members = new Map<string, Member>();
    private outbox!: MessageOutbox;
    private readonly tickStats = new TickStats();
    /** Sockets whose join went through: a refused join still gets onLeave, and must not count. */
    private readonly counted = new WeakSet<MeshClient>();
    private idleStop!: IdleStop;
    /** Released (idle or deleted): takes no one in, ticks no more. */
    private stopped = false;
    /** The idle wait ran out during this tick's timers: stop once the tick has stored its inputs. */
    private stopAfterTick = false;

    static async onAuth(_token: string, options: JoinOptions): Promise<VerifiedSession> {
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
      this.width = room.width;
      this.depth = room.depth;
      this.autoDispose = false;
      // Past our polite per-participant limit, a client this far gone is dropped outright.
      this.maxMessagesPerSecond = HARD_FLOOD_PER_S;
      // Sockets are at least participants, so a full room refuses joins before the world could.
      this.maxClients = DEFAULT_CAPACITY;
      this.state = new RoomState();
      this.state.roomId = room.id;
      this.state.name = room.name;
      this.state.topic = room.topic;
      for (const stored of db.messages.recent(room.id, MESSAGE_WINDOW)) this.state.messages.push(messageFromData(stored));
      trimWindow(this.state.messages);
      this.simOptions = { roomId: room.id, width: room.width, depth: room.depth };
      this.sim = createSim({ ...this.simOptions, lastSeq: db.messages.maxSeq(room.id), record: true });
      this.checkpoint = this.sim.checkpoint();
      this.outbox = new MessageOutbox(room.id, db, log, (authorId, ref, message) => {
        for (const client of this.clients) {
          if (authOf(client).userId === authorId) this.reply(client, ErrorCode.Internal, message, ref);
        }
      });

      for (const type of Object.values(ClientMessage)) {
        this.onMessage(type, (client: MeshClient, payload: unknown) => this.handle(client, type, payload));
      }
      // Unknown types spend from the same budget as known ones before any reply is sent.
      this.onMessage("*", (client: MeshClient, type: string | number, payload: unknown) => this.handle(client, String(type), payload));
      // Patches go out right after each tick, not on a timer of their own (one tick + network).
      // Order matters: with no simulation interval yet, `patchRate = null` starts a clock
      // timer of its own that would steal the fixed timestep's elapsed time.
      this.setFixedTimestep(() => this.tick(), TICK_HZ);
      this.patchRate = null;
      this.idleStop = new IdleStop(
        {
          clock: this.clock,
          occupied: () => this.members.size > 0 || this.clients.length > 0,
          storing: () => this.outbox.pending > 0,
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

    onJoin(client: MeshClient, options: JoinOptions): void {
      const auth = authOf(client);
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
      if (!actor) {
        client.leave(CloseCode.SessionRevoked, "account no longer exists");
        return;
      }
      const member = this.members.get(auth.userId);
      if (member && member.sockets >= MAX_SOCKETS_PER_PARTICIPANT) {
        throw new ServerError(JoinErrorCode.TooMany, `at most ${MAX_SOCKETS_PER_PARTICIPANT} connections per participant in a room`);
      }
      services.connections.add(client, auth.userId, auth.sid);
      this.counted.add(client);
      this.idleStop.cancel();
      if (member) {
        member.sockets++;
        return;
      }
      this.members.set(auth.userId, {
        name: actor.participant.name,
        kind: actor.participant.kind,
        role: actor.role.name,
        trust: trustOf(actor.role.name),
        sockets: 1,
      });
      // Spawn near the middle so newcomers see each other; Math.random is fine at the edge.
      const spread = 4;
      this.enqueue({
        kind: "join",
        participantId: auth.userId,
        x: this.width / 2 + (Math.random() - 0.5) * spread,
        z: this.depth / 2 + (Math.random() - 0.5) * spread,
      });
      // A stored mute outlives leaving: show it again from the first tick.
      this.showMute(auth.userId, Date.now(), false);
    }

    onLeave(client: MeshClient): void {
      const auth = client.auth as VerifiedSession | undefined; // undefined when onAuth refused the socket
      services.connections.remove(client);
      const member = auth && this.counted.delete(client) ? this.members.get(auth.userId) : undefined;
      if (auth && member && --member.sockets === 0) {
        this.members.delete(auth.userId);
        this.enqueue({ kind: "leave", participantId: auth.userId });
      }
      // A refused join leaves too: the room may be empty again.
      this.idleStop.arm();
    }

    onDispose(): void {
      this.idleStop?.cancel(); // undefined when onCreate refused the instance
      services.rooms.release(this);
      this.outbox?.close(); // undefined when onCreate refused the instance
      log.info({ room: this.meshRoomId }, "room closed");
    }

    // ---- LiveRoom -------------------------------------------------------------------------

    submitMessage(participantId: string, payload: SendPayload): Promise<Result<MessageData>> {
      if (this.stopped) return Promise.resolve(err(ErrorCode.NotFound, "the room just stopped; send again"));
      const decision = decide(gate, this.meshRoomId, participantId, ClientMessage.SendMessage, payload);
      if (!decision.ok) return Promise.resolve(decision);
      if (decision.value.kind !== "send") return Promise.resolve(err(ErrorCode.Internal, "unexpected decision"));
      const accepted = this.acceptSend(decision.value.actor, decision.value.payload);
      if (!accepted.ok) return Promise.resolve(accepted);
      if (typeof accepted.value !== "string") return Promise.resolve(ok(accepted.value));
      const id = accepted.value;
      // A REST sender keeps an otherwise empty room running for another idle period.
      this.idleStop.arm();
      return this.outbox.wait(id);
    }

    roleChanged(participantId: string, role: string): void {
      const member = this.members.get(participantId);
      if (member) {
        member.role = role;
        member.trust = trustOf(role);
      }
      const participant = this.state.participants.get(participantId);
      if (participant) {
        participant.role = role;
        participant.trust = trustOf(role);
      }
    }

    roomChanged(room: RoomData): void {
      this.state.name = room.name;
      this.state.topic = room.topic;
    }

    online(): number {
      return this.members.size;
    }

    replayRecord(): ReplayRecord {
      return { options: this.simOptions, snapshot: this.checkpoint, log: this.sim.log ?? [], now: this.sim.snapshot() };
    }

    stats(reset = false): RoomStats {
      const tickMs = this.tickStats.summary();
      if (reset) this.tickStats.reset();
      return { tick: this.sim.tick, participants: this.members.size, sockets: this.clients.length, tickMs };
    }

    async shutdown(code: number, reason: string): Promise<void> {
      for (const client of this.clients) client.leave(code, reason);
      this.stop(reason);
    }

    // ---- lifecycle ------------------------------------------------------------------------

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
      this.outbox.close();
      void this.lock();
      log.info({ room: this.meshRoomId, why }, "room stopping");
      void this.disconnect();
    }

    // ---- inputs ---------------------------------------------------------------------------

    private handle(client: MeshClient, type: string, payload: unknown): void {
      try {
        this.apply(client, type, payload);
      } catch (error) {
        // A bug here must cost one reply, never the room.
        log.error({ err: error, room: this.meshRoomId, type }, "input handler failed");
        this.reply(client, ErrorCode.Internal, "the server could not handle that message", refOf(type, payload));
      }
    }

    private apply(client: MeshClient, type: string, payload: unknown): void {
      if (this.stopped) return;
      const auth = authOf(client);
      const ref = refOf(type, payload);
      // Every frame spends from its sender's budget before anything else, replies included:
      // past it, one rate_limited a second is all a flood draws.
      const limiter = services.limits.inputs.bucket(auth.userId);
      if (!limiter.take()) {
        if (limiter.shouldWarn()) this.reply(client, ErrorCode.RateLimited, "slow down: too many messages", ref);
        return;
      }
      // A session acts only while it lasts: checked on every action, not only by the sweep.
      if (Date.now() >= auth.expiresAt) {
        client.leave(CloseCode.SessionRevoked, "session expired");
        return;
      }
      if (!isClientMessageType(type)) {
        this.reply(client, ErrorCode.BadInput, `unknown message type '${type.slice(0, 64)}'`, ref);
        return;
      }
      const decision = decide(gate, this.meshRoomId, auth.userId, type, payload);
      if (!decision.ok) {
        this.reply(client, decision.error.code, decision.error.message, ref);
        return;
      }
      const action = decision.value;
      switch (action.kind) {
        case "sim": {
          // Someone who may not speak here may not look as if they are about to.
          const refused = action.input.kind === "typing" && action.input.on && sendRefusal(db, this.meshRoomId, auth.userId, Date.now());
          if (refused) {
            this.reply(client, ErrorCode.Forbidden, refused, ref);
            return;
          }
          this.enqueue(action.input);
          return;
        }
        case "send": {
          const accepted = this.acceptSend(action.actor, action.payload);
          if (!accepted.ok) this.reply(client, accepted.error.code, accepted.error.message, ref);
          return;
        }
        case "kick":
          recordKick(services, this.meshRoomId, auth.userId, action.targetId, Date.now());
          for (const target of this.clients) {
            if (authOf(target).userId === action.targetId) target.leave(CloseCode.Kicked, `kicked by ${auth.userId}`);
          }
          return;
        case "mute": {
          const now = Date.now();
          const done =
            action.seconds > 0
              ? recordMute(services, this.meshRoomId, auth.userId, action.targetId, action.seconds, now)
              : liftMute(services, this.meshRoomId, auth.userId, action.targetId, now);
          if (!done.ok) this.reply(client, done.error.code, done.error.message, ref);
          else if (this.sim.has(action.targetId)) this.showMute(action.targetId, now);
          return;
        }
        default: {
          const unreachable: never = action;
          throw new Error(`unhandled decision ${JSON.stringify(unreachable)}`);
        }
      }
    }

    /**
     * Queue a send for the next tick. Returns the new message id, or the already stored
     * message when the nonce shows this is a resend.
     */
    private acceptSend(author: Actor, payload: SendPayload): Result<string | MessageData> {
      const authorId = author.participant.id;
      const refused = sendRefusal(db, this.meshRoomId, authorId, Date.now());
      if (refused) return err(ErrorCode.Forbidden, refused);
      const nonce = payload.nonce ?? "";
      if (nonce) {
        const stored = db.messages.findByNonce(this.meshRoomId, authorId, nonce);
        if (stored) return ok(stored);
      }
      const id = randomUUID();
      this.enqueue({
        kind: "say",
        participantId: authorId,
        id,
        authorName: author.participant.name,
        text: payload.text,
        threadId: payload.threadId ?? "",
        to: payload.to ?? "",
        nonce,
        trust: trustOf(author.role.name),
        ts: Date.now(),
      });
      return ok(id);
    }

    /**
     * The world shows the stored mute for as long as it lasts, whoever imposed, lengthened or
     * lifted it (0 ticks: not muted). With `unmuted` false, nothing is queued when none is in force.
     */
    private showMute(participantId: string, nowMs: number, unmuted = true): void {
      const leftMs = muteLeftMs(db, this.meshRoomId, participantId, nowMs);
      if (leftMs > 0 || unmuted) this.enqueue({ kind: "mute", participantId, ticks: Math.ceil(leftMs / TICK_MS) });
    }

    private reply(client: MeshClient, code: ErrorCode, message: string, ref: string): void {
      const payload: ErrorPayload = { code, message, ref };
      client.send(ServerMessage.Error, payload);
    }

    /** Every input reaches the world through here, so the replay log's size is known. */
    private enqueue(input: SimInput): void {
      this.inputsSinceCheckpoint++;
      this.sim.enqueue(input);
    }

    // ---- tick -----------------------------------------------------------------------------

    private tick(): void {
      if (this.stopped) return;
      const started = performance.now();
      try {
        if (this.sim.tick % REPLAY_WINDOW_TICKS === 0 || this.inputsSinceCheckpoint > MAX_LOGGED_INPUTS) {
          this.checkpoint = this.sim.checkpoint();
          this.inputsSinceCheckpoint = 0;
        }
        const result = this.sim.step();
        for (const { input, error } of result.rejected) {
          log.warn({ room: this.meshRoomId, input: input.kind, participant: input.participantId, error }, "input rejected by the world");
        }
        this.outbox.flush(result, this.sim);
        syncState(this.state, this.sim, result, this.members);
        this.broadcastPatch();
        if (this.stopAfterTick) {
          this.stopAfterTick = false;
          this.stop("idle");
        }
      } catch (error) {
        log.error({ err: error, room: this.meshRoomId }, "tick failed");
      }
      this.tickStats.record(performance.now() - started);
    }

  };
}

function refOf(type: string, payload: unknown): string {
  const nonce = (payload as { nonce?: unknown } | null)?.nonce;
  return typeof nonce === "string" && nonce.length <= 128 ? `${type}:${nonce}` : type;
}
