import type { MeshDatabase } from "@mesh/persistence";

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
