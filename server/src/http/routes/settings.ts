import { ErrorCode } from "@mesh/schema";
import { Router } from "express";
import { z } from "zod";
import type { Services } from "../../realtime/services.ts";
import { actorOf, authOf, requirePermission, requireSession } from "../middleware.ts";
import { parseOr400, sendError } from "../respond.ts";

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
    // Every new account gets this role, so it must be one the changer could grant: below them, nothing they lack.
    const changer = actorOf(res).role;
    if (role.priority >= changer.priority) {
      return sendError(res, ErrorCode.Forbidden, `'${role.name}' is not below your own role '${changer.name}'`);
    }
    const beyond = role.permissions.filter((p) => !changer.permissions.includes(p));
    if (beyond.length) {
      return sendError(res, ErrorCode.Forbidden, `'${role.name}' holds permissions you lack: ${beyond.join(", ")}`);
    }
    db.settings.set("default_role", role.name);
    services.audit({ actorId: authOf(res).userId, action: "settings.update", target: "default_role", detail: body });
    res.json(current());
  });

  return router;
}
