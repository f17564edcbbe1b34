import { Router } from "express";
import type { Services } from "../../realtime/services.ts";
import { requirePermission, requireSession } from "../middleware.ts";

/** Reading the audit log, newest first, with an optional verification of the whole chain. */
export function auditRoutes(services: Services): Router {
  const { db } = services;
  const router = Router();
  const session = requireSession(services);

  router.get("/api/audit", session, requirePermission(services, "view_audit_log"), (req, res) => {
    const limit = Math.min(Math.max(Number(req.query.limit) || 100, 1), 1000);
    const before = req.query.before === undefined ? undefined : Number(req.query.before);
    // Verifying walks the whole chain, so it is asked for, not done on every page.
    const verified = req.query.verify === "true" ? db.audit.verify() : undefined;
    res.json({ entries: db.audit.list({ limit, before }), verified });
  });

  return router;
}
