import { ErrorCode } from "@mesh/schema";
import { Router } from "express";
import { z } from "zod";
import type { Services } from "../../realtime/services.ts";
import { actorOf, authOf, requirePermission, requireSession } from "../middleware.ts";
import { parseOr400, sendError, sendResult } from "../respond.ts";

const settingsSchema = z.strictObject({ defaultRole: z.string().min(1).max(32) });

/** Mesh-wide settings the owner may change at run time (SPEC §4: the default role). */
export function settingsRoutes(services: Services): Router {
  const { db, gate, config } = services;
  const router = Router();
  const session = requireSession(services);
  const current = () => ({ defaultRole: db.settings.get("default_role") ?? config.defaultRole });

  router.get("/api/settings", session, requirePermission(services, "manage_mesh"), (_req, res) => {
    res.json(current());
  });

  router.patch("/api/settings", session, requirePermission(services, "manage_mesh"), (req, res) => {
    const body = parseOr400(res, settingsSchema, req.body);
    if (!body) return;
    const role = gate.role(body.defaultRole);
    if (!role) return sendError(res, ErrorCode.NotFound, `no role '${body.defaultRole}'`);
    if (role.name === "owner") return sendError(res, ErrorCode.Forbidden, "new accounts cannot default to owner");
    // Every new account gets this role, so it must be one the changer could grant.
    const grantable = gate.canHandOn(actorOf(res), role);
    if (!grantable.ok) return sendResult(res, grantable);
    db.settings.set("default_role", role.name);
    services.audit({ actorId: authOf(res).userId, action: "settings.update", target: "default_role", detail: body });
    res.json(current());
  });

  return router;
}
