import type { Participant } from "@mesh/schema";

/**
 * What a render loop wants from the synced participants: one call when someone appears, one when
 * any of their fields (or their order) changed in a patch, one when they go. Each receives the
 * synced object itself, not a copy, so a frame allocates nothing; read its fields, keep it only
 * while it is present, and never write to it.
 */
export interface ParticipantWatcher {
  added?(participant: Readonly<Participant>): void;
  changed?(participant: Readonly<Participant>): void;
  removed?(participant: Readonly<Participant>): void;
}

/** Fans the connection's per-participant callbacks out to every watcher, across rejoins. */
export class ParticipantWatchers {
  private readonly watchers = new Set<ParticipantWatcher>();
  /** Who the watchers have been told is present (by id), so a rejoin tells only the difference. */
  private readonly present = new Map<string, Readonly<Participant>>();

  constructor(private readonly guard: (what: string, error: unknown) => void) {}

  get size(): number {
    return this.watchers.size;
  }

  /** Adds a watcher and tells it, through `added`, who is here now. */
  watch(watcher: ParticipantWatcher): () => void {
    this.watchers.add(watcher);
    for (const participant of this.present.values()) this.call(watcher, "added", participant);
    return () => this.watchers.delete(watcher);
  }

  forEach(fn: (participant: Readonly<Participant>) => void): void {
    for (const participant of this.present.values()) fn(participant);
  }

  get count(): number {
    return this.present.size;
  }

  get(id: string): Readonly<Participant> | undefined {
    return this.present.get(id);
  }

  added(participant: Readonly<Participant>): void {
    const before = this.present.get(participant.id);
    this.present.set(participant.id, participant);
    // After a rejoin the same person comes back as a new object: a change, not an arrival.
    this.emit(before ? "changed" : "added", participant);
  }

  changed(participant: Readonly<Participant>): void {
    if (this.present.get(participant.id) === participant) this.emit("changed", participant);
  }

  removed(participant: Readonly<Participant>): void {
    if (this.present.get(participant.id) !== participant) return;
    this.present.delete(participant.id);
    this.emit("removed", participant);
  }

  /** A rejoin's first state has been applied: whoever did not come back with it has gone. */
  resynced(now: (id: string) => boolean): void {
    for (const [id, participant] of this.present) {
      if (now(id)) continue;
      this.present.delete(id);
      this.emit("removed", participant);
    }
  }

  private emit(kind: keyof ParticipantWatcher, participant: Readonly<Participant>): void {
    for (const watcher of this.watchers) this.call(watcher, kind, participant);
  }

  private call(watcher: ParticipantWatcher, kind: keyof ParticipantWatcher, participant: Readonly<Participant>): void {
    try {
      watcher[kind]?.(participant);
    } catch (error) {
      this.guard(`participant watcher (${kind})`, error);
    }
  }
}
