import type { Participant } from "@mesh/schema";

/** An order's status as a small number, for per-slot arrays. */
export const OrderCode = { none: 0, pending: 1, active: 2, done: 3, failed: 4, cancelled: 5 } as const;
export type OrderCode = (typeof OrderCode)[keyof typeof OrderCode];

/** How long a finished order's marker (done ✓ / failed ✗) stays after it ended. */
export const FINISHED_SHOWN_MS = 3000;

export function orderCode(status: string): OrderCode {
  switch (status) {
    case "pending":
      return OrderCode.pending;
    case "active":
      return OrderCode.active;
    case "done":
      return OrderCode.done;
    case "failed":
      return OrderCode.failed;
    case "cancelled":
      return OrderCode.cancelled;
    default:
      return OrderCode.none;
  }
}

/** Whether a unit draws a line to its order's target: only while the order is under way. */
export function inFlight(code: OrderCode): boolean {
  return code === OrderCode.pending || code === OrderCode.active;
}

/** Whether a unit shows its order's status marker at `now`: under way, or finished a moment ago. */
export function markerShown(code: OrderCode, since: number, now: number): boolean {
  if (inFlight(code)) return true;
  return (code === OrderCode.done || code === OrderCode.failed) && now - since < FINISHED_SHOWN_MS;
}

/**
 * Every unit's current order, per slot, as the synced state says (read in the participant
 * watcher's callbacks, not per frame). `since` is when the status last changed (page clock).
 */
export class OrderBoard {
  codes = new Uint8Array(64);
  since = new Float64Array(64);
  targets = new Float32Array(128);
  ids: string[] = [];
  kinds: string[] = [];
  targetIds: string[] = [];
  notes: string[] = [];
  statuses: string[] = [];
  /** Bumped when any note changed: labels re-lay out only then. */
  version = 0;

  constructor(private readonly clock: () => number = () => performance.now()) {}

  /** Reads `p.order` into `slot`; returns whether anything shown changed. */
  read(slot: number, p: Readonly<Participant>, now = this.clock()): boolean {
    this.ensure(slot);
    const o = p.order;
    const id = o?.id ?? "";
    const status = id ? o?.status ?? "" : "";
    const code = orderCode(status);
    const note = id ? o?.note ?? "" : "";
    const tx = o?.x ?? 0;
    const tz = o?.z ?? 0;
    const same =
      this.ids[slot] === id && this.codes[slot] === code && this.notes[slot] === note && this.targets[slot * 2] === tx && this.targets[slot * 2 + 1] === tz;
    if (same) return false;
    if (this.codes[slot] !== code || this.ids[slot] !== id) this.since[slot] = now;
    this.codes[slot] = code;
    this.ids[slot] = id;
    this.statuses[slot] = status;
    this.kinds[slot] = id ? o?.kind ?? "" : "";
    this.targetIds[slot] = id ? o?.targetId ?? "" : "";
    this.notes[slot] = note;
    this.targets[slot * 2] = tx;
    this.targets[slot * 2 + 1] = tz;
    this.version++;
    return true;
  }

  clear(slot: number): void {
    this.ensure(slot);
    this.codes[slot] = OrderCode.none;
    this.ids[slot] = "";
    this.statuses[slot] = "";
    this.kinds[slot] = "";
    this.targetIds[slot] = "";
    this.notes[slot] = "";
    this.version++;
  }

  private ensure(slot: number): void {
    if (slot < this.codes.length) return;
    let next = this.codes.length;
    while (next <= slot) next *= 2;
    const codes = new Uint8Array(next);
    codes.set(this.codes);
    const since = new Float64Array(next);
    since.set(this.since);
    const targets = new Float32Array(next * 2);
    targets.set(this.targets);
    this.codes = codes;
    this.since = since;
    this.targets = targets;
  }
}
