import { PROTOCOL_VERSION, TICK_HZ } from "@mesh/schema";
import { Router } from "express";
import type { Services } from "../../realtime/services.ts";
import { VERSION } from "../../version.ts";

export function healthRoutes(services: Services): Router {
  const router = Router();
  router.get("/api/health", (_req, res) => {
    // Unauthenticated: only public rooms count, or the numbers would tell who sits in private ones.
    const rooms = services.rooms.all().filter((room) => !services.db.rooms.get(room.meshRoomId)?.private);
    res.json({
      ok: true,
      version: VERSION,
      tickHz: TICK_HZ,
      protocol: PROTOCOL_VERSION,
      uptimeS: Math.round((Date.now() - services.startedAt) / 1000),
      rooms: rooms.length,
      online: rooms.reduce((sum, room) => sum + room.online(), 0),
    });
  });
  return router;
}
