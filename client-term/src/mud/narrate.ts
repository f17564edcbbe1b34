import { BESIDE, bearing, compass, distance, nameSpan, whereIn } from "./describe.ts";
import { type Line, line, span } from "./text.ts";
import type { PersonView, RoomView } from "./world.ts";

/**
 * Live narration that keeps a busy room readable. Speech is never held back (the session prints
 * it as it comes); what is rationed here is the rest:
 * - arrivals and departures: a few lines per window, the rest told as one summary line;
 * - movement: only moments worth saying (someone sets off, walks toward you, stops by you),
 *   at most one per person per `personGapMs` and a few per window across the room.
 * The clock is passed in, so tests drive it.
 */
export interface NarratorOptions {
  selfId: string;
  now: () => number;
  /** Window for the budgets below (default 3 s). */
  windowMs?: number;
  /** Arrival/departure lines per window before they are summarised (default 4). */
  presenceBudget?: number;
  /** Movement lines per window (default 3); the rest are dropped, being only movement. */
  movementBudget?: number;
  /** Gap between two movement lines about the same person (default 5 s). */
  personGapMs?: number;
  /** How long without a position change before someone counts as stopped (default 400 ms). */
  stillMs?: number;
}

interface Track {
  x: number;
  z: number;
  movedAt: number;
  moving: boolean;
  /** When a line about this person's movement was last printed. */
  saidAt: number;
}

/** How many names a summary line lists before "and N more". */
const SUMMARY_NAMES = 5;

export class Narrator {
  private readonly tracks = new Map<string, Track>();
  private readonly windowMs: number;
  private readonly presenceBudget: number;
  private readonly movementBudget: number;
  private readonly personGapMs: number;
  private readonly stillMs: number;
  private windowStart = Number.NEGATIVE_INFINITY;
  private presenceSaid = 0;
  private movementSaid = 0;
  private heldArrivals: string[] = [];
  private heldDepartures: string[] = [];
  /** When the oldest held name was held: its summary is due one window later. */
  private heldSince = Number.POSITIVE_INFINITY;

  constructor(private readonly options: NarratorOptions) {
    this.windowMs = options.windowMs ?? 3000;
    this.presenceBudget = options.presenceBudget ?? 4;
    this.movementBudget = options.movementBudget ?? 3;
    this.personGapMs = options.personGapMs ?? 5000;
    this.stillMs = options.stillMs ?? 400;
  }

  /** Forget everyone (a new room): the next people seen are the room as found, not arrivals. */
  reset(people: readonly PersonView[] = []): void {
    this.tracks.clear();
    this.heldArrivals = [];
    this.heldDepartures = [];
    this.heldSince = Number.POSITIVE_INFINITY;
    for (const p of people) this.tracks.set(p.id, { x: p.x, z: p.z, movedAt: Number.NEGATIVE_INFINITY, moving: false, saidAt: Number.NEGATIVE_INFINITY });
  }

  /** Whether someone is walking now, by their position over the last moments. */
  isMoving(id: string): boolean {
    return this.tracks.get(id)?.moving ?? false;
  }

  arrive(person: PersonView): Line[] {
    this.tracks.set(person.id, { x: person.x, z: person.z, movedAt: Number.NEGATIVE_INFINITY, moving: false, saidAt: this.options.now() });
    if (person.id === this.options.selfId) return [];
    if (!this.spendPresence()) {
      this.hold(this.heldArrivals, person.name);
      return [];
    }
    return [line(nameSpan(person, this.options.selfId), person.kind === "bot" ? span(" (bot)", "dim") : "", span(" arrives.", "notice"))];
  }

  leave(person: PersonView): Line[] {
    this.tracks.delete(person.id);
    if (person.id === this.options.selfId) return [];
    // Came and went while their arrival was still held: neither is worth a line.
    const held = this.heldArrivals.indexOf(person.name);
    if (held >= 0) {
      this.heldArrivals.splice(held, 1);
      return [];
    }
    if (!this.spendPresence()) {
      this.hold(this.heldDepartures, person.name);
      return [];
    }
    return [line(nameSpan(person, this.options.selfId), span(" leaves.", "notice"))];
  }

  /**
   * Look at everyone's position now and say what is worth saying about movement. Call it a few
   * times a second (not per patch); it also updates who counts as moving.
   */
  observe(people: readonly PersonView[], room: Pick<RoomView, "width" | "depth"> | undefined): Line[] {
    const now = this.options.now();
    const me = people.find((p) => p.id === this.options.selfId);
    const lines: Line[] = [];
    for (const person of people) {
      let track = this.tracks.get(person.id);
      if (!track) {
        track = { x: person.x, z: person.z, movedAt: Number.NEGATIVE_INFINITY, moving: false, saidAt: Number.NEGATIVE_INFINITY };
        this.tracks.set(person.id, track);
      }
      const moved = Math.abs(person.x - track.x) > 0.01 || Math.abs(person.z - track.z) > 0.01;
      track.x = person.x;
      track.z = person.z;
      if (moved) track.movedAt = now;
      const moving = now - track.movedAt < this.stillMs;
      if (moving === track.moving) continue;
      track.moving = moving;
      if (person.id === this.options.selfId || !me) continue;
      if (now - track.saidAt < this.personGapMs) continue;
      const said = moving ? this.setsOff(person, me) : this.stops(person, me, room);
      if (!said || !this.spendMovement()) continue;
      track.saidAt = now;
      lines.push(said);
    }
    return lines;
  }

  /** Summaries of what the budgets held back, once their window has passed. */
  flush(): Line[] {
    // Due a window after the first was held, however busy the room still is (a steady stream of
    // arrivals that spends each new window's budget must not hold the summary back for ever).
    if (this.options.now() - this.heldSince < this.windowMs) return [];
    this.heldSince = Number.POSITIVE_INFINITY;
    const lines: Line[] = [];
    if (this.heldArrivals.length > 0) lines.push(summary(this.heldArrivals, "arrived"));
    if (this.heldDepartures.length > 0) lines.push(summary(this.heldDepartures, "left"));
    this.heldArrivals = [];
    this.heldDepartures = [];
    return lines;
  }

  private hold(names: string[], name: string): void {
    if (this.heldArrivals.length + this.heldDepartures.length === 0) this.heldSince = this.options.now();
    names.push(name);
  }

  private setsOff(person: PersonView, me: PersonView): Line | undefined {
    const who = nameSpan(person, this.options.selfId);
    const away = distance(person, me);
    if (away > BESIDE && headingGap(person.heading, Math.atan2(me.x - person.x, me.z - person.z)) < Math.PI / 6) {
      return line(who, span(" walks toward you.", "notice"));
    }
    return line(who, span(` walks ${compass(person.heading)}.`, "dim"));
  }

  private stops(person: PersonView, me: PersonView, room: Pick<RoomView, "width" | "depth"> | undefined): Line | undefined {
    const who = nameSpan(person, this.options.selfId);
    if (distance(person, me) < BESIDE) return line(who, span(" stops beside you.", "notice"));
    if (!room) return undefined;
    return line(who, span(` stops ${whereIn(room, person.x, person.z)}, ${bearing(me, person)} of you.`, "dim"));
  }

  private roll(): void {
    const now = this.options.now();
    if (now - this.windowStart >= this.windowMs) {
      this.windowStart = now;
      this.presenceSaid = 0;
      this.movementSaid = 0;
    }
  }

  private spendPresence(): boolean {
    this.roll();
    if (this.presenceSaid >= this.presenceBudget) return false;
    this.presenceSaid++;
    return true;
  }

  private spendMovement(): boolean {
    this.roll();
    if (this.movementSaid >= this.movementBudget) return false;
    this.movementSaid++;
    return true;
  }
}

function headingGap(a: number, b: number): number {
  const d = Math.abs(a - b) % (2 * Math.PI);
  return d > Math.PI ? 2 * Math.PI - d : d;
}

function summary(names: string[], what: string): Line {
  const shown = names.slice(0, SUMMARY_NAMES).join(", ");
  const more = names.length > SUMMARY_NAMES ? ` and ${names.length - SUMMARY_NAMES} more` : "";
  return line(span(`${names.length} more ${what}: ${shown}${more}.`, "notice"));
}
