import { ErrorCode, type MeshError, type RoomData } from "@mesh/schema";
import { joinRefusal } from "./moderation.ts";
import type { Services } from "./services.ts";

/** Why a room refuses a participant: a join answers each with its own code. */
export type RoomRefusal = MeshError & { why: "hidden" | "role" | "banned" | "kicked" };
export type RoomDoor = { ok: true; value: RoomData } | { ok: false; error: RoomRefusal };

const refused = (code: ErrorCode, why: RoomRefusal["why"], message: string): RoomDoor => ({ ok: false, error: { code, why, message } });

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
): RoomDoor {
  const { db, gate } = services;
  const room = db.rooms.get(roomId);
  const hidden = refused(ErrorCode.NotFound, "hidden", `no room '${roomId}'`);
  if (!room) return hidden;
  // Before the role check: a role without view_rooms must not learn that a private room exists.
  if (room.private && !db.invites.isInvited(roomId, userId) && !gate.authorize(userId, "manage_rooms", { roomId }).ok) {
    return hidden;
  }
  const viewer = gate.authorize(userId, "view_rooms", { roomId });
  if (!viewer.ok) return refused(viewer.error.code, "role", viewer.error.message);
  const ban = db.sanctions.active(roomId, userId, "ban", now);
  if (ban) return refused(ErrorCode.Forbidden, "banned", `you are banned from room '${roomId}' until ${new Date(ban.until).toISOString()}`);
  // A bot goes nowhere its owner may not: not into a room hidden from them, nor one they are banned from.
  const owner = ownerOf(db, userId);
  if (owner !== undefined) {
    const door = roomAccess(services, owner, roomId, now);
    if (!door.ok) return refused(door.error.code, door.error.why, `your owner may not be in room '${roomId}': ${door.error.message}`);
  }
  return { ok: true, value: room };
}

/** A bot's owner ("" for a bot whose owner is gone: it may go nowhere); undefined for people. */
function ownerOf(db: Services["db"], userId: string): string | undefined {
  const user = db.users.get(userId);
  return user?.kind === "bot" ? user.ownerId : undefined;
}

/**
 * May this participant be in this room and act there now: they may see it (roomAccess) and no
 * kick cooldown is running. Joins, reconnections, REST sends and uploads all ask this.
 */
export function roomEntry(
  services: Pick<Services, "db" | "gate">,
  userId: string,
  roomId: string,
  now = Date.now(),
): RoomDoor {
  const access = roomAccess(services, userId, roomId, now);
  if (!access.ok) return access;
  const kicked = joinRefusal(services.db, roomId, userId, now);
  if (kicked) return refused(ErrorCode.Forbidden, "kicked", kicked);
  // Nor, for a bot, while its owner waits out a kick there.
  const owner = ownerOf(services.db, userId);
  const ownerKicked = owner ? joinRefusal(services.db, roomId, owner, now) : undefined;
  return ownerKicked ? refused(ErrorCode.Forbidden, "kicked", `your owner was kicked from room '${roomId}': ${ownerKicked}`) : access;
}
