import { randomUUID } from "node:crypto";
import { CloseCode, credentialsSchema, ErrorCode, type ParticipantData } from "@mesh/schema";
import { Router } from "express";
import { DUMMY_HASH, hashPassword, verifyPassword } from "../../auth/passwords.ts";
import { openSession } from "../../auth/sessions.ts";
import type { Services } from "../../realtime/services.ts";
import { authOf, limitByAddress, requireSession } from "../middleware.ts";
import { parseOr400, sendError, sendResult } from "../respond.ts";

interface SessionBody {
  token: string;
  participant: ParticipantData;
}

export function authRoutes(services: Services): Router {
  const { db, tokens, log } = services;
  const router = Router();
  const limit = limitByAddress(services.limits.auth);

  const sessionBody = async (participant: ParticipantData): Promise<SessionBody> => ({
    token: (await openSession(db, tokens, participant.id)).token,
    participant,
  });

  router.post("/api/auth/register", limit, async (req, res) => {
    const body = parseOr400(res, credentialsSchema, req.body);
    if (!body) return;
    const passwordHash = await hashPassword(body.password);
    // Synchronous from count() to create(): no other request can slip in between.
    const role = db.users.count() === 0 ? "owner" : (db.settings.get("default_role") ?? services.config.defaultRole);
    const created = db.users.create({ id: randomUUID(), username: body.username, passwordHash, kind: "human", role });
    if (!created.ok) return sendResult(res, created);
    services.audit({ actorId: created.value.id, action: "register", target: created.value.id, detail: { role } });
    log.info({ participant: created.value.id, role }, "account registered");
    res.status(201).json(await sessionBody(created.value));
  });

  router.post("/api/auth/login", limit, async (req, res) => {
    const body = parseOr400(res, credentialsSchema, req.body);
    if (!body) return;
    const account = db.users.findByUsername(body.username);
    const valid = await verifyPassword(account?.passwordHash ?? (await DUMMY_HASH), body.password);
    if (!account || !valid) {
      services.audit({ actorId: account?.id ?? "", action: "login.failed", target: body.username, detail: { ip: req.ip } });
      return sendError(res, ErrorCode.Unauthorized, "wrong username or password");
    }
    const { passwordHash: _hidden, ...participant } = account;
    services.audit({ actorId: participant.id, action: "login", target: participant.id, detail: { ip: req.ip } });
    res.json(await sessionBody(participant));
  });

  router.post("/api/auth/logout", requireSession(services), (_req, res) => {
    const { sid, userId } = authOf(res);
    db.sessions.revoke(sid);
    const closed = services.connections.closeSession(sid, CloseCode.SessionRevoked, "logged out");
    services.audit({ actorId: userId, action: "logout", target: userId, detail: { sockets: closed } });
    res.json({ ok: true, closedSockets: closed });
  });

  router.get("/api/me", requireSession(services), (_req, res) => {
    const actor = services.gate.actor(authOf(res).userId);
    if (!actor) return sendError(res, ErrorCode.NotFound, "this account no longer exists");
    res.json({ participant: actor.participant, permissions: actor.role.permissions, priority: actor.role.priority });
  });

  return router;
}
