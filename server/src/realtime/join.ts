import { ErrorCode as ColyseusErrorCode, ServerError } from "@colyseus/core";
import { EXIT_DIRECTIONS, isClientKind, isExitDirection, JoinErrorCode, PROTOCOL_VERSION } from "@mesh/schema";
import type { VerifiedSession } from "../auth/tokens.ts";
import { type RoomRefusal, roomEntry } from "./room-access.ts";
import { RoomUnavailableError } from "./room-registry.ts";
import type { Services } from "./services.ts";

/**
 * Join options (SPEC §3): `room` and `token`; `protocol` is optional and checked when given;
 * `entrance` (an exit direction) puts a newcomer just inside that doorway, for walking through exits;
 * `client` says which client this connection is (shown by GET /api/participants).
 */
export interface JoinRequest {
  room?: unknown;
  token?: unknown;
  protocol?: unknown;
  entrance?: unknown;
  client?: unknown;
}

/**
 * Authenticate a join before any room is chosen: a protocol this server speaks, a live
 * session for an existing participant allowed to view rooms, an existing room, and a
 * participant not hammering the matchmaker nor kicked from it a moment ago. Then the room is
 * started if it is not running, so the matchmaker finds the one live instance.
 * What it returns becomes `client.auth`.
 */
export async function authenticateJoin(services: Services, options: JoinRequest): Promise<VerifiedSession> {
  if (options.protocol !== undefined && options.protocol !== PROTOCOL_VERSION) {
    throw new ServerError(
      JoinErrorCode.ProtocolMismatch,
      `protocol ${String(options.protocol)} is not supported; this server speaks protocol ${PROTOCOL_VERSION}`,
    );
  }
  if (options.entrance !== undefined && !isExitDirection(options.entrance)) {
    throw new ServerError(JoinErrorCode.BadOption, `entrance must be one of ${EXIT_DIRECTIONS.join(", ")}`);
  }
  if (options.client !== undefined && !isClientKind(options.client)) {
    throw new ServerError(JoinErrorCode.BadOption, "client must be 1 to 16 lower-case letters, digits or dashes, like 3d or term");
  }
  const claims = await services.tokens.activeSession(options.token, services.db.sessions);
  if (!claims) {
    throw new ServerError(ColyseusErrorCode.AUTH_FAILED, "invalid, expired or revoked token: log in again");
  }
  if (!services.limits.joins.take(claims.userId)) {
    throw new ServerError(JoinErrorCode.TooMany, "too many joins; wait a moment and try again");
  }
  if (typeof options.room !== "string") {
    throw new ServerError(ColyseusErrorCode.MATCHMAKE_INVALID_CRITERIA, `unknown room '${String(options.room)}'`);
  }
  // activeSession has just checked the session itself.
  roomAdmits(services, options.room, claims.userId);
  try {
    await services.rooms.ensureOpen(options.room);
  } catch (error) {
    if (error instanceof RoomUnavailableError) throw new ServerError(JoinErrorCode.Unavailable, error.message);
    throw error;
  }
  return claims;
}

/**
 * What may change between reserving a seat and using it: the session (logout, expiry), the role
 * (`view_rooms`) and a kick. Checked in onJoin, when the seat is taken (onAuth checked the same
 * moments earlier), so a seat reserved before any of these cannot be used after it.
 */
export function mayEnter(services: Services, roomId: string, auth: VerifiedSession): void {
  const now = Date.now();
  if (now >= auth.expiresAt || services.db.sessions.activeOwner(auth.sid, now) !== auth.userId) {
    throw new ServerError(ColyseusErrorCode.AUTH_FAILED, "invalid, expired or revoked token: log in again");
  }
  roomAdmits(services, roomId, auth.userId);
}

/**
 * The room's own door: the participant may see the room (it exists, their role may view rooms, a
 * private room invited them, no ban), and no kick cooldown is running.
 */
function roomAdmits(services: Services, roomId: string, userId: string): void {
  const entry = roomEntry(services, userId, roomId);
  if (entry.ok) return;
  const { why, message } = entry.error;
  throw new ServerError(JOIN_CODE[why], why === "hidden" ? `unknown room '${roomId}'` : message);
}

/** The join code for each reason a room refuses someone. */
const JOIN_CODE: Record<RoomRefusal["why"], number> = {
  hidden: ColyseusErrorCode.MATCHMAKE_INVALID_CRITERIA,
  role: ColyseusErrorCode.AUTH_FAILED,
  banned: JoinErrorCode.Banned,
  kicked: JoinErrorCode.Kicked,
};
