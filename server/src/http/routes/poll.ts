import type { BotEventRecord } from "@mesh/persistence";
import { type BotEvent, ErrorCode } from "@mesh/schema";
import { Router } from "express";
import { z } from "zod";
import type { Services } from "../../realtime/services.ts";
import { authOf, rateLimited, requireSession } from "../middleware.ts";
import { parseOr400, sendError, sendResult } from "../respond.ts";

const pollBody = z.strictObject({
  /** The last event id seen; omitted: from the oldest event kept. */
  cursor: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  limit: z.number().int().min(1).max(500).optional(),
  /** Seconds to wait for a first event when none is there (long-poll); 0 answers at once. */
  waitS: z.number().min(0).max(25).optional(),
});

const deadQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).optional() });

/** A webhook delivery that gave up: the event, how often it was tried, and the last failure. */
export interface DeadLetter extends BotEvent {
  attempts: number;
  error: string;
}

const deadLetterOf = ({ id, type, roomId, at, data, attempts, lastError }: BotEventRecord): DeadLetter =>
  ({ id, type, roomId, at, data, attempts, error: lastError });

/**
 * Bots without a socket. `POST /api/poll` (a polling or bridge bot's own token): the events after
 * a cursor, oldest first, waiting up to 25 s for one when there are none. `GET
 * /api/bots/:id/events/dead`: the webhook deliveries that gave up, for the bot's owner.
 */
export function pollRoutes(services: Services): Router {
  const { db, gate } = services;
  const router = Router();
  const session = requireSession(services);

  router.post("/api/poll", session, async (req, res) => {
    const me = authOf(res).userId;
    if (rateLimited(res, services.limits.reads, me)) return;
    const record = db.bots.get(me);
    const mode = record?.mode;
    if (mode === undefined) {
      return sendError(res, ErrorCode.Forbidden, "only bots poll (register one with POST /api/bots, mode polling); people follow rooms over the socket");
    }
    if (mode === "channel") {
      return sendError(res, ErrorCode.Forbidden, "a channel bot hears its rooms over its socket; polling is for bots in mode polling or bridge");
    }
    const allowed = gate.authorize(me, "view_rooms");
    if (!allowed.ok) return sendResult(res, allowed);
    const body = parseOr400(res, pollBody, req.body ?? {});
    if (!body) return;
    // A cursor no answer ever gave would silently skip every event until the ids caught up.
    if ((body.cursor ?? 0) > db.botEvents.newestId()) {
      return sendError(res, ErrorCode.BadInput, "cursor: ahead of every event this mesh has recorded; pass back a cursor an answer gave (0 to start)");
    }
    // The client going away releases its place among the waiting polls.
    const gone = new AbortController();
    res.on("close", () => gone.abort());
    const answer = await services.botEvents.poll(me, body.cursor ?? 0, {
      limit: body.limit ?? 100,
      // A stopped bot hears nothing new: it may read what it missed, but it does not wait.
      waitMs: record?.running ? (body.waitS ?? 0) * 1000 : 0,
      signal: gone.signal,
      ownerId: record?.ownerId,
    });
    if (gone.signal.aborted) return;
    // The token may have been rotated or revoked while the poll waited: nothing for it then.
    if (!db.sessions.isActive(authOf(res).sid, Date.now())) return sendError(res, ErrorCode.Unauthorized, "invalid, expired or revoked token: log in again");
    sendResult(res, answer);
  });

  router.get("/api/bots/:id/events/dead", session, (req, res) => {
    const me = authOf(res).userId;
    if (rateLimited(res, services.limits.reads, me)) return;
    const query = parseOr400(res, deadQuery, req.query);
    if (!query) return;
    const bot = db.bots.get(req.params.id as string);
    const allowed = bot?.ownerId === me ? gate.authorize(me, "manage_own_bots") : gate.manageBotsOf(me, bot?.ownerId ?? "");
    // Someone else's bot is as unknown as one that does not exist.
    if (!bot || (!allowed.ok && bot.ownerId !== me)) {
      return sendError(res, ErrorCode.NotFound, `no bot '${String(req.params.id).slice(0, 64)}' of yours`);
    }
    if (!allowed.ok) return sendResult(res, allowed);
    res.json({
      events: db.botEvents.deadLetters(bot.id, query.limit ?? 100).map(deadLetterOf),
      pending: db.botEvents.pendingCount(bot.id),
    });
  });

  return router;
}
