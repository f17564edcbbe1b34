import type { Permission, RoomData } from "@mesh/schema";
import type { NextFunction, Request, Response } from "express";
import type { VerifiedSession } from "../auth/tokens.ts";
import type { Actor } from "../gate/authorize.ts";
import type { KeyedRateLimiter } from "../limits.ts";
import { roomAccess } from "../realtime/room-access.ts";
import type { Services } from "../realtime/services.ts";
import { sendError, sendResult } from "./respond.ts";

export function authOf(res: Response): VerifiedSession {
  return res.locals.auth as VerifiedSession;
}

export function actorOf(res: Response): Actor {
  return res.locals.actor as Actor;
}

/** Bearer session token → res.locals.auth; 401 for missing, forged, expired or revoked tokens. */
export function requireSession(services: Services) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const header = req.headers.authorization ?? "";
    const token = header.startsWith("Bearer ") ? header.slice(7).trim() : "";
    if (!token) return sendError(res, "unauthorized", "missing 'Authorization: Bearer <token>' header");
    const claims = await services.tokens.activeSession(token, services.db.sessions);
    if (!claims) {
      return sendError(res, "unauthorized", "invalid, expired or revoked token: log in again");
    }
    const auth: VerifiedSession = claims;
    res.locals.auth = auth;
    next();
  };
}

/** The gate, at the moment of use: the actor's current role must hold `permission`. */
export function requirePermission(services: Services, permission: Permission) {
  return (_req: Request, res: Response, next: NextFunction): void => {
    const allowed = services.gate.authorize(authOf(res).userId, permission);
    if (!allowed.ok) {
      sendResult(res, allowed);
      return;
    }
    res.locals.actor = allowed.value;
    next();
  };
}

/** Refuse with 429 and Retry-After once `key` has used its allowance; an expensive request costs `cost`. */
export function rateLimited(res: Response, limiter: KeyedRateLimiter, key: string, cost = 1): boolean {
  const bucket = limiter.bucket(key);
  if (bucket.spend(cost)) return false;
  res.setHeader("Retry-After", String(Math.max(1, bucket.retryAfterS())));
  sendError(res, "rate_limited", "too many requests; slow down and retry later");
  return true;
}

/** Per client address, for the routes a password guesser would hammer. */
export function limitByAddress(limiter: KeyedRateLimiter) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!rateLimited(res, limiter, req.ip ?? req.socket.remoteAddress ?? "unknown")) next();
  };
}

/**
 * The room named by `:id`, once the caller has spent `cost` from `limiter`, may see the room and
 * (when given) holds `permission` there; otherwise answers (429, 404, 403) and returns undefined.
 */
export function roomOf(
  services: Services,
  req: Request,
  res: Response,
  limiter: KeyedRateLimiter,
  { cost = 1, permission }: { cost?: number; permission?: Permission } = {},
): RoomData | undefined {
  const userId = authOf(res).userId;
  if (rateLimited(res, limiter, userId, cost)) return undefined;
  const access = roomAccess(services, userId, req.params.id as string);
  if (!access.ok) {
    sendResult(res, access);
    return undefined;
  }
  if (permission) {
    const allowed = services.gate.authorize(userId, permission, { roomId: access.value.id });
    if (!allowed.ok) {
      sendResult(res, allowed);
      return undefined;
    }
  }
  return access.value;
}
