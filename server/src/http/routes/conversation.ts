import { HISTORY_PAGE_BYTES, type RoomData } from "@mesh/schema";
import { type Request, type Response, Router } from "express";
import { z } from "zod";
import { roomAccess } from "../../realtime/room-access.ts";
import type { Services } from "../../realtime/services.ts";
import { authOf, rateLimited, requireSession, roomOf } from "../middleware.ts";
import { parseOr400, sendResult } from "../respond.ts";

const directQuery = z.object({
  before: z.coerce.number().int().min(1).optional(),
  after: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
const threadsQuery = z.object({
  before: z.coerce.number().finite().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
const searchQuery = z.object({
  q: z.string().min(1).max(500),
  room: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  // Only the newest 500 matches are ranked (persistence/src/search.ts): paging ends there.
  offset: z.coerce.number().int().min(0).max(500).default(0),
});
/** What a search or a thread listing spends from the reads allowance (a page of history spends 1). */
const EXPENSIVE_READ = 3;
/** At most this many not-yet-indexed messages a search indexes before it runs (the timer does the rest)… */
const SEARCH_CATCH_UP_ROWS = 2000;
/** …and at most this much text (long text costs a trigram per character): a flood's backlog waits for the timer. */
const SEARCH_CATCH_UP_CHARS = 64_000;
const readBody = z.strictObject({ seq: z.number().int().min(0).max(2 ** 32 - 1) });

/**
 * Reading a conversation over REST: DM history (the two participants only), threads, pins,
 * read markers and search. Every route asks roomAccess, so a private room, a ban or a role
 * without view_rooms closes all of them at once; every read spends from the reads allowance.
 */
export function conversationRoutes(services: Services): Router {
  const { db } = services;
  const router = Router();
  const session = requireSession(services);

  /** The room the caller may see, after the read allowance; answers and returns undefined otherwise. */
  const readable = (req: Request, res: Response, cost = 1): RoomData | undefined => roomOf(services, req, res, services.limits.reads, { cost });

  router.get("/api/rooms/:id/direct/:participantId", session, (req, res) => {
    const room = readable(req, res);
    if (!room) return;
    const query = parseOr400(res, directQuery, req.query);
    if (!query) return;
    const me = authOf(res).userId;
    const other = req.params.participantId as string;
    // Only ever the caller's own pair: there is no way to name someone else's conversation.
    const { messages, cut } = db.messages.pageDirect(room.id, me, other, query, HISTORY_PAGE_BYTES);
    const full = messages.length === query.limit;
    const more = query.after !== undefined ? full : full && (messages[0]?.seq ?? 1) > 1;
    res.json({ messages, hasMore: cut || more });
  });

  router.get("/api/rooms/:id/threads", session, (req, res) => {
    // Listing threads groups every reply of the room: it costs as much as several pages.
    const room = readable(req, res, EXPENSIVE_READ);
    if (!room) return;
    const query = parseOr400(res, threadsQuery, req.query);
    if (!query) return;
    res.json({ threads: db.messages.threads(room.id, query) });
  });

  router.get("/api/rooms/:id/pins", session, (req, res) => {
    const room = readable(req, res);
    if (!room) return;
    // Pins are few, but a page is bounded in bytes like history all the same.
    const pins = db.messages.pins(room.id);
    const page: typeof pins = [];
    let bytes = 0;
    for (const pin of pins) {
      bytes += Buffer.byteLength(pin.text, "utf8");
      if (page.length > 0 && bytes > HISTORY_PAGE_BYTES) break;
      page.push(pin);
    }
    res.json({ messages: page, hasMore: page.length < pins.length });
  });

  router.post("/api/rooms/:id/read", session, (req, res) => {
    const room = readable(req, res);
    if (!room) return;
    const body = parseOr400(res, readBody, req.body);
    if (!body) return;
    // Never past what exists: a marker from the future would hide the next messages as read.
    const seq = Math.min(body.seq, db.messages.maxSeq(room.id));
    res.json({ readSeq: db.reads.markRead(room.id, authOf(res).userId, seq, Date.now()) });
  });

  router.get("/api/search", session, (req, res) => {
    const me = authOf(res).userId;
    // A search scores up to 500 matches: it costs as much as several pages of history.
    if (rateLimited(res, services.limits.reads, me, EXPENSIVE_READ)) return;
    const query = parseOr400(res, searchQuery, req.query);
    if (!query) return;
    if (query.room !== undefined) {
      const access = roomAccess(services, me, query.room);
      if (!access.ok) return sendResult(res, access);
    }
    const roomIds = visibleRooms(services, me).map((room) => room.id);
    // Whatever was stored before this search is found by it: the index catches up first.
    services.db.search.indexPending(SEARCH_CATCH_UP_ROWS, SEARCH_CATCH_UP_CHARS);
    const hits = services.db.search.search(query.q, { participantId: me, roomIds, room: query.room, limit: query.limit, offset: query.offset });
    if (!hits.ok) return sendResult(res, hits);
    res.json({ results: hits.value });
  });

  return router;
}

/**
 * Every room the participant may see now: roomAccess's rules for all rooms at once, in three
 * queries instead of three per room (private ones only when invited or managing rooms; no bans).
 * The gate holds no per-room grants yet; when it does, this must ask it per room again.
 */
export function visibleRooms(services: Pick<Services, "db" | "gate">, userId: string): RoomData[] {
  const { db, gate } = services;
  if (!gate.authorize(userId, "view_rooms").ok) return [];
  const manages = gate.authorize(userId, "manage_rooms").ok;
  const invited = new Set(db.invites.roomsOf(userId));
  const banned = new Set(db.sanctions.roomsWith(userId, "ban", Date.now()));
  return db.rooms.list().filter((room) => (!room.private || manages || invited.has(room.id)) && !banned.has(room.id));
}
