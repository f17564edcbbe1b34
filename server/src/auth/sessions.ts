import { randomUUID } from "node:crypto";
import type { MeshDatabase } from "@mesh/persistence";
import type { TokenService } from "./tokens.ts";

/** A fresh login: its stored session's id (`sid`) and the JWT that speaks for it. */
export interface OpenedSession {
  sid: string;
  token: string;
}

/**
 * The one way a login becomes a session, for every front door (REST login and register, SSH):
 * a sessions row that expires with the token, and the token signed for it.
 */
export async function openSession(db: Pick<MeshDatabase, "sessions">, tokens: TokenService, userId: string): Promise<OpenedSession> {
  const sid = randomUUID();
  const now = Date.now();
  db.sessions.create({ id: sid, userId, expiresAt: now + tokens.ttlMs });
  return { sid, token: await tokens.sign({ userId, sid }, now) };
}
