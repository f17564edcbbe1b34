import {
  CloseCode,
  createRoomSchema,
  DEFAULT_ROOM_ID,
  DEFAULT_ROOM_SIZE,
  ErrorCode,
  historyQuerySchema,
  patchRoomSchema,
  restMessageSchema,
  type RoomData,
} from "@mesh/schema";
import { Router } from "express";
import { openRoom } from "../../realtime/open-room.ts";
import type { Services } from "../../realtime/services.ts";
import { actorOf, authOf, rateLimited, requirePermission, requireSession } from "../middleware.ts";
import { parseOr400, sendError, sendResult } from "../respond.ts";

export function roomRoutes(services: Services): Router {
  const { db, rooms, log } = services;
  const router = Router();
  const session = requireSession(services);
  const can = (permission: Parameters<typeof requirePermission>[1]) => requirePermission(services, permission);
  const withOnline = (room: RoomData) => ({ ...room, online: rooms.get(room.id)?.online() ?? 0 });

  router.get("/api/rooms", session, can("view_rooms"), (_req, res) => {
    res.json({ rooms: db.rooms.list().map(withOnline) });
  });

  router.post("/api/rooms", session, can("create_rooms"), async (req, res) => {
    const body = parseOr400(res, createRoomSchema, req.body);
    if (!body) return;
    const created = db.rooms.create({
      id: body.id,
      name: body.name,
      topic: body.topic ?? "",
      width: body.width ?? DEFAULT_ROOM_SIZE,
      depth: body.depth ?? DEFAULT_ROOM_SIZE,
      exits: body.exits ?? {},
      createdBy: authOf(res).userId,
      createdAt: Date.now(),
    });
    if (!created.ok) return sendResult(res, created);
    await openRoom(created.value.id);
    services.audit({ actorId: authOf(res).userId, action: "room.create", target: created.value.id });
    log.info({ room: created.value.id, by: authOf(res).userId }, "room created");
    res.status(201).json(withOnline(created.value));
  });

  router.get("/api/rooms/:id", session, can("view_rooms"), (req, res) => {
    const room = db.rooms.get(req.params.id as string);
    if (!room) return sendError(res, ErrorCode.NotFound, `no room '${req.params.id}'`);
    res.json(withOnline(room));
  });

  router.patch("/api/rooms/:id", session, can("manage_rooms"), (req, res) => {
    const body = parseOr400(res, patchRoomSchema, req.body);
    if (!body) return;
    const updated = db.rooms.update(req.params.id as string, body);
    if (!updated) return sendError(res, ErrorCode.NotFound, `no room '${req.params.id}'`);
    rooms.get(updated.id)?.roomChanged(updated);
    services.audit({ actorId: authOf(res).userId, action: "room.update", target: updated.id, detail: body });
    res.json(withOnline(updated));
  });

  router.delete("/api/rooms/:id", session, can("delete_rooms"), async (req, res) => {
    const id = req.params.id as string;
    if (id === DEFAULT_ROOM_ID) return sendError(res, ErrorCode.Conflict, `the default room '${id}' cannot be deleted`);
    if (!db.rooms.get(id)) return sendError(res, ErrorCode.NotFound, `no room '${id}'`);
    await rooms.get(id)?.shutdown(CloseCode.RoomDeleted, "room deleted");
    db.rooms.delete(id);
    services.audit({ actorId: authOf(res).userId, action: "room.delete", target: id });
    res.json({ ok: true });
  });

  router.get("/api/rooms/:id/stats", session, can("manage_rooms"), (req, res) => {
    const room = rooms.get(req.params.id as string);
    if (!room) return sendError(res, ErrorCode.NotFound, `no live room '${req.params.id}'`);
    res.json(room.stats(req.query.reset === "true"));
  });

  // The recent input log carries message text, so only the mesh's owner reads it.
  router.get("/api/rooms/:id/replay", session, can("manage_mesh"), (req, res) => {
    const room = rooms.get(req.params.id as string);
    if (!room) return sendError(res, ErrorCode.NotFound, `no live room '${req.params.id}'`);
    res.json(room.replayRecord());
  });

  router.get("/api/rooms/:id/messages", session, can("view_rooms"), (req, res) => {
    const id = req.params.id as string;
    if (!db.rooms.get(id)) return sendError(res, ErrorCode.NotFound, `no room '${id}'`);
    const query = parseOr400(res, historyQuerySchema, req.query);
    if (!query) return;
    const messages = db.messages.page(id, query);
    res.json({ messages, hasMore: messages.length === query.limit && (messages[0]?.seq ?? 1) > 1 });
  });

  router.post("/api/rooms/:id/messages", session, can("send_messages"), async (req, res) => {
    const id = req.params.id as string;
    const room = rooms.get(id);
    if (!room) return sendError(res, ErrorCode.NotFound, `no room '${id}'`);
    if (rateLimited(res, services.limits.inputs, actorOf(res).participant.id)) return;
    const body = parseOr400(res, restMessageSchema, req.body);
    if (!body) return;
    sendResult(res, await room.submitMessage(actorOf(res).participant.id, body), 201);
  });

  return router;
}
