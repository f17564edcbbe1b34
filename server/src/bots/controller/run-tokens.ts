import { randomUUID } from "node:crypto";
import type { MeshDatabase } from "@mesh/persistence";
import { newBotToken } from "../../auth/tokens.ts";

/** Sessions the controller mints for its runs; an owner's own bot tokens never start with this. */
const RUN_SESSION_PREFIX = "botrun:";

/**
 * The token a controller-run bot gets for one run: a bot-token session, revoked when the run ends
 * or the next run starts. The previous run's session is found by its id's prefix, so a server that
 * restarted (or crashed) still revokes the token its last run handed out.
 */
export class RunTokens {
  constructor(
    private readonly db: MeshDatabase,
    private readonly ttlMs: number,
  ) {}

  /** Revokes the bot's earlier run tokens and mints a new one. */
  mint(botId: string): { token: string; sessionId: string; revoked: string[] } {
    const { token, hash } = newBotToken();
    const sessionId = `${RUN_SESSION_PREFIX}${randomUUID()}`;
    const revoked = this.db.sqlite.transaction(() => {
      const ids = this.revokeAll(botId);
      this.db.sessions.create({ id: sessionId, userId: botId, expiresAt: Date.now() + this.ttlMs, tokenHash: hash });
      return ids;
    })();
    return { token, sessionId, revoked };
  }

  /** Revokes every run token of the bot; returns their session ids (to close their sockets). */
  revokeAll(botId: string): string[] {
    return this.db.sessions.revokeWithPrefix(botId, RUN_SESSION_PREFIX);
  }
}
