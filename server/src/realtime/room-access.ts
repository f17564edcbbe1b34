import { err, ErrorCode, ok, type Result, type RoomData } from "@mesh/schema";
import type { Services } from "./services.ts";

/**
 * May this participant see this room? The one answer for every route and join that touches a
 * room: it exists, their role may view rooms, a private room has invited them (or they manage
 * rooms), and no ban of theirs is in force there. A private room they may not see is
 * not_found, never forbidden, so its existence stays hidden.
 */
export function roomAccess(
  services: Pick<Services, "db" | "gate">,
  userId: string,
  roomId: string,
  now = Date.now(),
): Result<RoomData> {
  const { db, gate } = services;
  const room = db.rooms.get(roomId);
  const hidden = err(ErrorCode.NotFound, `no room '${roomId}'`);
  if (!room) return hidden;
  // Before the role check: a role without view_rooms must not learn that a private room exists.
  if (room.private && !db.invites.isInvited(roomId, userId) && !gate.authorize(userId, "manage_rooms", { roomId }).ok) {
    return hidden;
  }
  const viewer = gate.authorize(userId, "view_rooms", { roomId });
  if (!viewer.ok) return viewer;
  const ban = db.sanctions.active(roomId, userId, "ban", now);
  if (ban) return err(ErrorCode.Forbidden, `you are banned from room '${roomId}' until ${new Date(ban.until).toISOString()}`);
  return ok(room);
}
