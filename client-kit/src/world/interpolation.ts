/**
 * Per-avatar ring buffers of timestamped positions (structure of arrays, allocated once per
 * capacity), so a frame can draw everyone a little in the past, between two real 20 Hz patches,
 * without allocating. Times are the browser's receive times (ms).
 */

/** Samples kept per avatar: enough for ~0.4 s of patches, far more than the ~100 ms we render behind. */
export const SAMPLES = 8;
/** Render this far behind the newest patch: two ticks, so one late patch does not stall motion. */
export const RENDER_DELAY_MS = 100;
/** A patch after a longer silence than this (three ticks) starts motion from rest one tick earlier, instead of jumping. */
const REST_GAP_MS = 150;
const TICK_MS = 50;

export class SampleRing {
  private times: Float64Array;
  private xs: Float32Array;
  private zs: Float32Array;
  private headings: Float32Array;
  /** Samples stored per slot (≤ SAMPLES) and where the newest is. */
  private counts: Uint8Array;
  private heads: Uint8Array;

  constructor(private capacity = 64) {
    this.times = new Float64Array(capacity * SAMPLES);
    this.xs = new Float32Array(capacity * SAMPLES);
    this.zs = new Float32Array(capacity * SAMPLES);
    this.headings = new Float32Array(capacity * SAMPLES);
    this.counts = new Uint8Array(capacity);
    this.heads = new Uint8Array(capacity);
  }

  /** Grows (copying) so that `slot` fits: the only allocation, and only when the room gets busier. */
  ensure(slot: number): void {
    if (slot < this.capacity) return;
    let next = this.capacity;
    while (next <= slot) next *= 2;
    const grow = <T extends Float64Array | Float32Array | Uint8Array>(old: T, size: number, make: (n: number) => T): T => {
      const fresh = make(size);
      fresh.set(old);
      return fresh;
    };
    this.times = grow(this.times, next * SAMPLES, (n) => new Float64Array(n));
    this.xs = grow(this.xs, next * SAMPLES, (n) => new Float32Array(n));
    this.zs = grow(this.zs, next * SAMPLES, (n) => new Float32Array(n));
    this.headings = grow(this.headings, next * SAMPLES, (n) => new Float32Array(n));
    this.counts = grow(this.counts, next, (n) => new Uint8Array(n));
    this.heads = grow(this.heads, next, (n) => new Uint8Array(n));
    this.capacity = next;
  }

  /** Forget a slot's history (it was freed or reused for someone else). */
  clear(slot: number): void {
    this.counts[slot] = 0;
    this.heads[slot] = 0;
  }

  /** Adds a patch's position. A first patch after rest first repeats the rest position one tick back, so motion eases in. */
  push(slot: number, t: number, x: number, z: number, heading: number): void {
    this.ensure(slot);
    const count = this.counts[slot];
    if (count > 0) {
      const i = slot * SAMPLES + this.heads[slot];
      const last = this.times[i];
      if (x === this.xs[i] && z === this.zs[i] && heading === this.headings[i]) return;
      if (t - last > REST_GAP_MS) this.write(slot, Math.max(last, t - TICK_MS), this.xs[i], this.zs[i], this.headings[i]);
    }
    this.write(slot, t, x, z, heading);
  }

  /** The newest position (what the server last said), into out[offset..offset+2] as x, z, heading. */
  latest(slot: number, out: Float32Array, offset: number): boolean {
    if (slot >= this.capacity || this.counts[slot] === 0) return false;
    const i = slot * SAMPLES + this.heads[slot];
    out[offset] = this.xs[i];
    out[offset + 1] = this.zs[i];
    out[offset + 2] = this.headings[i];
    return true;
  }

  /** The position at time t, between the two samples around it (held at the ends), into out as x, z, heading. */
  sample(slot: number, t: number, out: Float32Array, offset: number): boolean {
    if (slot >= this.capacity) return false;
    const count = this.counts[slot];
    if (count === 0) return false;
    const base = slot * SAMPLES;
    let newer = this.heads[slot];
    // Walk back from the newest until a sample at or before t.
    for (let k = 0; k < count; k++) {
      const index = (this.heads[slot] - k + SAMPLES) % SAMPLES;
      if (this.times[base + index] <= t) {
        if (k === 0) break; // t is after the newest: hold it
        const a = base + index;
        const b = base + newer;
        const span = this.times[b] - this.times[a];
        const f = span > 0 ? (t - this.times[a]) / span : 1;
        out[offset] = this.xs[a] + (this.xs[b] - this.xs[a]) * f;
        out[offset + 1] = this.zs[a] + (this.zs[b] - this.zs[a]) * f;
        out[offset + 2] = lerpAngle(this.headings[a], this.headings[b], f);
        return true;
      }
      newer = index;
    }
    // t is after the newest (hold it) or before the oldest (show the oldest).
    const i = base + (this.times[base + this.heads[slot]] <= t ? this.heads[slot] : newer);
    out[offset] = this.xs[i];
    out[offset + 1] = this.zs[i];
    out[offset + 2] = this.headings[i];
    return true;
  }

  private write(slot: number, t: number, x: number, z: number, heading: number): void {
    const head = this.counts[slot] === 0 ? 0 : (this.heads[slot] + 1) % SAMPLES;
    const i = slot * SAMPLES + head;
    this.times[i] = t;
    this.xs[i] = x;
    this.zs[i] = z;
    this.headings[i] = heading;
    this.heads[slot] = head;
    if (this.counts[slot] < SAMPLES) this.counts[slot]++;
  }
}

/** The short way round from a to b (radians). */
export function lerpAngle(a: number, b: number, f: number): number {
  let d = (b - a) % (Math.PI * 2);
  if (d > Math.PI) d -= Math.PI * 2;
  if (d < -Math.PI) d += Math.PI * 2;
  return a + d * f;
}
