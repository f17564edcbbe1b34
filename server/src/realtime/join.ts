import { ErrorCode as ColyseusErrorCode, ServerError } from "@colyseus/core";
import { JoinErrorCode, PROTOCOL_VERSION } from "@mesh/schema";
import type { Services } from "./services.ts";

/** Join options (SPEC §3): `room` and `token`; `protocol` is optional and checked when given. */
export interface JoinOptions {
  room?: unknown;
  token?: unknown;
  protocol?: unknown;
}

/** What onAuth hands onJoin as `client.auth`. */
export interface ClientAuth {
  userId: string;
  sessionId: string;
}

/**
 * Authenticate a join before any room is chosen: a protocol this server speaks, a live
 * session for an existing participant allowed to view rooms, an existing room, and a
 * participant not hammering the matchmaker.
 */
export async function authenticateJoin(services: Services, options: JoinOptions): Promise<ClientAuth> {
  if (options.protocol !== undefined && options.protocol !== PROTOCOL_VERSION) {
    throw new ServerError(
      JoinErrorCode.ProtocolMismatch,
      `protocol ${String(options.protocol)} is not supported; this server speaks protocol ${PROTOCOL_VERSION}`,
    );
  }
  const claims = await services.tokens.activeSession(options.token, (id, now) => services.db.sessions.activeOwner(id, now));
  if (!claims) {
    throw new ServerError(ColyseusErrorCode.AUTH_FAILED, "invalid, expired or revoked token: log in again");
  }
  if (!services.limits.joins.take(claims.userId)) {
    throw new ServerError(JoinErrorCode.TooMany, "too many joins; wait a moment and try again");
  }
  if (typeof options.room !== "string" || !services.db.rooms.get(options.room)) {
    throw new ServerError(ColyseusErrorCode.MATCHMAKE_INVALID_CRITERIA, `unknown room '${String(options.room)}'`);
  }
  const allowed = services.gate.authorize(claims.userId, "view_rooms", { roomId: options.room });
  if (!allowed.ok) throw new ServerError(ColyseusErrorCode.AUTH_FAILED, allowed.error.message);
  return claims;
}
