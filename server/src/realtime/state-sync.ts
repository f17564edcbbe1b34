import type { AppendedMessage, Sim, TickResult } from "@mesh/sim";
import type { ArraySchema } from "@colyseus/schema";
import {
  type Message,
  MESSAGE_WINDOW,
  MESSAGE_WINDOW_BYTES,
  messageFromData,
  type MessageData,
  Participant,
  type RoomState,
  type TrustLevel,
} from "@mesh/schema";

/** What the room knows of a participant besides the sim: who they are and how many sockets they hold. */
export interface Member {
  name: string;
  kind: "human" | "bot";
  role: string;
  trust: TrustLevel;
  sockets: number;
}

/**
 * The one place the sim's tick result becomes synced state: spawns and despawns, changed
 * fields only (an unchanged value is not re-sent), and the message window kept to its bounds.
 */
export function syncState(state: RoomState, sim: Sim, result: TickResult, members: ReadonlyMap<string, Member>): void {
  state.tick = sim.tick;
  for (const id of result.spawned) {
    const member = members.get(id);
    const participant = new Participant();
    participant.id = id;
    participant.name = member?.name ?? id;
    participant.kind = member?.kind ?? "human";
    participant.role = member?.role ?? "";
    participant.trust = member?.trust ?? "local";
    participant.online = true;
    state.participants.set(id, participant);
  }
  for (const id of result.despawned) state.participants.delete(id);
  for (const [id, participant] of state.participants) {
    const view = sim.view(id);
    if (!view) continue;
    if (participant.x !== view.x) participant.x = view.x;
    if (participant.y !== view.y) participant.y = view.y;
    if (participant.z !== view.z) participant.z = view.z;
    if (participant.heading !== view.heading) participant.heading = view.heading;
    if (participant.typing !== view.typing) participant.typing = view.typing;
    if (participant.muted !== view.muted) participant.muted = view.muted;
  }
  if (result.appended.length === 0) return;
  for (const appended of result.appended) state.messages.push(messageFromData(toData(appended)));
  trimWindow(state.messages);
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

/** A freshly numbered message as stored data: not edited, not deleted, no reactions yet. */
export function toData(m: AppendedMessage): MessageData {
  return { ...m, editedTs: 0, deleted: false, reactions: {} };
}
