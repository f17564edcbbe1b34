import { MeshJoinError, MeshRestError, MeshSendError, type ParticipantListing, type RoomListing } from "@mesh/bots";
import { nameSpan } from "../mud/describe.ts";
import { type Line, line, span } from "../mud/text.ts";

/** `who`: everyone online, by room, with their clients and status; then how many are offline. */
export function describeWho(participants: readonly ParticipantListing[], selfId: string): Line[] {
  const online = participants.filter((p) => p.status !== "offline" || p.rooms.length > 0).sort((a, b) => a.name.localeCompare(b.name));
  const lines: Line[] = [line(span(`${online.length} online`, "notice"), span(` (${participants.length - online.length} offline)`, "dim"))];
  for (const p of online) {
    const clients = p.clients && p.clients.length > 0 ? p.clients.join(", ") : p.kind === "bot" ? "bridge" : "—";
    lines.push(
      line(
        "  ",
        nameSpan({ id: p.id, name: p.name, kind: p.kind }, selfId),
        span(p.kind === "bot" ? " (bot)" : "", "dim"),
        ` in ${p.rooms.join(", ") || "no room"}`,
        span(` via ${clients}`, "dim"),
        p.status === "online" ? "" : span(` [${p.status}]`, "dim"),
      ),
    );
  }
  return lines;
}

/** `rooms`: each room you can enter, with who is in it and what is unread; yours marked. */
export function describeRooms(rooms: readonly RoomListing[], here: string | undefined): Line[] {
  if (rooms.length === 0) return [line(span("There are no rooms you can enter.", "dim"))];
  const lines: Line[] = [line(span(`${rooms.length} room${rooms.length === 1 ? "" : "s"} (join <id> to go):`, "notice"))];
  for (const room of rooms) {
    const exits = Object.keys(room.exits);
    lines.push(
      line(
        room.id === here ? span("* ", "me") : "  ",
        span(room.id, "exit"),
        " ",
        span(room.name, "room"),
        ` — ${room.online} here`,
        room.unread > 0 ? span(`, ${room.unread} unread`, "notice") : "",
        room.mentions > 0 ? span(`, ${room.mentions} mention${room.mentions === 1 ? "" : "s"}`, "mention") : "",
        exits.length > 0 ? span(` (exits ${exits.join(", ")})`, "dim") : "",
      ),
    );
  }
  return lines;
}

/** A failure in one sentence. */
export function errorText(error: unknown): string {
  if (error instanceof MeshRestError) return error.code === "network" ? "The server cannot be reached." : error.message;
  if (error instanceof MeshJoinError || error instanceof MeshSendError) return error.message;
  return error instanceof Error ? error.message : String(error);
}
