import { auditQuerySchema } from "@mesh/schema";
import { Router } from "express";
import type { Services } from "../../realtime/services.ts";
import { requirePermission, requireSession } from "../middleware.ts";
import { parseOr400 } from "../respond.ts";

/** Reading the audit log, newest first, with an optional verification of the whole chain. */
export function auditRoutes(services: Services): Router {
  const { db } = services;
  const router = Router();
  const session = requireSession(services);

  router.get("/api/audit", session, requirePermission(services, "view_audit_log"), (req, res) => {
    const query = parseOr400(res, auditQuerySchema, req.query);
    if (!query) return;
    // Verifying walks the whole chain, so it is asked for, not done on every page.
    const verified = query.verify === "true" ? db.audit.verify() : undefined;
    res.json({ entries: db.audit.list({ limit: query.limit, before: query.before }), verified });
  });

  return router;
}
