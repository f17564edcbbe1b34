import type { MeshDatabase } from "@mesh/persistence";
import { ErrorCode, err, ok, type Result } from "@mesh/schema";
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

/** Mutes in force in a room, as the world starts with them: [participantId, ms left]. */
export function mutesInForce(db: MeshDatabase, roomId: string, nowMs: number): [string, number][] {
  return db.sanctions.list(roomId, "mute", nowMs).map((m) => [m.participantId, m.until - nowMs]);
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

/**
 * Store a mute or ban per room and participant (it holds over REST, after a rejoin, across
 * restarts) and audit it. Sanctions only ever lengthen; `lift` ends one early.
 */
export function impose(
  services: ModerationServices,
  kind: "mute" | "ban",
  roomId: string,
  byId: string,
  targetId: string,
  seconds: number,
  nowMs: number,
): void {
  const until = Math.min(nowMs + seconds * 1000, Number.MAX_SAFE_INTEGER);
  services.db.sanctions.impose({ roomId, participantId: targetId, kind, until, byId, byPriority: rankOf(services, byId), createdAt: nowMs });
  services.audit({ actorId: byId, action: kind, target: targetId, detail: { room: roomId, seconds } });
}

/**
 * Lift a mute or ban in force (sent with 0 seconds). It is not for someone ranked below the
 * highest rank that imposed or lengthened it (as ranked then: demoting that moderator later
 * changes nothing).
 */
export function lift(
  services: ModerationServices,
  kind: "mute" | "ban",
  roomId: string,
  byId: string,
  targetId: string,
  nowMs: number,
): Result<void> {
  const sanction = services.db.sanctions.active(roomId, targetId, kind, nowMs);
  if (!sanction) return ok(undefined);
  if (rankOf(services, byId) < sanction.byPriority) {
    return err(ErrorCode.Forbidden, `${kind === "mute" ? "muted" : "banned"} by a higher role (priority ${sanction.byPriority}): only that rank or above can lift it`);
  }
  services.db.sanctions.lift(roomId, targetId, kind);
  services.audit({ actorId: byId, action: kind === "mute" ? "unmute" : "unban", target: targetId, detail: { room: roomId } });
  return ok(undefined);
}
