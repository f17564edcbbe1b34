import {
  assignRoleSchema,
  CloseCode,
  createRoleSchema,
  ErrorCode,
  isPermission,
  type Permission,
} from "@mesh/schema";
import { Router } from "express";
import type { Services } from "../../realtime/services.ts";
import { actorOf, authOf, requirePermission, requireSession } from "../middleware.ts";
import { parseOr400, sendError } from "../respond.ts";

export function roleRoutes(services: Services): Router {
  const { db, gate, rooms, log } = services;
  const router = Router();
  const session = requireSession(services);

  router.get("/api/roles", session, requirePermission(services, "view_members"), (_req, res) => {
    res.json({ roles: gate.roles() });
  });

  router.post("/api/roles", session, requirePermission(services, "manage_roles"), (req, res) => {
    const body = parseOr400(res, createRoleSchema, req.body);
    if (!body) return;
    const creator = actorOf(res);
    const unknown = body.permissions.filter((p) => !isPermission(p));
    if (unknown.length) return sendError(res, ErrorCode.BadInput, `unknown permissions: ${unknown.join(", ")}`);
    const permissions = [...new Set(body.permissions)] as Permission[];
    // A custom role can never hold what its creator lacks, nor rank at or above them.
    const beyond = permissions.filter((p) => !creator.role.permissions.includes(p));
    if (beyond.length) {
      return sendError(res, ErrorCode.Forbidden, `you cannot grant permissions you lack: ${beyond.join(", ")}`);
    }
    if (body.priority >= creator.role.priority) {
      return sendError(res, ErrorCode.Forbidden, `priority must be below your own (${creator.role.priority})`);
    }
    if (gate.role(body.name)) return sendError(res, ErrorCode.Conflict, `role '${body.name}' already exists`);
    const created = db.roles.create({ name: body.name, priority: body.priority, permissions, createdBy: authOf(res).userId });
    if (!created.ok) return sendError(res, created.error.code, created.error.message);
    services.audit({ actorId: authOf(res).userId, action: "role.create", target: body.name, detail: { permissions } });
    res.status(201).json(created.value);
  });

  router.get("/api/participants", session, requirePermission(services, "view_members"), (_req, res) => {
    res.json({ participants: db.users.list() });
  });

  router.put("/api/participants/:id/role", session, requirePermission(services, "assign_roles"), (req, res) => {
    const body = parseOr400(res, assignRoleSchema, req.body);
    if (!body) return;
    const targetId = req.params.id as string;
    const over = gate.authorizeOver(authOf(res).userId, "assign_roles", targetId);
    if (!over.ok) return sendError(res, over.error.code, over.error.message);
    const role = gate.role(body.role);
    if (!role) return sendError(res, ErrorCode.NotFound, `no role '${body.role}'`);
    if (role.priority >= over.value.actor.role.priority) {
      return sendError(res, ErrorCode.Forbidden, `cannot grant '${role.name}': it is not below your own role`);
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

  router.get("/api/audit", session, requirePermission(services, "view_audit_log"), (req, res) => {
    const limit = Math.min(Math.max(Number(req.query.limit) || 100, 1), 1000);
    const before = req.query.before === undefined ? undefined : Number(req.query.before);
    // Verifying walks the whole chain, so it is asked for, not done on every page.
    const verified = req.query.verify === "true" ? db.audit.verify() : undefined;
    res.json({ entries: db.audit.list({ limit, before }), verified });
  });

  return router;
}
