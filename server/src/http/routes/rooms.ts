import {
  CloseCode,
  createRoomSchema,
  DEFAULT_ROOM_ID,
  DEFAULT_ROOM_SIZE,
  ErrorCode,
  HISTORY_PAGE_BYTES,
  historyQuerySchema,
  patchRoomSchema,
  type RoomData,
} from "@mesh/schema";
import { Router } from "express";
import { roomAccess, roomEntry } from "../../realtime/room-access.ts";
import { RoomUnavailableError } from "../../realtime/room-registry.ts";
import type { Services } from "../../realtime/services.ts";
import { actorOf, authOf, rateLimited, requirePermission, requireSession } from "../middleware.ts";
import { parseOr400, sendError, sendResult } from "../respond.ts";
import { visibleRooms } from "./conversation.ts";

export function roomRoutes(services: Services): Router {
  const { db, rooms, log } = services;
  const router = Router();
  const session = requireSession(services);
  const can = (permission: Parameters<typeof requirePermission>[1]) => requirePermission(services, permission);
  /** A room as the caller sees it: how many are in it, and only the exits that lead somewhere they may go. */
  const shown = (room: RoomData, viewerId: string) => ({
    ...room,
    exits: Object.fromEntries(Object.entries(room.exits).filter(([, to]) => roomAccess(services, viewerId, to).ok)),
    online: rooms.get(room.id)?.online() ?? 0,
  });
  /**
   * Exits lead to other rooms that exist and that the one making them may see: never into the room
   * itself, nowhere, or a private room they do not know (which must look as if it did not exist).
   */
  const badExit = (id: string, exits: Record<string, string> | undefined, makerId: string): string | undefined => {
    for (const [direction, to] of Object.entries(exits ?? {})) {
      if (to === id) return `exit '${direction}' leads back into '${id}' itself`;
      if (!roomAccess(services, makerId, to).ok) return `exit '${direction}' leads to '${to}', which does not exist`;
    }
    return undefined;
  };
  // Only rooms the caller may see (private ones need an invitation), with their unread counts.
  router.get("/api/rooms", session, can("view_rooms"), (_req, res) => {
    const me = authOf(res).userId;
    // Unread counts for every visible room: as costly as a search.
    if (rateLimited(res, services.limits.reads, me, 3)) return;
    const visible = visibleRooms(services, me);
    const unread = db.reads.unread(me, visible.map((room) => room.id));
    res.json({
      rooms: visible.map((room) => ({ ...shown(room, me), ...(unread.get(room.id) ?? { readSeq: 0, unread: 0, mentions: 0 }) })),
    });
  });

  router.post("/api/rooms", session, can("create_rooms"), (req, res) => {
    const creator = actorOf(res);
    if (rateLimited(res, services.limits.roomCreates, creator.participant.id)) return;
    const body = parseOr400(res, createRoomSchema, req.body);
    if (!body) return;
    const exitProblem = badExit(body.id, body.exits, creator.participant.id);
    if (exitProblem) return sendError(res, ErrorCode.BadInput, exitProblem);
    // The mesh's owner is not capped; everyone else owns at most MESH_ROOMS_PER_MEMBER rooms.
    const owned = db.rooms.countCreatedBy(creator.participant.id);
    if (!creator.role.permissions.includes("manage_mesh") && owned >= services.config.roomsPerMember) {
      return sendError(
        res,
        ErrorCode.Forbidden,
        `you have created ${owned} rooms, the most allowed on this mesh (${services.config.roomsPerMember}); delete one first`,
      );
    }
    const created = db.rooms.create({
      id: body.id,
      name: body.name,
      topic: body.topic ?? "",
      width: body.width ?? DEFAULT_ROOM_SIZE,
      depth: body.depth ?? DEFAULT_ROOM_SIZE,
      exits: body.exits ?? {},
      private: body.private ?? false,
      createdBy: authOf(res).userId,
      createdAt: Date.now(),
    });
    if (!created.ok) return sendResult(res, created);
    // A private room's creator is its first invitee: without it they could not see what they made.
    if (created.value.private) db.invites.invite(created.value.id, creator.participant.id, creator.participant.id, Date.now());
    // Not started here: a room runs from its first join or REST send.
    services.audit({ actorId: authOf(res).userId, action: "room.create", target: created.value.id });
    log.info({ room: created.value.id, by: authOf(res).userId }, "room created");
    res.status(201).json(shown(created.value, creator.participant.id));
  });

  router.get("/api/rooms/:id", session, (req, res) => {
    // One room is a read like a page of its history: the same allowance, not a free way round it.
    if (rateLimited(res, services.limits.reads, authOf(res).userId)) return;
    const access = roomAccess(services, authOf(res).userId, req.params.id as string);
    if (!access.ok) return sendResult(res, access);
    res.json(shown(access.value, authOf(res).userId));
  });

  router.patch("/api/rooms/:id", session, can("manage_rooms"), (req, res) => {
    const body = parseOr400(res, patchRoomSchema, req.body);
    if (!body) return;
    const exitProblem = badExit(req.params.id as string, body.exits, authOf(res).userId);
    if (exitProblem) return sendError(res, ErrorCode.BadInput, exitProblem);
    const updated = db.rooms.update(req.params.id as string, body);
    if (!updated) return sendError(res, ErrorCode.NotFound, `no room '${req.params.id}'`);
    rooms.get(updated.id)?.roomChanged(updated);
    services.audit({ actorId: authOf(res).userId, action: "room.update", target: updated.id, detail: body });
    res.json(shown(updated, authOf(res).userId));
  });

  router.delete("/api/rooms/:id", session, can("delete_rooms"), async (req, res) => {
    const id = req.params.id as string;
    if (id === DEFAULT_ROOM_ID) return sendError(res, ErrorCode.Conflict, `the default room '${id}' cannot be deleted`);
    if (!db.rooms.get(id)) return sendError(res, ErrorCode.NotFound, `no room '${id}'`);
    // No instance may start while the room goes: stop the live one, then remove what is stored.
    await rooms.closeFor(id, async () => {
      await rooms.get(id)?.shutdown(CloseCode.RoomDeleted, "room deleted");
      // Its files go with it, unless the same bytes were uploaded elsewhere too.
      for (const sha256 of db.uploads.deleteForRoom(id)) if (db.uploads.countBySha(sha256) === 0) services.uploads.remove(sha256);
      db.rooms.delete(id);
    });
    services.audit({ actorId: authOf(res).userId, action: "room.delete", target: id });
    res.json({ ok: true });
  });

  router.get("/api/rooms/:id/stats", session, can("manage_rooms"), (req, res) => {
    const room = rooms.get(req.params.id as string);
    if (!room) return sendError(res, ErrorCode.NotFound, `room '${req.params.id}' is not running (it starts on its first join)`);
    res.json(room.stats(req.query.reset === "true"));
  });

  // The recent input log carries message text, so only the mesh's owner reads it.
  router.get("/api/rooms/:id/replay", session, can("manage_mesh"), (req, res) => {
    const room = rooms.get(req.params.id as string);
    if (!room) return sendError(res, ErrorCode.NotFound, `room '${req.params.id}' is not running (it starts on its first join)`);
    res.json(room.replayRecord());
  });

  router.get("/api/rooms/:id/messages", session, (req, res) => {
    const id = req.params.id as string;
    // Reads are metered too, and each page is bounded in bytes: history of long messages must
    // not let one reader push hundreds of megabytes through the event loop the rooms tick on.
    if (rateLimited(res, services.limits.reads, authOf(res).userId)) return;
    const access = roomAccess(services, authOf(res).userId, id);
    if (!access.ok) return sendResult(res, access);
    const query = parseOr400(res, historyQuerySchema, req.query);
    if (!query) return;
    const { messages, cut } = db.messages.pageWithin(id, query, HISTORY_PAGE_BYTES);
    // Forward (after=) there may be more above a full page; backward, more below unless seq 1 came.
    const full = messages.length === query.limit;
    const more = query.after !== undefined ? full : full && (messages[0]?.seq ?? 1) > 1;
    res.json({ messages, hasMore: cut || more });
  });

  // The same edge as realtime (rate limit → validate → authorize → decide), inside the room.
  router.post("/api/rooms/:id/messages", session, async (req, res) => {
    const id = req.params.id as string;
    const userId = authOf(res).userId;
    // The socket's door, a kick's cooldown included.
    const refused = roomEntry(services, userId, id);
    if (!refused.ok) return sendResult(res, refused);
    // Starting a stopped room costs what a join costs: sends cannot keep hundreds of rooms running.
    if (!rooms.get(id) && rateLimited(res, services.limits.joins, userId)) return;
    let room: Awaited<ReturnType<typeof rooms.ensureOpen>>;
    try {
      room = await rooms.ensureOpen(id);
    } catch (error) {
      if (error instanceof RoomUnavailableError) return sendError(res, ErrorCode.NotFound, error.message);
      throw error;
    }
    // Asked again: a ban or lost invitation may have landed while the room started.
    const stillRefused = roomEntry(services, userId, id);
    if (!stillRefused.ok) return sendResult(res, stillRefused);
    sendResult(res, await room.submitMessage(userId, req.body), 201);
  });

  return router;
}
