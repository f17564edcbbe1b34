import type { Participant, ParticipantKind } from "@mesh/schema";
import { RENDER_DELAY_MS, SampleRing } from "./interpolation.ts";

/** What the renderers and the overlay hear about, besides the per-frame positions. */
export interface AvatarEvents {
  added(slot: number): void;
  removed(slot: number): void;
  /** Name, typing or status changed (not position). */
  relabelled(slot: number): void;
}

/**
 * Everyone in the room as slots in typed arrays: filled from the SDK's per-participant callbacks,
 * read by both renderers each frame. `dense[0..count)` lists the live slots, so a frame walks
 * exactly the avatars present and allocates nothing.
 */
export class AvatarModel {
  readonly ring = new SampleRing();
  /** Per slot, this frame's drawn position: x, z, heading. */
  drawn = new Float32Array(64 * 3);
  kinds = new Uint8Array(64);
  typing = new Uint8Array(64);
  /** 1 while away or offline (dropped, inside the reconnection window): drawn dimmed. */
  away = new Uint8Array(64);
  ids: string[] = [];
  names: string[] = [];
  ownerIds: string[] = [];
  dense = new Int32Array(64);
  /** Where each slot sits in `dense` (for swap-removal). */
  private place = new Int32Array(64);
  count = 0;
  private readonly slots = new Map<string, number>();
  private readonly free: number[] = [];
  private capacity = 64;
  private listeners: AvatarEvents[] = [];

  constructor(
    public selfId = "",
    private readonly clock: () => number = () => performance.now(),
  ) {}

  listen(events: AvatarEvents): () => void {
    this.listeners.push(events);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== events);
    };
  }

  slotOf(id: string): number | undefined {
    return this.slots.get(id);
  }

  isBot(slot: number): boolean {
    return this.kinds[slot] === 1;
  }

  /** Feed for `room.watchParticipants`. */
  add(p: Readonly<Participant>): void {
    if (this.slots.has(p.id)) {
      this.change(p);
      return;
    }
    const slot = this.free.pop() ?? this.grow();
    this.slots.set(p.id, slot);
    this.ids[slot] = p.id;
    this.ring.clear(slot);
    this.ring.push(slot, this.clock(), p.x, p.z, p.heading);
    this.drawn[slot * 3] = p.x;
    this.drawn[slot * 3 + 1] = p.z;
    this.drawn[slot * 3 + 2] = p.heading;
    this.label(slot, p);
    this.place[slot] = this.count;
    this.dense[this.count++] = slot;
    for (const l of this.listeners) l.added(slot);
  }

  change(p: Readonly<Participant>): void {
    const slot = this.slots.get(p.id);
    if (slot === undefined) return;
    this.ring.push(slot, this.clock(), p.x, p.z, p.heading);
    const kind = p.kind === "bot" ? 1 : 0;
    const away = p.status === "online" ? 0 : 1;
    if (this.names[slot] !== p.name || this.typing[slot] !== (p.typing ? 1 : 0) || this.away[slot] !== away || this.kinds[slot] !== kind || this.ownerIds[slot] !== p.ownerId) {
      this.label(slot, p);
      for (const l of this.listeners) l.relabelled(slot);
    }
  }

  remove(p: Readonly<Participant>): void {
    const slot = this.slots.get(p.id);
    if (slot === undefined) return;
    for (const l of this.listeners) l.removed(slot);
    this.slots.delete(p.id);
    const at = this.place[slot];
    const last = this.dense[--this.count];
    this.dense[at] = last;
    this.place[last] = at;
    this.free.push(slot);
  }

  /** Everyone leaves at once (another room). */
  reset(): void {
    while (this.count > 0) {
      const slot = this.dense[this.count - 1];
      const id = this.ids[slot];
      for (const l of this.listeners) l.removed(slot);
      this.slots.delete(id);
      this.count--;
      this.free.push(slot);
    }
  }

  /** Moves every drawn position to where it was RENDER_DELAY_MS ago: between two real patches. */
  interpolate(now = this.clock()): void {
    const t = now - RENDER_DELAY_MS;
    for (let i = 0; i < this.count; i++) {
      const slot = this.dense[i];
      this.ring.sample(slot, t, this.drawn, slot * 3);
    }
  }

  /** Where the server last put this participant (not the drawn, delayed one). */
  latest(slot: number, out: Float32Array): boolean {
    return this.ring.latest(slot, out, 0);
  }

  private label(slot: number, p: Readonly<Participant>): void {
    this.names[slot] = p.name;
    this.kinds[slot] = (p.kind as ParticipantKind) === "bot" ? 1 : 0;
    this.typing[slot] = p.typing ? 1 : 0;
    this.away[slot] = p.status === "online" ? 0 : 1;
    this.ownerIds[slot] = p.ownerId;
  }

  private grow(): number {
    const slot = this.slots.size + this.free.length;
    if (slot >= this.capacity) {
      const next = this.capacity * 2;
      const copy = <T extends Float32Array | Uint8Array | Int32Array>(old: T, fresh: T): T => {
        fresh.set(old);
        return fresh;
      };
      this.drawn = copy(this.drawn, new Float32Array(next * 3));
      this.kinds = copy(this.kinds, new Uint8Array(next));
      this.typing = copy(this.typing, new Uint8Array(next));
      this.away = copy(this.away, new Uint8Array(next));
      this.dense = copy(this.dense, new Int32Array(next));
      this.place = copy(this.place, new Int32Array(next));
      this.capacity = next;
    }
    this.ring.ensure(slot);
    return slot;
  }
}
