import { CloseCode, ErrorCode } from "@mesh/schema";
import { type Request, type Response, Router } from "express";
import { z } from "zod";
import { impose, lift } from "../../realtime/moderation.ts";
import { roomAccess } from "../../realtime/room-access.ts";
import type { Services } from "../../realtime/services.ts";
import { authOf, requireSession, roomOf } from "../middleware.ts";
import { parseOr400, sendError, sendResult } from "../respond.ts";

const banBody = z.strictObject({
  participantId: z.string().min(1).max(128),
  // 0 would lift: that is DELETE's job here. At most ten years.
  seconds: z.number().int().min(1).max(10 * 365 * 24 * 3600),
});
const inviteBody = z.strictObject({ participantId: z.string().min(1).max(128) });

/**
 * Who may be in a room: bans (ban_members, over lower ranks only; the same store and rules as the
 * realtime `ban`) and invitations to private rooms (invite_to_rooms).
 */
export function roomMemberRoutes(services: Services): Router {
  const { db, gate } = services;
  const router = Router();
  const session = requireSession(services);

  /** The room, if the caller can see it and holds `permission` there; answers otherwise. */
  const managed = (req: Request, res: Response, permission: "ban_members" | "invite_to_rooms"): string | undefined =>
    // Writes are inputs and reads are reads: each spends from its allowance like any other.
    roomOf(services, req, res, req.method === "GET" ? services.limits.reads : services.limits.inputs, { permission })?.id;

  router.get("/api/rooms/:id/bans", session, (req, res) => {
    const roomId = managed(req, res, "ban_members");
    if (!roomId) return;
    res.json({ bans: db.sanctions.list(roomId, "ban", Date.now()) });
  });

  router.post("/api/rooms/:id/bans", session, (req, res) => {
    const roomId = managed(req, res, "ban_members");
    if (!roomId) return;
    const body = parseOr400(res, banBody, req.body);
    if (!body) return;
    const me = authOf(res).userId;
    const over = gate.authorizeOver(me, "ban_members", body.participantId, { roomId });
    if (!over.ok) return sendResult(res, over);
    impose(services, "ban", roomId, me, body.participantId, body.seconds, Date.now());
    // Banned now: out of the room, its reconnection window included.
    services.rooms.get(roomId)?.removeParticipant(body.participantId, CloseCode.Banned, `banned by ${me}`);
    res.status(201).json({ ban: db.sanctions.active(roomId, body.participantId, "ban", Date.now()) });
  });

  router.delete("/api/rooms/:id/bans/:participantId", session, (req, res) => {
    const roomId = managed(req, res, "ban_members");
    if (!roomId) return;
    const lifted = lift(services, "ban", roomId, authOf(res).userId, req.params.participantId as string, Date.now());
    if (!lifted.ok) return sendResult(res, lifted);
    res.json({ ok: true });
  });

  router.get("/api/rooms/:id/invites", session, (req, res) => {
    const roomId = managed(req, res, "invite_to_rooms");
    if (!roomId) return;
    res.json({ participants: db.invites.invitees(roomId) });
  });

  router.post("/api/rooms/:id/invites", session, (req, res) => {
    const roomId = managed(req, res, "invite_to_rooms");
    if (!roomId) return;
    const body = parseOr400(res, inviteBody, req.body);
    if (!body) return;
    if (!db.users.get(body.participantId)) return sendError(res, ErrorCode.NotFound, `no participant '${body.participantId}'`);
    const me = authOf(res).userId;
    // Inviting again changes nothing, and writes nothing to the (append-only) audit log.
    if (!db.invites.invite(roomId, body.participantId, me, Date.now())) return res.json({ ok: true, already: true });
    services.audit({ actorId: me, action: "room.invite", target: body.participantId, detail: { room: roomId } });
    res.status(201).json({ ok: true });
  });

  router.delete("/api/rooms/:id/invites/:participantId", session, (req, res) => {
    const roomId = managed(req, res, "invite_to_rooms");
    if (!roomId) return;
    const target = req.params.participantId as string;
    const me = authOf(res).userId;
    // Whoever may invite may uninvite, but only someone of lower rank (or themselves).
    if (target !== me) {
      const over = gate.authorizeOver(me, "invite_to_rooms", target, { roomId });
      if (!over.ok) return sendResult(res, over);
    }
    if (!db.invites.uninvite(roomId, target)) return sendError(res, ErrorCode.NotFound, `'${target}' is not invited`);
    services.audit({ actorId: me, action: "room.uninvite", target, detail: { room: roomId } });
    // Uninvited from a private room: whoever no longer may see it leaves it now.
    const room = db.rooms.get(roomId);
    if (room?.private && !roomAccess(services, target, roomId).ok) {
      services.rooms.get(roomId)?.removeParticipant(target, CloseCode.AccessRevoked, "no longer invited to this private room");
    }
    res.json({ ok: true });
  });

  return router;
}
