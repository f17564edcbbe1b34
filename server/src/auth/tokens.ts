import { createHash, randomBytes } from "node:crypto";
import type { SessionRepo } from "@mesh/persistence";
import { jwtVerify, SignJWT } from "jose";

const ALGORITHM = "HS256";
export const TOKEN_AUDIENCE = "mesh";
export const TOKEN_ISSUER = "mesh-server";

/**
 * The one identity type, from token to gate: who a session token speaks for (REST `res.locals`,
 * a socket's `client.auth`). The session's id is `sid`, as in the JWT: Colyseus treats an auth
 * object's `sessionId` as the socket's own id, so two tabs of one login would collide.
 */
export interface VerifiedSession {
  userId: string;
  sid: string;
  /** When the token stops authenticating (ms epoch, from `exp`). */
  expiresAt: number;
}

/** Session JWTs: pinned algorithm, required `exp`, `aud`, `iss`, `sub` and `sid`. */
export class TokenService {
  constructor(
    private readonly secret: Uint8Array,
    private readonly ttlS: number,
  ) {}

  get ttlMs(): number {
    return this.ttlS * 1000;
  }

  async sign(claims: Pick<VerifiedSession, "userId" | "sid">, nowMs = Date.now()): Promise<string> {
    const iat = Math.floor(nowMs / 1000);
    return new SignJWT({ sid: claims.sid })
      .setProtectedHeader({ alg: ALGORITHM, typ: "JWT" })
      .setSubject(claims.userId)
      .setAudience(TOKEN_AUDIENCE)
      .setIssuer(TOKEN_ISSUER)
      .setIssuedAt(iat)
      .setExpirationTime(iat + this.ttlS)
      .sign(this.secret);
  }

  /**
   * The one session check, for REST and for joins, for both kinds of token: a session JWT whose
   * stored session is neither revoked nor expired and belongs to the token's subject, or a bot
   * token whose hash opens an active session.
   */
  async activeSession(
    token: unknown,
    sessions: Pick<SessionRepo, "activeOwner" | "activeByTokenHash">,
  ): Promise<VerifiedSession | undefined> {
    const now = Date.now();
    if (isBotToken(token)) {
      const session = sessions.activeByTokenHash(hashBotToken(token), now);
      return session && { userId: session.userId, sid: session.id, expiresAt: session.expiresAt };
    }
    const claims = await this.verify(token);
    // A token naming one user and another user's session is not a session of either.
    return claims && sessions.activeOwner(claims.sid, now) === claims.userId ? claims : undefined;
  }

  /** Returns the claims, or undefined for anything forged, expired, for another audience or malformed. */
  async verify(token: unknown): Promise<VerifiedSession | undefined> {
    if (typeof token !== "string" || token.length === 0 || token.length > 4096) return undefined;
    try {
      const { payload } = await jwtVerify(token, this.secret, {
        algorithms: [ALGORITHM],
        audience: TOKEN_AUDIENCE,
        issuer: TOKEN_ISSUER,
        requiredClaims: ["exp", "sub", "sid"],
      });
      if (typeof payload.sub !== "string" || typeof payload.sid !== "string" || typeof payload.exp !== "number") return undefined;
      return { userId: payload.sub, sid: payload.sid, expiresAt: payload.exp * 1000 };
    } catch {
      return undefined;
    }
  }
}

/** Bot tokens are opaque: this prefix, then 32 random bytes in base64url. Only their hash is stored. */
export const BOT_TOKEN_PREFIX = "mesh_bot_";
const BOT_TOKEN = /^mesh_bot_[A-Za-z0-9_-]{43}$/;

export function isBotToken(token: unknown): token is string {
  return typeof token === "string" && BOT_TOKEN.test(token);
}

export function hashBotToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** A fresh bot token and the hash to store; the token is shown once and never kept. */
export function newBotToken(): { token: string; hash: string } {
  const token = BOT_TOKEN_PREFIX + randomBytes(32).toString("base64url");
  return { token, hash: hashBotToken(token) };
}
