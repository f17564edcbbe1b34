import { randomUUID } from "node:crypto";
import {
  type BotEventType,
  ClientMessage,
  CloseCode,
  DEFAULT_FOLLOW_DISTANCE,
  ErrorCode,
  type ErrorPayload,
  type ExitDirection,
  entrancePoint,
  err,
  errorRef,
  MESSAGE_WINDOW,
  type MeshError,
  type Message,
  type MessageData,
  messageFromData,
  type OrderMessage,
  type OrderPayload,
  ok,
  type PresenceStatus,
  type Result,
  type RoomData,
  RoomState,
  TICK_HZ,
  TICK_MS,
} from "@mesh/schema";
import { createSim, type Sim, type SimInput, type SimOptions, type SimOrder, type SimSnapshot, type TickResult } from "@mesh/sim";
import type { Actor } from "../gate/authorize.ts";
import { DirectWindow, type ViewChange } from "./direct-window.ts";
import { admit, type Decision, type EdgeRoom, MAX_REFUSALS_NAMED, type SendPayload } from "./inputs.ts";
import { impose, lift, muteLeftMs, mutesInForce, recordKick } from "./moderation.ts";
import { MessageOutbox, refOf } from "./outbox.ts";
import type { ReplayRecord } from "./room-registry.ts";
import type { Services } from "./services.ts";
import { type Member, syncState, trimWindow, trustOf } from "./state-sync.ts";

/** Ticks between replay checkpoints: the recorded log covers one to two minutes. */
const REPLAY_WINDOW_TICKS = 60 * TICK_HZ;
/** A busy room checkpoints sooner, so the log's memory stays bounded whatever the load. */
const MAX_LOGGED_INPUTS = 50_000;
/** Nonces of the latest stored messages the world starts with: resends after a restart stay duplicates. */
const SEEDED_NONCES = 4096;

/** What the runtime asks of the transport in front of it; it never sees a socket. */
export interface RuntimePort {
  /** An error for one participant, on every socket they hold here. */
  notify(participantId: string, error: ErrorPayload): void;
  /** Close every socket the participant holds here (kick, ban), reconnection window included. */
  disconnect(participantId: string, code: number, reason: string): void;
  /** An `order` message to a commanded bot, on every socket it holds here; returns how many got it. */
  order(participantId: string, order: OrderMessage): number;
}

/** Where the events of bots present without a socket go (bridge webhooks, REST polling). */
export interface BotEventSink {
  publish(botId: string, type: BotEventType, roomId: string, data: unknown): void;
}

/** What a tick produced besides the public state: per-participant views and changed messages. */
export interface TickOutcome {
  /** DMs to show to or hide from each participant's sockets (StateView). */
  views: ViewChange[];
  /** Stored changes to messages: sent as `message_updated` to whoever may see each. */
  updated: MessageData[];
}

export type RuntimeServices = Pick<Services, "db" | "gate" | "log" | "config" | "audit" | "limits"> & { botEvents?: BotEventSink };

/**
 * One mesh room without sockets: the world, the outbox, the replay checkpoints, who is present
 * and every decision. The Colyseus room in front of it (mesh-room.ts) only carries sockets;
 * REST sends come here the same way.
 */
export class RoomRuntime implements EdgeRoom {
  readonly roomId: string;
  readonly state = new RoomState();
  private readonly sim: Sim;
  private readonly simOptions: SimOptions;
  private checkpoint: SimSnapshot;
  private inputsSinceCheckpoint = 0;
  private readonly members = new Map<string, Member>();
  private readonly outbox: MessageOutbox;
  private readonly direct: DirectWindow;
  private closed = false;
  /** Bots present without a socket: they hear the room through bot events. */
  private readonly detached = new Set<string>();
  /** Started bridge and polling bots: when a socket session of theirs ends, they stay, without one. */
  private readonly started = new Set<string>();
  /** Orders given to a bot while none of its sockets was connected (a drop inside the window). */
  private readonly undelivered = new Map<string, OrderMessage>();

  constructor(
    private readonly services: RuntimeServices,
    private readonly room: RoomData,
    private readonly port: RuntimePort,
  ) {
    const { db } = services;
    this.roomId = room.id;
    this.state.roomId = room.id;
    this.state.name = room.name;
    this.state.topic = room.topic;
    for (const stored of db.messages.recent(room.id, MESSAGE_WINDOW)) this.state.messages.push(messageFromData(stored));
    trimWindow(this.state.messages);
    this.direct = new DirectWindow(this.state.direct);
    const now = Date.now();
    this.simOptions = {
      roomId: room.id,
      width: room.width,
      depth: room.depth,
      lastSeq: db.messages.maxSeq(room.id),
      storedNonces: db.messages.recentNonces(room.id, SEEDED_NONCES),
      mutes: mutesInForce(db, room.id, now).map(([id, leftMs]) => [id, Math.ceil(leftMs / TICK_MS)]),
    };
    this.sim = createSim({ ...this.simOptions, record: true });
    this.checkpoint = this.sim.checkpoint();
    this.outbox = new MessageOutbox(room.id, db, services.log, (participantId, ref, error) =>
      this.tell(participantId, { ...error, ref }),
    );
  }

  // ---- presence ----------------------------------------------------------------------------

  /**
   * A participant's first socket (or a socketless bot's start): they enter the world with who they
   * are (name, kind, owner). Returns the DMs their sockets see.
   */
  arrive(actor: Actor, { detached = false, entrance }: { detached?: boolean; entrance?: ExitDirection } = {}): Message[] {
    const id = actor.participant.id;
    const member = this.members.get(id);
    if (member) {
      // A socket joining a bot that was present without one: its sockets hear it now. A bot started
      // while a socket of its own is here hears the room there until that socket's session ends.
      if (detached) this.started.add(id);
      else this.detached.delete(id);
      this.back(id);
      return this.direct.holding(id);
    }
    this.members.set(id, {
      name: actor.participant.name,
      kind: actor.participant.kind,
      ownerId: actor.participant.ownerId,
      role: actor.role.name,
      trust: trustOf(actor.role.name),
      status: "online",
      lastInputAt: Date.now(),
    });
    // Spawn near the middle so newcomers see each other (Math.random is fine at the edge), or
    // just inside the doorway someone walked through: only a doorway the room has, so a rejoin
    // cannot put anyone against a blank wall of their choosing.
    const spread = 4;
    const at = entrance && this.room.exits[entrance]
      ? entrancePoint(entrance, this.room.width, this.room.depth)
      : { x: this.room.width / 2 + (Math.random() - 0.5) * spread, z: this.room.depth / 2 + (Math.random() - 0.5) * spread };
    this.enqueue({
      kind: "join",
      participantId: id,
      x: at.x,
      z: at.z,
      ...(actor.participant.kind === "bot" ? { agent: true } : {}),
    });
    if (detached) {
      this.detached.add(id);
      this.started.add(id);
    }
    return this.direct.open(id, this.services.db.messages.recentDirect(this.roomId, id, MESSAGE_WINDOW));
  }

  /** An order the participant missed while offline, if it is still pending or active: to send now that it is back. */
  takeUndelivered(participantId: string): OrderMessage | undefined {
    const message = this.undelivered.get(participantId);
    this.undelivered.delete(participantId);
    const current = this.sim.order(participantId);
    const live = current?.id === message?.id && (current?.status === "pending" || current?.status === "active");
    return live ? message : undefined;
  }

  /** The participant's connection dropped: they stay, shown offline, while their client reconnects. */
  drop(participantId: string): void {
    const member = this.members.get(participantId);
    if (member) member.status = "offline";
  }

  /** Reconnected (or another socket is back): online again. */
  back(participantId: string): void {
    const member = this.members.get(participantId);
    if (member) {
      member.status = "online";
      member.lastInputAt = Date.now();
    }
  }

  /** The bots here that this participant owns (a kick or ban of the owner takes them out too). */
  botsOf(ownerId: string): string[] {
    const bots: string[] = [];
    for (const [id, member] of this.members) if (member.ownerId === ownerId && member.kind === "bot") bots.push(id);
    return bots;
  }

  /** A started bot was stopped: it no longer stays once its sockets are gone. */
  unstart(participantId: string): void {
    this.started.delete(participantId);
  }

  /** The bots here without a socket. */
  detachedIds(): string[] {
    return [...this.detached];
  }

  /** Whether the participant is here without a socket (a started bridge or polling bot). */
  isDetached(participantId: string): boolean {
    return this.detached.has(participantId);
  }

  /**
   * The participant's last socket is gone for good: they leave the world, unless they are a started
   * bridge or polling bot, which stays, present without a socket, as before its socket joined.
   */
  lastSocketGone(participantId: string): void {
    const member = this.members.get(participantId);
    if (member && this.started.has(participantId)) {
      this.detached.add(participantId);
      member.status = "online";
      return;
    }
    this.depart(participantId);
  }

  /** A socketless bot stopped (or anyone put out): they leave the world. */
  depart(participantId: string): void {
    this.detached.delete(participantId);
    this.started.delete(participantId);
    this.undelivered.delete(participantId);
    if (!this.members.delete(participantId)) return;
    this.direct.close(participantId);
    // The leaver's sockets are gone already: nothing holds these in a view.
    this.direct.sweep();
    this.enqueue({ kind: "leave", participantId });
  }

  get width(): number {
    return this.room.width;
  }

  get depth(): number {
    return this.room.depth;
  }

  isPresent(participantId: string): boolean {
    return this.members.has(participantId);
  }

  findMessage(messageId: string): MessageData | undefined {
    return this.services.db.messages.get(messageId);
  }

  /** After the views have let go of this tick's dropped DMs: take those out of the state. */
  sweepDirect(): void {
    this.direct.sweep();
  }

  /** The DMs a participant's sockets see now. */
  directOf(participantId: string): Message[] {
    return this.direct.holding(participantId);
  }

  online(): number {
    return this.members.size;
  }

  presence(): [string, PresenceStatus][] {
    return [...this.members].map(([id, member]) => [id, member.status]);
  }

  // ---- inputs ------------------------------------------------------------------------------

  /**
   * One client message from a participant, however it came: through the edge (rate limit →
   * validate → authorize → decide), then carried out. A send answers with its new message id.
   * `quiet` refusals (a flood already warned) need no reply.
   */
  input(participantId: string, type: string, payload: unknown): Result<string | undefined> & { quiet?: boolean } {
    if (this.closed) return err(ErrorCode.NotFound, "the room just stopped; send again");
    const admitted = admit(this.services, this, participantId, type, payload);
    if (!admitted.ok) return { ok: false, error: { code: admitted.error.code, message: admitted.error.message }, quiet: "quiet" in admitted.error && admitted.error.quiet };
    const member = this.members.get(participantId);
    if (member) {
      member.lastInputAt = Date.now();
      if (member.status === "away") member.status = "online";
    }
    return this.carryOut(participantId, admitted.value);
  }

  /** A REST send: the same path as realtime, answered once the message is stored (or refused). */
  submit(participantId: string, payload: unknown): Promise<Result<MessageData>> {
    const accepted = this.input(participantId, "send_message", payload);
    if (!accepted.ok) return Promise.resolve(accepted);
    if (accepted.value === undefined) return Promise.resolve(err(ErrorCode.Internal, "not a send"));
    return this.outbox.wait(accepted.value);
  }

  private carryOut(actorId: string, decision: Decision): Result<string | undefined> {
    const now = Date.now();
    switch (decision.kind) {
      case "sim": {
        // A bot's typing and order notes are silenced by its owner's mute too (the world's rule).
        const { input } = decision;
        const owner = this.ownerOf(actorId);
        this.enqueue(owner !== "" && (input.kind === "typing" || input.kind === "order_status") ? { ...input, mutedWith: [owner] } : input);
        return ok(undefined);
      }
      case "send":
        return ok(this.queueSend(decision.actor, decision.payload, decision.attachments));
      case "amend": {
        const owner = this.ownerOf(actorId);
        this.enqueue({ kind: "amend", participantId: actorId, messageId: decision.messageId, change: decision.change, ...(owner !== "" ? { mutedWith: [owner] } : {}) });
        return ok(undefined);
      }
      case "kick":
        recordKick(this.services, this.roomId, actorId, decision.targetId, now);
        this.port.disconnect(decision.targetId, CloseCode.Kicked, `kicked by ${actorId}`);
        return ok(undefined);
      case "command":
        this.command(actorId, decision.order, decision.agents, decision.refused);
        return ok(undefined);
      case "sanction": {
        const { sanction, targetId, seconds } = decision;
        if (seconds === 0) {
          const lifted = lift(this.services, sanction, this.roomId, actorId, targetId, now);
          if (!lifted.ok) return lifted;
        } else {
          impose(this.services, sanction, this.roomId, actorId, targetId, seconds, now);
        }
        if (sanction === "ban" && seconds > 0) this.port.disconnect(targetId, CloseCode.Banned, `banned by ${actorId}`);
        // The world holds the mute as the rule, whoever imposed, lengthened or lifted it.
        if (sanction === "mute") {
          const leftMs = muteLeftMs(this.services.db, this.roomId, targetId, now);
          this.enqueue({ kind: "mute", participantId: targetId, ticks: Math.ceil(leftMs / TICK_MS) });
        }
        return ok(undefined);
      }
      default: {
        const unreachable: never = decision;
        throw new Error(`unhandled decision ${JSON.stringify(unreachable)}`);
      }
    }
  }

  /**
   * An error for one participant: on their sockets, or for a bot here without one, as an `error`
   * event it polls (or its webhook gets), so a refusal never vanishes unheard.
   */
  private tell(participantId: string, error: ErrorPayload): void {
    if (this.detached.has(participantId)) this.services.botEvents?.publish(participantId, "error", this.roomId, error);
    else this.port.notify(participantId, error);
  }

  /** A bot's owner ("" for people): whose mute silences it too. */
  private ownerOf(participantId: string): string {
    return this.members.get(participantId)?.ownerId ?? this.services.db.users.get(participantId)?.ownerId ?? "";
  }

  /**
   * Carry out a command: refusals answered one by one, then one order id for the group. The world
   * carries out move_to, follow, stop and say (each bot speaks through the normal message path,
   * with its own rights and trust); every bot is also told its order, and a `task` is only its to do.
   */
  private command(commanderId: string, order: OrderPayload, agents: Actor[], refused: { agentId: string; error: MeshError }[]): void {
    for (const { agentId, error } of refused.slice(0, MAX_REFUSALS_NAMED)) {
      this.tell(commanderId, { ...error, ref: `${ClientMessage.Command}:${agentId.slice(0, 64)}` });
    }
    if (refused.length > MAX_REFUSALS_NAMED) {
      this.tell(commanderId, {
        code: ErrorCode.Forbidden,
        message: `and ${refused.length - MAX_REFUSALS_NAMED} more agents refused`,
        ref: ClientMessage.Command,
      });
    }
    if (agents.length === 0) return;
    const id = randomUUID();
    this.enqueue({ kind: "order", participantId: commanderId, orderId: id, agents: agents.map((a) => a.participant.id), order: simOrderOf(order) });
    for (const agent of agents) {
      const agentId = agent.participant.id;
      if (order.kind === "say") this.queueSend(agent, { text: order.text }, [], commanderId);
      const message: OrderMessage = { id, by: commanderId, roomId: this.roomId, ...order };
      if (order.kind === "follow") message.distance = order.distance ?? DEFAULT_FOLLOW_DISTANCE;
      if (this.detached.has(agentId)) this.services.botEvents?.publish(agentId, "order", this.roomId, message);
      // Offline inside its reconnection window: it gets the order when it is back, if still live.
      else if (this.port.order(agentId, message) === 0) this.undelivered.set(agentId, message);
      else this.undelivered.delete(agentId);
    }
  }

  /** Queue a send for the next tick; returns the id its stored message will have. */
  private queueSend(author: Actor, payload: SendPayload, attachments: MessageData["attachments"], commanderId?: string): string {
    const authorId = author.participant.id;
    // The world refuses the say if any of these is muted here (the one place the mute rule lives).
    const mutedWith = [author.participant.ownerId, commanderId].filter((id): id is string => !!id && id !== authorId);
    const to = payload.to ?? "";
    const id = randomUUID();
    this.enqueue({
      kind: "say",
      participantId: authorId,
      id,
      authorName: author.participant.name,
      text: payload.text,
      threadId: payload.threadId ?? "",
      to,
      nonce: payload.nonce ?? "",
      trust: trustOf(author.role.name),
      ts: Date.now(),
      attachments,
      ...(mutedWith.length > 0 ? { mutedWith } : {}),
      // The world numbers a pair it has not seen on from what is stored.
      ...(to !== "" && this.sim.pairSeq(authorId, to) === 0 ? { pairBase: this.services.db.messages.maxPairSeq(this.roomId, authorId, to) } : {}),
    });
    return id;
  }

  /** Every input reaches the world through here, so the replay log's size is known. */
  private enqueue(input: SimInput): void {
    this.inputsSinceCheckpoint++;
    this.sim.enqueue(input);
  }

  // ---- the tick ----------------------------------------------------------------------------

  /** One step: world → outbox (stored batch) → state. Only what was stored becomes visible. */
  tick(): TickOutcome {
    if (this.sim.tick % REPLAY_WINDOW_TICKS === 0 || this.inputsSinceCheckpoint > MAX_LOGGED_INPUTS) {
      this.checkpoint = this.sim.checkpoint();
      this.inputsSinceCheckpoint = 0;
    }
    const result = this.sim.step();
    for (const { input, error } of result.rejected) {
      if (input.kind === "say") this.outbox.refuse(input.id, input.participantId, errorRef("send_message", input), error);
      else if (input.kind === "amend") this.tell(input.participantId, { ...error, ref: refOf(input.change) });
      else if (input.kind === "typing") this.tell(input.participantId, { ...error, ref: ClientMessage.Typing });
      else if (input.kind === "order") this.tell(input.participantId, { ...error, ref: ClientMessage.Command });
      else if (input.kind === "order_status") this.tell(input.participantId, { ...error, ref: `${ClientMessage.OrderStatus}:${input.orderId.slice(0, 64)}` });
      else this.services.log.warn({ room: this.roomId, input: input.kind, participant: input.participantId, error }, "input rejected by the world");
    }
    const stored = this.outbox.flush(result, this.sim);
    this.updatePresence(Date.now());
    syncState(this.state, this.sim, result, stored, this.members);
    const views: ViewChange[] = [];
    for (const message of stored.appended) if (message.to !== "") views.push(...this.direct.append(message));
    for (const message of stored.amended) if (message.to !== "") views.push(...this.direct.update(message));
    if (this.detached.size > 0) this.tellDetached(result, stored.appended, stored.amended);
    return { views, updated: stored.amended };
  }

  /** What socketless bots hear of a tick: arrivals, departures, new messages and changes they may see. */
  private tellDetached(result: TickResult, appended: readonly MessageData[], amended: readonly MessageData[]): void {
    const sink = this.services.botEvents;
    if (!sink) return;
    const edited = new Set<string>();
    for (const amend of result.amended) if (amend.change.op === "edit") edited.add(amend.messageId);
    for (const botId of this.detached) {
      for (const id of result.spawned) {
        const p = this.state.participants.get(id);
        if (id !== botId && p) sink.publish(botId, "join", this.roomId, { participantId: id, name: p.name, kind: p.kind, ownerId: p.ownerId });
      }
      for (const id of result.despawned) if (id !== botId) sink.publish(botId, "leave", this.roomId, { participantId: id });
      for (const message of appended) if (message.authorId !== botId && sees(botId, message)) sink.publish(botId, "message", this.roomId, message);
      for (const message of amended) {
        if (!sees(botId, message)) continue;
        // A reaction, pin or lock leaves the text as it was: the event leaves it out, so toggling a
        // reaction on a long message does not copy its text into every bot's queue each time.
        if (edited.has(message.id)) sink.publish(botId, "message_updated", this.roomId, message);
        else {
          const { text: _same, ...changed } = message;
          sink.publish(botId, "message_updated", this.roomId, changed);
        }
      }
    }
  }

  /** Online ↔ away by the time since each participant's last input; offline is the transport's to say. */
  private updatePresence(now: number): void {
    const awayMs = this.services.config.awayS * 1000;
    for (const member of this.members.values()) {
      if (member.status === "online" && now - member.lastInputAt >= awayMs) member.status = "away";
    }
  }

  // ---- what the rest of the server asks ----------------------------------------------------

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

  /** REST senders still waiting: the room must not stop under them. */
  get storing(): boolean {
    return this.outbox.pending > 0;
  }

  replayRecord(): ReplayRecord {
    return { options: this.simOptions, snapshot: this.checkpoint, log: this.sim.log ?? [], now: this.sim.snapshot() };
  }

  /** What the room holds now (the adapter adds the tick timings, which cover its part too). */
  counts(): { tick: number; participants: number } {
    return { tick: this.sim.tick, participants: this.members.size };
  }

  /** Stopping for good: nobody waits forever, nothing more is taken in. */
  close(): void {
    this.closed = true;
    this.outbox.close();
  }
}

/** A room message, or a DM the participant sent or received. */
const sees = (participantId: string, message: MessageData): boolean =>
  message.to === "" || message.to === participantId || message.authorId === participantId;

/** The world's part of an order: say and task texts stay with the server. */
function simOrderOf(order: OrderPayload): SimOrder {
  switch (order.kind) {
    case "move_to":
      return { kind: "move_to", x: order.x, z: order.z };
    case "follow":
      return { kind: "follow", targetId: order.targetId, distance: order.distance ?? DEFAULT_FOLLOW_DISTANCE };
    case "stop":
      return { kind: "stop" };
    case "say":
      return { kind: "say" };
    case "task":
      return { kind: "task" };
  }
}
