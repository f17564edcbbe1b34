import type { MeshDatabase } from "@mesh/persistence";
import { err, ErrorCode, ok, type Result } from "@mesh/schema";
import type { Services } from "./services.ts";

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/**
 * Why `participantId` may not join `roomId` now (a kick's cooldown), or undefined. Read from
 * the database, so leaving, another socket or a restart changes nothing.
 */
export function joinRefusal(db: MeshDatabase, roomId: string, participantId: string, nowMs: number): string | undefined {
  const kick = db.sanctions.active(roomId, participantId, "kick", nowMs);
  return kick && `you were kicked from this room; you may come back in ${seconds(kick.until - nowMs)} s`;
}

/** Why `participantId` may not send to `roomId` now (kicked or muted), or undefined: REST and realtime alike. */
export function sendRefusal(db: MeshDatabase, roomId: string, participantId: string, nowMs: number): string | undefined {
  const kicked = joinRefusal(db, roomId, participantId, nowMs);
  if (kicked) return kicked;
  const mute = db.sanctions.active(roomId, participantId, "mute", nowMs);
  return mute && `you are muted in this room for another ${seconds(mute.until - nowMs)} s`;
}

/** Milliseconds left of a stored mute (0 when none): a participant who rejoins is shown muted again. */
export function muteLeftMs(db: MeshDatabase, roomId: string, participantId: string, nowMs: number): number {
  const mute = db.sanctions.active(roomId, participantId, "mute", nowMs);
  return mute ? mute.until - nowMs : 0;
}

type ModerationServices = Pick<Services, "db" | "config" | "audit" | "gate">;

/** The rank a sanction is imposed with: the moderator's role priority now. */
const rankOf = (services: ModerationServices, participantId: string): number =>
  services.gate.actor(participantId)?.role.priority ?? 0;

/** Store a kick's rejoin cooldown (before any socket closes, so none slips back in) and audit it. */
export function recordKick(services: ModerationServices, roomId: string, byId: string, targetId: string, nowMs: number): void {
  const cooldownS = services.config.kickCooldownS;
  if (cooldownS > 0) {
    const until = nowMs + cooldownS * 1000;
    services.db.sanctions.impose({ roomId, participantId: targetId, kind: "kick", until, byId, byPriority: rankOf(services, byId), createdAt: nowMs });
  }
  services.audit({ actorId: byId, action: "kick", target: targetId, detail: { room: roomId, cooldownS } });
}

/** Store a mute per room and participant (it holds over REST, after a rejoin, across restarts) and audit it. */
export function recordMute(
  services: ModerationServices,
  roomId: string,
  byId: string,
  targetId: string,
  seconds: number,
  nowMs: number,
): Result<void> {
  const until = nowMs + seconds * 1000;
  services.db.sanctions.impose({ roomId, participantId: targetId, kind: "mute", until, byId, byPriority: rankOf(services, byId), createdAt: nowMs });
  services.audit({ actorId: byId, action: "mute", target: targetId, detail: { room: roomId, seconds } });
  return ok(undefined);
}

/**
 * Lift a mute in force (`mute` with 0 seconds). Mutes only ever lengthen otherwise, so this is
 * the one way to end one early, and it is not for someone ranked below the highest rank that
 * imposed or lengthened it (as ranked then: demoting that moderator later changes nothing).
 */
export function liftMute(services: ModerationServices, roomId: string, byId: string, targetId: string, nowMs: number): Result<void> {
  const mute = services.db.sanctions.active(roomId, targetId, "mute", nowMs);
  if (!mute) return ok(undefined);
  if (rankOf(services, byId) < mute.byPriority) {
    return err(ErrorCode.Forbidden, `muted by a higher role (priority ${mute.byPriority}): only that rank or above can lift it`);
  }
  services.db.sanctions.lift(roomId, targetId, "mute");
  services.audit({ actorId: byId, action: "unmute", target: targetId, detail: { room: roomId } });
  return ok(undefined);
}
