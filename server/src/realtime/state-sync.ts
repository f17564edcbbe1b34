import type { ArraySchema } from "@colyseus/schema";
import {
  Attachment,
  MESSAGE_WINDOW,
  MESSAGE_WINDOW_BYTES,
  type Message,
  type MessageData,
  messageFromData,
  OrderState,
  Participant,
  type PresenceStatus,
  Reaction,
  type RoomState,
  type TrustLevel,
} from "@mesh/schema";
import type { Sim, TickResult } from "@mesh/sim";
import type { StoredBatch } from "./outbox.ts";

/** What the room knows of a participant besides the sim: who they are and how they are present. */
export interface Member {
  name: string;
  kind: "human" | "bot";
  /** A bot's owner ("" for humans). */
  ownerId: string;
  role: string;
  trust: TrustLevel;
  status: PresenceStatus;
  /** When they last sent anything (ms epoch): idle long enough, they show as away. */
  lastInputAt: number;
}

/**
 * The one place a tick becomes synced state: spawns and despawns, changed fields only (an
 * unchanged value is not re-sent), and the room messages of the stored batch — only what the
 * outbox stored, never DMs (those go through the DirectWindow).
 */
export function syncState(
  state: RoomState,
  sim: Sim,
  result: TickResult,
  stored: StoredBatch,
  members: ReadonlyMap<string, Member>,
): void {
  state.tick = sim.tick;
  for (const id of result.spawned) {
    const member = members.get(id);
    const participant = new Participant();
    participant.id = id;
    participant.name = member?.name ?? id;
    participant.kind = member?.kind ?? "human";
    participant.ownerId = member?.ownerId ?? "";
    participant.role = member?.role ?? "";
    participant.trust = member?.trust ?? "local";
    participant.status = member?.status ?? "online";
    participant.online = true;
    state.participants.set(id, participant);
  }
  for (const id of result.despawned) state.participants.delete(id);
  for (const update of result.orders) {
    const participant = state.participants.get(update.agentId);
    if (!participant) continue;
    const order = participant.order ?? new OrderState();
    if (order.id !== update.id) order.id = update.id;
    if (order.kind !== update.kind) order.kind = update.kind;
    if (order.status !== update.status) order.status = update.status;
    if (order.targetId !== update.targetId) order.targetId = update.targetId;
    if (order.x !== update.x) order.x = update.x;
    if (order.z !== update.z) order.z = update.z;
    if (order.note !== update.note) order.note = update.note;
    if (participant.order !== order) participant.order = order;
  }
  for (const [id, participant] of state.participants) {
    const view = sim.view(id);
    if (!view) continue;
    if (participant.x !== view.x) participant.x = view.x;
    if (participant.y !== view.y) participant.y = view.y;
    if (participant.z !== view.z) participant.z = view.z;
    if (participant.heading !== view.heading) participant.heading = view.heading;
    if (participant.typing !== view.typing) participant.typing = view.typing;
    if (participant.muted !== view.muted) participant.muted = view.muted;
    const status = members.get(id)?.status;
    if (status !== undefined && participant.status !== status) participant.status = status;
  }
  // New messages and edits both change the window's bytes: either may push old messages out.
  let resized = false;
  for (const message of stored.appended) {
    if (message.to !== "") continue;
    state.messages.push(messageFromData(message));
    resized = true;
  }
  for (const message of stored.amended) {
    if (message.to !== "") continue;
    const shown = state.messages.find((m) => m.id === message.id);
    if (!shown) continue;
    if (shown.text !== message.text) resized = true;
    updateMessage(shown, message);
  }
  if (resized) trimWindow(state.messages);
}

/** Bring a synced message in line with its stored data (an edit, delete, reaction, pin or lock). */
export function updateMessage(message: Message, data: MessageData): void {
  if (message.text !== data.text) message.text = data.text;
  if (message.editedTs !== data.editedTs) message.editedTs = data.editedTs;
  if (message.deleted !== data.deleted) message.deleted = data.deleted;
  if (message.pinned !== data.pinned) message.pinned = data.pinned;
  if (message.locked !== data.locked) message.locked = data.locked;
  for (const emoji of [...message.reactions.keys()]) if (!data.reactions[emoji]) message.reactions.delete(emoji);
  for (const [emoji, by] of Object.entries(data.reactions)) {
    const shown = message.reactions.get(emoji);
    if (!shown) {
      const reaction = new Reaction();
      reaction.emoji = emoji;
      reaction.by.push(...by);
      message.reactions.set(emoji, reaction);
      continue;
    }
    // In place: a toggle patches one entry, not the whole list of who reacted.
    const wanted = new Set(by);
    for (let i = shown.by.length - 1; i >= 0; i--) if (!wanted.has(shown.by[i])) shown.by.splice(i, 1);
    const present = new Set(shown.by);
    for (const id of by) if (!present.has(id)) shown.by.push(id);
  }
  if (message.attachments.length !== data.attachments.length) {
    message.attachments.clear();
    for (const attachment of data.attachments) message.attachments.push(new Attachment(attachment));
  }
}

/**
 * Keep the newest messages that fit both MESSAGE_WINDOW and MESSAGE_WINDOW_BYTES of text
 * (the newest always stays): what a join costs is bounded in bytes, not only in count.
 * Older messages come from REST history, and the SDK fetches them itself.
 */
export function trimWindow(messages: ArraySchema<Message>): void {
  let keep = 0;
  let bytes = 0;
  for (let i = messages.length - 1; i >= 0 && keep < MESSAGE_WINDOW; i--) {
    bytes += Buffer.byteLength(messages[i].text, "utf8");
    if (keep > 0 && bytes > MESSAGE_WINDOW_BYTES) break;
    keep++;
  }
  const excess = messages.length - keep;
  if (excess > 0) messages.splice(0, excess);
}

export function trustOf(role: string): TrustLevel {
  return role === "owner" ? "owner" : "local";
}
