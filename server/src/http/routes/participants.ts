import { assignRoleSchema, CloseCode, ErrorCode, type PresenceStatus } from "@mesh/schema";
import { Router } from "express";
import { roomAccess } from "../../realtime/room-access.ts";
import type { Services } from "../../realtime/services.ts";
import { authOf, rateLimited, requirePermission, requireSession } from "../middleware.ts";
import { parseOr400, sendError, sendResult } from "../respond.ts";

/** Listing participants and changing their role: only to a role below the assigner's that holds nothing they lack. */
export function participantRoutes(services: Services): Router {
  const { db, gate, rooms, log } = services;
  const router = Router();
  const session = requireSession(services);

  router.get("/api/participants", session, requirePermission(services, "view_members"), (_req, res) => {
    // Only the rooms the caller may see: presence must not reveal a private room or who is in it.
    const me = authOf(res).userId;
    // Every member and every running room's presence, polled by each open start page: as costly as
    // the room list, and metered like it, or a script could ask for the whole table without end.
    if (rateLimited(res, services.limits.reads, me, 3)) return;
    // Presence across running rooms: the liveliest status wins, and the rooms say where.
    const rank = { offline: 1, away: 2, online: 3 } as const;
    const where = new Map<string, { status: PresenceStatus; rooms: string[]; clients: string[] }>();
    for (const room of rooms.all()) {
      if (!roomAccess(services, me, room.meshRoomId).ok) continue;
      for (const { id, status, clients } of room.whoIsHere()) {
        const seen = where.get(id) ?? { status, rooms: [], clients: [] };
        if (rank[status] > rank[seen.status]) seen.status = status;
        seen.rooms.push(room.meshRoomId);
        for (const kind of clients) if (!seen.clients.includes(kind)) seen.clients.push(kind);
        where.set(id, seen);
      }
    }
    res.json({
      participants: db.users.list().map((p) => ({ ...p, ...(where.get(p.id) ?? { status: "offline", rooms: [], clients: [] }) })),
    });
  });

  router.put("/api/participants/:id/role", session, requirePermission(services, "assign_roles"), (req, res) => {
    const body = parseOr400(res, assignRoleSchema, req.body);
    if (!body) return;
    const targetId = req.params.id as string;
    const over = gate.authorizeOver(authOf(res).userId, "assign_roles", targetId);
    if (!over.ok) return sendResult(res, over);
    const role = gate.role(body.role);
    if (!role) return sendError(res, ErrorCode.NotFound, `no role '${body.role}'`);
    const grantable = gate.canHandOn(over.value.actor, role);
    if (!grantable.ok) return sendResult(res, grantable);
    db.users.setRole(targetId, role.name);
    for (const room of rooms.all()) {
      room.roleChanged(targetId, role.name);
      // A role that no longer admits them to a room (manage_rooms lost in a private one, say) ends their stay there.
      room.recheckAccess("your role no longer admits you to this room");
    }
    // Watching a room is use too: a role without view_rooms stops receiving it now.
    if (!role.permissions.includes("view_rooms")) {
      services.connections.closeUser(targetId, CloseCode.AccessRevoked, "your role no longer allows viewing rooms");
    }
    services.audit({
      actorId: authOf(res).userId,
      action: "role.assign",
      target: targetId,
      detail: { from: over.value.target.role.name, to: role.name },
    });
    log.info({ target: targetId, role: role.name }, "role changed");
    res.json({ participant: db.users.get(targetId) });
  });

  return router;
}
