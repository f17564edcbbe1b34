/** How long a pulse takes from speaker to listener (ms). */
export const PULSE_MS = 900;
/** Pulses alive at once at most: a busy room overwrites the oldest rather than growing. */
export const MAX_PULSES = 256;

/**
 * Data flowing: when someone speaks, a light runs from the speaker to each listener. Stored as a
 * fixed ring of (from, to, start time) in typed arrays, so a burst of messages allocates nothing.
 */
export class PulseRing {
  /** fromX, fromZ, toX, toZ per pulse. */
  readonly ends = new Float32Array(MAX_PULSES * 4);
  readonly born = new Float64Array(MAX_PULSES).fill(Number.NEGATIVE_INFINITY);
  private next = 0;

  emit(fromX: number, fromZ: number, toX: number, toZ: number, now: number): void {
    const i = this.next;
    this.next = (this.next + 1) % MAX_PULSES;
    this.ends[i * 4] = fromX;
    this.ends[i * 4 + 1] = fromZ;
    this.ends[i * 4 + 2] = toX;
    this.ends[i * 4 + 3] = toZ;
    this.born[i] = now;
  }

  /** How far along pulse i is (0..1), or -1 when it is not running. */
  progress(i: number, now: number): number {
    const f = (now - this.born[i]) / PULSE_MS;
    return f >= 0 && f <= 1 ? f : -1;
  }

  clear(): void {
    this.born.fill(Number.NEGATIVE_INFINITY);
  }
}
