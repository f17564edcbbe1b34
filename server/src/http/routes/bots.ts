import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import type { BotRecord } from "@mesh/persistence";
import { type BotInfo, CloseCode, ErrorCode, type ParticipantData, roomIdSchema, usernameSchema } from "@mesh/schema";
import { type Request, type Response, Router } from "express";
import { z } from "zod";
import { newBotToken } from "../../auth/tokens.ts";
import { isPrivateAddress } from "../../bots/bridge.ts";
import { REFERENCE_BOT_NAMES } from "../../bots/programs.ts";
import { skillFor } from "../../bots/skill.ts";
import type { Actor } from "../../gate/authorize.ts";
import { roomAccess } from "../../realtime/room-access.ts";
import type { Services } from "../../realtime/services.ts";
import { authOf, rateLimited, requireSession } from "../middleware.ts";
import { parseOr400, sendError, sendResult } from "../respond.ts";

/** A bot token authenticates until revoked or rotated; ten years stands in for "no expiry". */
export const BOT_TOKEN_TTL_MS = 10 * 365 * 24 * 3600 * 1000;

const webhookUrl = z
  .string()
  .max(2048)
  .refine((raw) => {
    try {
      const url = new URL(raw);
      return (url.protocol === "http:" || url.protocol === "https:") && url.username === "" && url.password === "";
    } catch {
      return false;
    }
  }, "must be an http(s) URL without credentials");

const createBotBody = z
  .strictObject({
    name: usernameSchema,
    role: z.string().min(1).max(32).optional(),
    mode: z.enum(["channel", "bridge", "polling"]).optional(),
    /** A reference bot the controller can run for you (or a program of MESH_BOT_PROGRAMS_DIR); omit to bring your own. */
    program: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, "a program's plain name, like orderly").optional(),
    webhookUrl: webhookUrl.optional(),
    rooms: z.array(roomIdSchema).min(1).max(16).optional(),
  })
  .refine((b) => (b.mode === "bridge") === (b.webhookUrl !== undefined), {
    message: "a bridge bot needs a webhookUrl, and only a bridge bot has one",
    path: ["webhookUrl"],
  })
  .refine((b) => b.program === undefined || (b.mode ?? "channel") === "channel", {
    message: "a reference program runs as a channel bot",
    path: ["program"],
  });

/** The reference bots, or with MESH_BOT_PROGRAMS_DIR set, the programs in that folder. */
function programExists(programsDir: string, program: string): boolean {
  if (!programsDir) return (REFERENCE_BOT_NAMES as readonly string[]).includes(program);
  return fs.existsSync(path.join(programsDir, `${program}.ts`));
}

const inputBody = z.strictObject({ type: z.string().min(1).max(64), payload: z.unknown() });

/** A bot as its owner sees it (never its token or webhook secret): the schema's BotInfo. */
export type BotView = BotInfo;

/**
 * Bots (SPEC §4, issue 8): register one you own (spawn_bots), list, rotate or revoke its token,
 * delete it. Managing a bot needs manage_own_bots for your own, manage_all_bots for anyone's.
 */
export function botRoutes(services: Services): Router {
  const { db, gate } = services;
  const router = Router();
  const session = requireSession(services);

  const viewOf = (record: BotRecord): BotView | undefined => {
    const user = db.users.get(record.id);
    if (!user) return undefined;
    const { id, name, role, ownerId, createdAt } = user;
    return { id, name, role, ownerId, mode: record.mode, program: record.program, webhookUrl: record.webhookUrl, rooms: record.rooms, running: record.running, status: services.controller.status(id), createdAt };
  };

  /** The bot named by `:id`, if the caller may manage it; answers 404/403 otherwise. */
  const managed = (req: Request, res: Response, { ownerAlways = false } = {}): { actor: Actor; record: BotRecord } | undefined => {
    const me = authOf(res).userId;
    if (rateLimited(res, services.limits.inputs, me)) return undefined;
    const record = db.bots.get(req.params.id as string);
    if (record && record.ownerId !== me) {
      // manage_all_bots reaches the bots of those who rank below you (or whose owner is gone):
      // rotating hands out the bot's credential, and with it the rank its owner lends it.
      const over = gate.manageBotsOf(me, record.ownerId);
      if (over.ok) return { actor: over.value, record };
      if (over.error.code === ErrorCode.Forbidden && gate.authorize(me, "manage_all_bots").ok) {
        sendResult(res, over);
        return undefined;
      }
    }
    // Someone else's bot is as unknown as a bot that does not exist.
    if (!record || record.ownerId !== me) {
      sendError(res, ErrorCode.NotFound, `no bot '${String(req.params.id).slice(0, 64)}' of yours`);
      return undefined;
    }
    const own = gate.authorize(me, "manage_own_bots");
    // Stopping one's own bot needs no permission: a demoted owner must still be able to call it off.
    const self = ownerAlways && !own.ok ? gate.actor(me) : undefined;
    if (self) return { actor: self, record };
    if (!own.ok) {
      sendResult(res, own);
      return undefined;
    }
    return { actor: own.value, record };
  };


  const baseUrlOf = (req: Request): string => `${req.protocol}://${req.get("host") ?? `localhost:${services.config.port}`}`;

  /** A fresh token for the bot (a session kept only as its hash). */
  const mintToken = (botId: string): string => {
    const { token, hash } = newBotToken();
    db.sessions.create({ id: randomUUID(), userId: botId, expiresAt: Date.now() + BOT_TOKEN_TTL_MS, tokenHash: hash });
    return token;
  };

  /** Every token of the bot stops working now, and its sockets close. */
  const revokeAll = (botId: string): number => {
    db.sessions.revokeAllForUser(botId);
    return services.connections.closeUser(botId, CloseCode.SessionRevoked, "bot token revoked");
  };

  router.post("/api/bots", session, async (req, res) => {
    const me = authOf(res).userId;
    if (rateLimited(res, services.limits.roomCreates, me)) return;
    const allowed = gate.authorize(me, "spawn_bots");
    if (!allowed.ok) return sendResult(res, allowed);
    const owner = allowed.value;
    if (owner.participant.kind !== "human") return sendError(res, ErrorCode.Forbidden, "bots cannot own bots");
    const body = parseOr400(res, createBotBody, req.body);
    if (!body) return;
    const roleName = body.role ?? "agent";
    const role = gate.role(roleName);
    if (!role) return sendError(res, ErrorCode.NotFound, `no role '${roleName}'`);
    // Below the owner's rank. Its permissions may name more than the owner holds (the built-in
    // agent holds lock_threads, a member does not): the gate gives a bot only role ∩ owner's role.
    if (role.priority >= owner.role.priority) {
      return sendError(res, ErrorCode.Forbidden, `a bot's role must rank below yours: '${role.name}' (${role.priority}) is not below '${owner.role.name}' (${owner.role.priority})`);
    }
    const owned = db.bots.countOf(me);
    if (!owner.role.permissions.includes("manage_mesh") && owned >= services.config.botsPerMember) {
      return sendError(res, ErrorCode.Forbidden, `you own ${owned} bots, the most allowed on this mesh (${services.config.botsPerMember}); delete one first`);
    }
    // A room the owner may not see is as unknown as one that does not exist.
    for (const roomId of body.rooms ?? []) if (!roomAccess(services, me, roomId).ok) return sendError(res, ErrorCode.NotFound, `no room '${roomId}'`);
    if (body.program !== undefined && !programExists(services.config.botProgramsDir, body.program)) {
      return sendError(res, ErrorCode.NotFound, `no program '${body.program}'; the reference bots are ${REFERENCE_BOT_NAMES.join(", ")}`);
    }
    // A webhook to a private address literal could never be delivered here: say so now, not
    // after eight failed tries (names are resolved, and checked, at delivery).
    if (body.webhookUrl !== undefined && !services.config.webhookPrivate) {
      const literal = new URL(body.webhookUrl).hostname.replace(/^\[|\]$/g, "");
      if (net.isIP(literal) && isPrivateAddress(literal)) {
        return sendError(res, ErrorCode.BadInput, `webhookUrl: ${literal} is a private address, and this mesh sends no requests into its own network (MESH_WEBHOOK_PRIVATE=false)`);
      }
    }
    const mode = body.mode ?? "channel";
    const webhookSecret = mode === "bridge" ? randomBytes(32).toString("base64url") : "";
    const create = db.sqlite.transaction(() => {
      // A bot never logs in with a password: "!" is no argon2 hash, so every password fails.
      const user = db.users.create({ id: randomUUID(), username: body.name, passwordHash: "!", kind: "bot", role: roleName, ownerId: me });
      if (!user.ok) return user;
      const record = db.bots.create({
        id: user.value.id,
        ownerId: me,
        mode,
        program: body.program ?? "",
        webhookUrl: body.webhookUrl ?? "",
        webhookSecret,
        rooms: body.rooms ?? ["lobby"],
      });
      return { ok: true as const, value: { user: user.value, record, token: mintToken(user.value.id) } };
    });
    const created = create();
    if (!created.ok) return sendResult(res, created);
    const { user, record, token } = created.value;
    services.audit({ actorId: me, action: "bot.create", target: user.id, detail: { name: user.name, role: roleName, mode, program: record.program } });
    res.status(201).json({
      bot: viewOf(record),
      token,
      ...(webhookSecret ? { webhookSecret } : {}),
      skill: skillFor({ baseUrl: baseUrlOf(req), bot: user, record, permissions: gate.actor(user.id)?.role.permissions ?? [] }),
    });
  });

  router.get("/api/bots", session, (req, res) => {
    const me = authOf(res).userId;
    if (rateLimited(res, services.limits.reads, me)) return;
    const all = req.query.all === "true";
    const allowed = gate.authorize(me, all ? "manage_all_bots" : "spawn_bots");
    // Anyone may list their own bots, even after losing spawn_bots.
    if (all && !allowed.ok) return sendResult(res, allowed);
    // Every bot means every bot one may manage: one's own, and those whose owner ranks below.
    const mayManage = new Map<string, boolean>([[me, true]]);
    const manageable = (ownerId: string): boolean => {
      if (!mayManage.has(ownerId)) mayManage.set(ownerId, gate.manageBotsOf(me, ownerId).ok);
      return mayManage.get(ownerId) === true;
    };
    const records = all ? db.bots.list().filter((record) => manageable(record.ownerId)) : db.bots.ofOwner(me);
    res.json({ bots: records.map(viewOf).filter((b) => b !== undefined) });
  });

  router.get("/api/bots/:id", session, (req, res) => {
    const found = managed(req, res);
    if (!found) return;
    res.json({ bot: viewOf(found.record) });
  });

  router.get("/api/bots/:id/skill.md", session, (req, res) => {
    const found = managed(req, res);
    if (!found) return;
    const bot = db.users.get(found.record.id) as ParticipantData;
    res.type("text/markdown; charset=utf-8").send(skillFor({ baseUrl: baseUrlOf(req), bot, record: found.record, permissions: gate.actor(bot.id)?.role.permissions ?? [] }));
  });

  // Rotate: the old token (and every socket it opened) stops, a new one is shown once; a bridge
  // bot's webhook secret is replaced with it (whoever held the old credentials held both).
  router.post("/api/bots/:id/token", session, (req, res) => {
    const found = managed(req, res);
    if (!found) return;
    const { record } = found;
    const botId = record.id;
    const closed = revokeAll(botId);
    const token = mintToken(botId);
    const webhookSecret = record.mode === "bridge" ? randomBytes(32).toString("base64url") : undefined;
    if (webhookSecret) db.bots.update(botId, { mode: record.mode, webhookUrl: record.webhookUrl, webhookSecret, rooms: record.rooms });
    services.audit({ actorId: authOf(res).userId, action: "bot.token.rotate", target: botId, detail: { sockets: closed, webhookSecret: webhookSecret !== undefined } });
    res.status(201).json({ token, ...(webhookSecret ? { webhookSecret } : {}), closedSockets: closed });
  });

  // Revoke: no token of this bot works any more until a rotate makes a new one. A bot the
  // controller runs is stopped too: otherwise its next restart would mint itself a new token.
  router.delete("/api/bots/:id/token", session, async (req, res) => {
    const found = managed(req, res);
    if (!found) return;
    const botId = found.record.id;
    if (found.record.running) await services.controller.stop(botId);
    const closed = revokeAll(botId);
    services.audit({ actorId: authOf(res).userId, action: "bot.token.revoke", target: botId, detail: { sockets: closed } });
    res.json({ ok: true, closedSockets: closed });
  });

  // Start and stop: a reference program runs under the controller; a bridge or polling bot is
  // present in its rooms without a socket while started. Either way it comes back after a restart.
  router.post("/api/bots/:id/start", session, async (req, res) => {
    const found = managed(req, res);
    if (!found) return;
    const started = await services.controller.start(found.record.id);
    if (!started.ok) return sendResult(res, started);
    services.audit({ actorId: authOf(res).userId, action: "bot.start", target: found.record.id, detail: { state: started.value.state } });
    res.json({ status: started.value });
  });

  router.post("/api/bots/:id/stop", session, async (req, res) => {
    const found = managed(req, res, { ownerAlways: true });
    if (!found) return;
    const stopped = await services.controller.stop(found.record.id);
    if (!stopped.ok) return sendResult(res, stopped);
    services.audit({ actorId: authOf(res).userId, action: "bot.stop", target: found.record.id, detail: {} });
    res.json({ status: stopped.value });
  });

  router.get("/api/bots/:id/logs", session, (req, res) => {
    const found = managed(req, res);
    if (!found) return;
    const limit = Math.min(1000, Math.max(1, Number(req.query.limit) || 200));
    res.json({ status: services.controller.status(found.record.id), logs: services.controller.logs(found.record.id, limit) });
  });

  // Any client message over REST, through the same edge as realtime (rate limit → validate →
  // authorize → decide): how a socketless bot reports on orders, moves or reacts.
  router.post("/api/rooms/:id/input", session, (req, res) => {
    const me = authOf(res).userId;
    const body = parseOr400(res, inputBody, req.body);
    if (!body) return;
    const access = roomAccess(services, me, req.params.id as string);
    if (!access.ok) return sendResult(res, access);
    const room = services.rooms.get(access.value.id);
    if (!room) return sendError(res, ErrorCode.NotFound, `join room '${access.value.id}' first (a socket, or start your bot)`);
    const accepted = room.input(me, body.type, body.payload);
    if (!accepted.ok) return sendResult(res, accepted);
    res.status(202).json({ ok: true });
  });

  router.delete("/api/bots/:id", session, async (req, res) => {
    const found = managed(req, res);
    if (!found) return;
    const botId = found.record.id;
    await services.controller.stop(botId);
    const closed = revokeAll(botId);
    db.users.delete(botId);
    services.audit({ actorId: authOf(res).userId, action: "bot.delete", target: botId, detail: { sockets: closed } });
    res.json({ ok: true });
  });

  return router;
}
