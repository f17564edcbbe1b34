import type { Clock, Delayed } from "@colyseus/core";

/** What the idle policy asks of a room. */
export interface IdleRoom {
  readonly clock: Clock;
  /** Someone holds a socket in the room. */
  occupied(): boolean;
  /** A REST sender waits for a message to be stored. */
  storing(): boolean;
  /** Seats reserved for joiners that have not connected yet. */
  reservedSeats(): number;
  /** Stop the room for good. */
  stop(): void;
}

/** Idle checks an empty room waits for reserved, unused seats before it stops anyway. */
export const MAX_RESERVATION_WAITS = 2;

/**
 * When an empty room stops. The last one to leave (or a REST send, or the room's start) arms
 * it; after `idleMs` with nobody in, the room stops. A REST send still being stored always
 * waits; seats reserved but not used hold it only MAX_RESERVATION_WAITS periods, because
 * Colyseus drops an unused reservation without telling the room and a client could otherwise
 * keep reserving to keep a room running for nobody.
 */
export class IdleStop {
  private timer: Delayed | undefined;
  private reservationWaits = 0;

  constructor(
    private readonly room: IdleRoom,
    private readonly idleMs: number,
  ) {}

  /** The room may be empty now: start (or restart) the wait. */
  arm(): void {
    if (this.room.occupied()) return;
    this.timer?.clear();
    this.timer = this.room.clock.setTimeout(() => this.check(), this.idleMs);
  }

  /** Someone is in: no stop, and reservations are counted afresh next time. */
  cancel(): void {
    this.timer?.clear();
    this.timer = undefined;
    this.reservationWaits = 0;
  }

  private check(): void {
    this.timer = undefined;
    if (this.room.occupied()) return;
    const waitForSeats = this.room.reservedSeats() > 0 && this.reservationWaits++ < MAX_RESERVATION_WAITS;
    if (this.room.storing() || waitForSeats) {
      this.arm();
      return;
    }
    this.room.stop();
  }
}
