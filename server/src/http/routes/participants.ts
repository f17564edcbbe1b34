import { assignRoleSchema, CloseCode, ErrorCode } from "@mesh/schema";
import { Router } from "express";
import type { Services } from "../../realtime/services.ts";
import { authOf, requirePermission, requireSession } from "../middleware.ts";
import { parseOr400, sendError, sendResult } from "../respond.ts";

/** Listing participants and changing their role: only to a role below the assigner's that holds nothing they lack. */
export function participantRoutes(services: Services): Router {
  const { db, gate, rooms, log } = services;
  const router = Router();
  const session = requireSession(services);

  router.get("/api/participants", session, requirePermission(services, "view_members"), (_req, res) => {
    res.json({ participants: db.users.list() });
  });

  router.put("/api/participants/:id/role", session, requirePermission(services, "assign_roles"), (req, res) => {
    const body = parseOr400(res, assignRoleSchema, req.body);
    if (!body) return;
    const targetId = req.params.id as string;
    const over = gate.authorizeOver(authOf(res).userId, "assign_roles", targetId);
    if (!over.ok) return sendResult(res, over);
    const role = gate.role(body.role);
    if (!role) return sendError(res, ErrorCode.NotFound, `no role '${body.role}'`);
    const assigner = over.value.actor.role;
    if (role.priority >= assigner.priority) {
      return sendError(res, ErrorCode.Forbidden, `cannot grant '${role.name}': it is not below your own role`);
    }
    // Priority alone is not enough: an owner-made role may rank low yet hold what the assigner lacks.
    const beyond = role.permissions.filter((p) => !assigner.permissions.includes(p));
    if (beyond.length) {
      return sendError(res, ErrorCode.Forbidden, `cannot grant '${role.name}': it holds permissions you lack: ${beyond.join(", ")}`);
    }
    db.users.setRole(targetId, role.name);
    for (const room of rooms.all()) room.roleChanged(targetId, role.name);
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
