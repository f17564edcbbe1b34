import {
  createRoleSchema,
  ErrorCode,
  isPermission,
  type Permission,
} from "@mesh/schema";
import { Router } from "express";
import type { Services } from "../../realtime/services.ts";
import { actorOf, authOf, requirePermission, requireSession } from "../middleware.ts";
import { parseOr400, sendError, sendResult } from "../respond.ts";

/** The role table: built-in roles and custom ones, which never exceed their creator. */
export function roleRoutes(services: Services): Router {
  const { db, gate } = services;
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
    const allowed = gate.canHandOn(creator, { name: body.name, priority: body.priority, permissions });
    if (!allowed.ok) return sendResult(res, allowed);
    if (gate.role(body.name)) return sendError(res, ErrorCode.Conflict, `role '${body.name}' already exists`);
    const created = db.roles.create({ name: body.name, priority: body.priority, permissions, createdBy: authOf(res).userId });
    if (!created.ok) return sendResult(res, created);
    services.audit({ actorId: authOf(res).userId, action: "role.create", target: body.name, detail: { permissions } });
    res.status(201).json(created.value);
  });

  return router;
}
