import {
  type AttachmentData,
  ClientMessage,
  type ClientMessagePayloads,
  ErrorCode,
  err,
  isClientMessageType,
  type MeshError,
  type MessageData,
  type OrderPayload,
  ok,
  type ParticipantData,
  type Permission,
  parseClientMessage,
  type Result,
} from "@mesh/schema";
import type { MessageChange, SimInput } from "@mesh/sim";
import type { Actor } from "../gate/authorize.ts";
import { muteLeftMs } from "./moderation.ts";
import type { Services } from "./services.ts";

type MessageType = keyof ClientMessagePayloads;
export type SendPayload = ClientMessagePayloads[typeof ClientMessage.SendMessage];

/** What an accepted client message turns into; the room runtime carries it out. */
export type Decision =
  | { kind: "sim"; input: SimInput }
  | { kind: "send"; actor: Actor; payload: SendPayload; attachments: AttachmentData[] }
  /** `erases`: for a delete, the length of the text it takes out of storage and the search index. */
  | { kind: "amend"; messageId: string; change: MessageChange; erases?: number }
  | { kind: "kick"; targetId: string }
  | { kind: "sanction"; sanction: "mute" | "ban"; targetId: string; seconds: number }
  /** Agents that take the order, and those refused (each with why: the others still obey). */
  | { kind: "command"; order: OrderPayload; agents: Actor[]; refused: { agentId: string; error: MeshError }[] };

/** What the edge may ask of the room it guards (never its sockets). */
export interface EdgeRoom {
  readonly roomId: string;
  /** Whether the participant is in the room now (a DM's recipient must be). */
  isPresent(participantId: string): boolean;
  /** A stored message by id, wherever it is kept. */
  findMessage(messageId: string): MessageData | undefined;
  /** Floor size in world units: points outside it are refused. */
  readonly width: number;
  readonly depth: number;
}

interface InputContext {
  services: Pick<Services, "gate" | "db">;
  room: EdgeRoom;
  actor: Actor;
}

/** One input: the permission it needs and how it becomes a decision (its payload is validated by schema). */
interface InputDefinition<K extends MessageType> {
  permission: Permission;
  decide(ctx: InputContext, payload: ClientMessagePayloads[K]): Result<Decision>;
}

type InputTable = { [K in MessageType]: InputDefinition<K> };

/** Refusal from the rate limit: realtime answers it at most once a second, REST always (429). */
export interface EdgeRefusal {
  code: ErrorCode;
  message: string;
  /** Rate limited and already warned recently: say nothing. */
  quiet?: boolean;
}

/**
 * The one edge, for REST and realtime alike: rate limit → validate → authorize → decide.
 * Nothing here changes state; the runtime carries the decision out.
 */
export function admit(
  services: Pick<Services, "gate" | "db" | "limits">,
  room: EdgeRoom,
  participantId: string,
  type: string,
  payload: unknown,
): Result<Decision> | { ok: false; error: EdgeRefusal } {
  const limiter = services.limits.inputs.bucket(participantId);
  const warning = type === ClientMessage.SendMessage ? "send" : "other";
  const slowDown = () => ({
    ok: false as const,
    error: { code: ErrorCode.RateLimited, message: "slow down: too many messages", quiet: !limiter.shouldWarn(Date.now(), warning) },
  });
  // Long text costs more: storing, indexing and erasing it grow with its length.
  if (!limiter.spend(1 + textCost((payload as { text?: unknown } | null)?.text))) return slowDown();
  if (!isClientMessageType(type)) return err(ErrorCode.BadInput, `unknown message type '${type.slice(0, 64)}'`);
  const parsed = parseClientMessage(type, payload);
  if (!parsed.ok) return parsed;
  // A command looks up every agent it names, whatever becomes of them: a group pays before that.
  if (type === ClientMessage.Command) {
    const group = Math.floor(new Set((parsed.value as ClientMessagePayloads["command"]).agentIds).size / AGENTS_PER_INPUT);
    if (group > 0 && !limiter.spend(group)) return slowDown();
  }
  const decided = decideInput(services, room, participantId, type, parsed.value);
  if (decided.ok) {
    const extra = extraCost(decided.value);
    if (extra > 0 && !limiter.spend(extra)) return slowDown();
  }
  return decided;
}

/**
 * What a decision costs beyond its frame: erasing a long message from the search index costs what
 * storing it did, and a command costs what it makes happen — a `say` is a message from every bot
 * (their text too), a `task` text goes to every bot, and a large group costs a little more.
 */
function extraCost(decision: Decision): number {
  if (decision.kind === "amend") return decision.erases === undefined ? 0 : costOfLength(decision.erases);
  if (decision.kind !== "command") return 0;
  const agents = decision.agents.length;
  const { order } = decision;
  // Each refusal named in a reply costs an input, so a flood never draws more replies than it paid for.
  const replies = Math.min(decision.refused.length, MAX_REFUSALS_NAMED + 1);
  // The frame already paid once for the text (textCost reads only a top-level `text`).
  if (order.kind === "say") return replies + Math.max(0, agents * (1 + costOfLength(order.text.length)) - 1);
  if (order.kind === "task") return replies + Math.max(0, agents * (1 + costOfLength(order.text.length)) - 1);
  return replies;
}
/** A command naming this many agents costs one more input (paid before they are looked up). */
const AGENTS_PER_INPUT = 20;
/** Refusals of one command answered one by one; beyond this, one summary. */
export const MAX_REFUSALS_NAMED = 20;

/** Extra inputs a text costs: one per 2,000 characters (a short message costs nothing extra). */
function textCost(text: unknown): number {
  return typeof text === "string" ? costOfLength(text.length) : 0;
}
const costOfLength = (length: number): number => Math.floor(length / TEXT_PER_INPUT);
const TEXT_PER_INPUT = 2000;

function decideInput<K extends MessageType>(
  services: Pick<Services, "gate" | "db">,
  room: EdgeRoom,
  participantId: string,
  type: K,
  payload: ClientMessagePayloads[K],
): Result<Decision> {
  const input = INPUTS[type] as InputDefinition<K>;
  const allowed = services.gate.authorize(participantId, input.permission, { roomId: room.roomId });
  if (!allowed.ok) return allowed;
  return input.decide({ services, room, actor: allowed.value }, payload);
}

const INPUTS: InputTable = {
  [ClientMessage.SendMessage]: {
    permission: "send_messages",
    decide({ services, room, actor }, payload) {
      const me = actor.participant.id;
      if (payload.to !== undefined) {
        const dm = services.gate.authorize(me, "send_dms", { roomId: room.roomId });
        if (!dm.ok) return dm;
        if (payload.to === me) return err(ErrorCode.BadInput, "a direct message goes to someone else");
        if (payload.threadId !== undefined) return err(ErrorCode.BadInput, "direct messages have no threads");
        if (!room.isPresent(payload.to)) return err(ErrorCode.NotFound, `'${payload.to}' is not in this room`);
      }
      if (payload.threadId !== undefined) {
        const root = room.findMessage(payload.threadId);
        if (!root || root.roomId !== room.roomId || root.to !== "" || root.threadId !== "") {
          return err(ErrorCode.NotFound, `no thread '${payload.threadId}' in this room (a thread is named by its root message)`);
        }
        if (root.locked) return err(ErrorCode.Forbidden, "this thread is locked");
      }
      const attachments: AttachmentData[] = [];
      for (const id of new Set(payload.attachments ?? [])) {
        const upload = services.db.uploads.get(id);
        if (!upload || upload.roomId !== room.roomId || upload.uploaderId !== me) {
          return err(ErrorCode.NotFound, `no upload '${id}' of yours in this room`);
        }
        attachments.push({ id: upload.id, name: upload.name, type: upload.type, size: upload.size });
      }
      return ok({ kind: "send", actor, payload, attachments });
    },
  },
  [ClientMessage.EditMessage]: {
    permission: "send_messages",
    decide: (ctx, { messageId, text }) =>
      authorOrModerator(ctx, messageId, (message) =>
        message.deleted ? err(ErrorCode.NotFound, "that message was deleted") : ok({ op: "edit", text, ts: Date.now() }),
      ),
  },
  [ClientMessage.DeleteMessage]: {
    permission: "send_messages",
    decide: (ctx, { messageId }) =>
      authorOrModerator(ctx, messageId, (message) =>
        message.deleted ? err(ErrorCode.NotFound, "that message was already deleted") : ok({ op: "delete", ts: Date.now() }),
      ),
  },
  [ClientMessage.AddReaction]: {
    permission: "add_reactions",
    decide: (ctx, { messageId, emoji }) => react(ctx, messageId, emoji, true),
  },
  [ClientMessage.RemoveReaction]: {
    permission: "add_reactions",
    decide: (ctx, { messageId, emoji }) => react(ctx, messageId, emoji, false),
  },
  [ClientMessage.PinMessage]: {
    permission: "pin_messages",
    decide(ctx, { messageId, pinned }) {
      const found = roomMessage(ctx, messageId);
      if (!found.ok) return found;
      if (found.value.deleted) return err(ErrorCode.NotFound, "that message was deleted");
      return ok({ kind: "amend", messageId, change: { op: "pin", pinned } });
    },
  },
  [ClientMessage.LockThread]: {
    permission: "lock_threads",
    decide(ctx, { threadId, locked }) {
      const found = roomMessage(ctx, threadId);
      if (!found.ok) return found;
      if (found.value.threadId !== "") return err(ErrorCode.BadInput, "a thread is locked at its root message");
      return ok({ kind: "amend", messageId: threadId, change: { op: "lock", locked } });
    },
  },
  [ClientMessage.Typing]: {
    permission: "send_messages",
    decide: ({ actor }, { on }) => ok({ kind: "sim", input: { kind: "typing", participantId: actor.participant.id, on } }),
  },
  [ClientMessage.Move]: {
    permission: "move_in_world",
    decide: ({ actor }, { x, z }) => ok({ kind: "sim", input: { kind: "move", participantId: actor.participant.id, x, z } }),
  },
  [ClientMessage.Kick]: {
    permission: "kick_members",
    decide({ services, room, actor }, { participantId }) {
      const over = services.gate.authorizeOver(actor.participant.id, "kick_members", participantId, { roomId: room.roomId });
      return over.ok ? ok({ kind: "kick", targetId: participantId }) : over;
    },
  },
  [ClientMessage.Mute]: {
    permission: "mute_members",
    decide: (ctx, { participantId, seconds }) => sanction(ctx, "mute", participantId, seconds),
  },
  [ClientMessage.Ban]: {
    permission: "ban_members",
    decide: (ctx, { participantId, seconds }) => sanction(ctx, "ban", participantId, seconds),
  },
  [ClientMessage.Command]: {
    permission: "command_agents",
    decide: (ctx, { agentIds, order }) => command(ctx, agentIds, order),
  },
  [ClientMessage.OrderStatus]: {
    // Any participant may report on an order it holds; the world knows whether it holds it.
    permission: "view_rooms",
    decide({ actor }, { orderId, status, note }) {
      // A note is text everyone sees in state: it needs what any text to the room needs.
      if (note !== undefined && !actor.role.permissions.includes("send_messages")) {
        return err(ErrorCode.Forbidden, `role '${actor.role.name}' lacks permission 'send_messages' (a report's note is shown to everyone)`);
      }
      return ok({ kind: "sim", input: { kind: "order_status", participantId: actor.participant.id, orderId, status, note: note ?? "" } });
    },
  },
};

/**
 * A command: each agent must be a bot the commander owns (or any bot, with manage_all_bots) and
 * be in this room; the others are refused one by one and the rest still obey. A `say` needs the
 * bot itself to hold send_messages now (it speaks with its own rights and trust).
 */
function command({ services, room, actor }: InputContext, agentIds: string[], order: OrderPayload): Result<Decision> {
  if (order.kind === "move_to" && (order.x > room.width || order.z > room.depth)) {
    return err(ErrorCode.BadInput, `(${order.x}, ${order.z}) is outside this room's floor (${room.width} × ${room.depth})`);
  }
  if (order.kind === "follow" && !room.isPresent(order.targetId)) return err(ErrorCode.NotFound, `'${order.targetId}' is not in this room`);
  // Said at once to a muted commander; the world refuses the bots' says anyway (the rule lives there).
  // A task's text reaches the bots and, through them, the room: a muted commander gives neither.
  if ((order.kind === "say" || order.kind === "task") && muteLeftMs(services.db, room.roomId, actor.participant.id, Date.now()) > 0) {
    return err(ErrorCode.Forbidden, "you are muted in this room: your bots do not speak for you");
  }
  const me = actor.participant.id;
  // The commander was read and authorized for this input a moment ago (decideInput): its role
  // answers this too, and it is the owner most agents share, so no agent reads it again.
  const anyBot = actor.role.permissions.includes("manage_all_bots");
  const owners = new Map<string, ParticipantData | undefined>([[me, actor.participant]]);
  // Someone else's bots only over their owner's rank (gate.manageBotsOf), asked once per owner.
  const outranked = new Map<string, boolean>();
  const overOwner = (ownerId: string): boolean => {
    const known = outranked.get(ownerId);
    if (known !== undefined) return known;
    const over = services.gate.manageBotsOf(me, ownerId, { roomId: room.roomId }).ok;
    outranked.set(ownerId, over);
    return over;
  };
  const agents: Actor[] = [];
  const refused: { agentId: string; error: MeshError }[] = [];
  const named = [...new Set(agentIds)];
  const actors = services.gate.actors(named, owners);
  for (const agentId of named) {
    const agent = actors.get(agentId);
    const refuse = (code: ErrorCode, message: string) => refused.push({ agentId, error: { code, message } });
    // Unknown ids, humans and other people's bots look alike: none of them is yours to command.
    if (agent?.participant.kind !== "bot" || (agent.participant.ownerId !== me && !(anyBot && overOwner(agent.participant.ownerId)))) {
      refuse(ErrorCode.Forbidden, `'${agentId.slice(0, 64)}' is not a bot you may command`);
    } else if (!room.isPresent(agentId)) {
      refuse(ErrorCode.NotFound, `bot '${agent.participant.name}' is not in this room`);
    } else if (order.kind === "follow" && order.targetId === agentId) {
      refuse(ErrorCode.BadInput, `bot '${agent.participant.name}' cannot follow itself`);
    } else if (order.kind === "say" && !agent.role.permissions.includes("send_messages")) {
      refuse(ErrorCode.Forbidden, `bot '${agent.participant.name}' may not send messages`);
    } else {
      agents.push(agent);
    }
  }
  return ok({ kind: "command", order, agents, refused });
}

function sanction(ctx: InputContext, kind: "mute" | "ban", targetId: string, seconds: number): Result<Decision> {
  const permission = kind === "mute" ? "mute_members" : "ban_members";
  const over = ctx.services.gate.authorizeOver(ctx.actor.participant.id, permission, targetId, { roomId: ctx.room.roomId });
  return over.ok ? ok({ kind: "sanction", sanction: kind, targetId, seconds }) : over;
}

/** A message the actor can see in this room: a room message, or a DM they sent or received. */
function visibleMessage({ room, actor }: InputContext, messageId: string): Result<MessageData> {
  const message = room.findMessage(messageId);
  const me = actor.participant.id;
  const visible = message && message.roomId === room.roomId && (message.to === "" || message.authorId === me || message.to === me);
  return visible ? ok(message) : err(ErrorCode.NotFound, `no message '${messageId}' in this room`);
}

function roomMessage(ctx: InputContext, messageId: string): Result<MessageData> {
  const found = visibleMessage(ctx, messageId);
  if (found.ok && found.value.to !== "") return err(ErrorCode.BadInput, "direct messages cannot be pinned or locked");
  return found;
}

/**
 * Edits and deletes: one's own message, or (room messages only) anyone's with manage_messages
 * over someone of lower rank.
 */
function authorOrModerator(
  ctx: InputContext,
  messageId: string,
  change: (message: MessageData) => Result<MessageChange>,
): Result<Decision> {
  const found = visibleMessage(ctx, messageId);
  if (!found.ok) return found;
  const message = found.value;
  const me = ctx.actor.participant.id;
  if (message.authorId !== me) {
    if (message.to !== "") return err(ErrorCode.Forbidden, "only its author may change a direct message");
    const over = ctx.services.gate.authorizeOver(me, "manage_messages", message.authorId, { roomId: ctx.room.roomId });
    if (!over.ok) return over.error.code === ErrorCode.NotFound ? err(ErrorCode.Forbidden, "not your message") : over;
  }
  const changed = change(message);
  if (!changed.ok) return changed;
  return ok({ kind: "amend", messageId, change: changed.value, ...(changed.value.op === "delete" ? { erases: message.text.length } : {}) });
}

function react(ctx: InputContext, messageId: string, emoji: string, on: boolean): Result<Decision> {
  const found = visibleMessage(ctx, messageId);
  if (!found.ok) return found;
  if (found.value.deleted) return err(ErrorCode.NotFound, "that message was deleted");
  return ok({ kind: "amend", messageId, change: { op: "react", emoji, on } });
}

