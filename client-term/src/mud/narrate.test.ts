import { describe, expect, it } from "vitest";
import { Narrator, type NarratorOptions } from "./narrate.ts";
import { type Line, plainText } from "./text.ts";
import type { PersonView } from "./world.ts";

const room = { width: 30, depth: 30 };

function person(id: string, x = 15, z = 15, extra: Partial<PersonView> = {}): PersonView {
  return { id, name: id, kind: "human", x, z, heading: 0, moving: false, status: "online", typing: false, ownerId: "", ...extra };
}

/** A narrator on a clock the test moves; `me` stands in the middle of a 30×30 room. */
function setup(options: Partial<NarratorOptions> = {}) {
  const clock = { now: 0 };
  const narrator = new Narrator({ selfId: "me", now: () => clock.now, ...options });
  const me = person("me");
  const at = (ms: number) => {
    clock.now = ms;
  };
  return { narrator, me, at, clock };
}

const texts = (lines: Line[]) => lines.map(plainText);

describe("arrivals and departures", () => {
  it("tells the first few of a window, holds the rest, and sums them up once the window has passed", () => {
    const { narrator, at } = setup();
    const lines = ["Ann", "Bob", "Cy", "Di", "Ed", "Flo"].flatMap((name) => narrator.arrive(person(name)));
    expect(texts(lines)).toEqual(["Ann arrives.", "Bob arrives.", "Cy arrives.", "Di arrives."]);
    expect(narrator.flush()).toEqual([]);
    at(2999);
    expect(narrator.flush()).toEqual([]);
    at(3000);
    expect(texts(narrator.flush())).toEqual(["2 more arrived: Ed, Flo."]);
    expect(narrator.flush()).toEqual([]);
  });

  it("marks bots and never tells your own arrival or departure (which spend nothing)", () => {
    const { narrator } = setup({ presenceBudget: 1 });
    expect(narrator.arrive(person("me"))).toEqual([]);
    expect(narrator.leave(person("me"))).toEqual([]);
    expect(texts(narrator.arrive(person("Bot-7", 1, 1, { kind: "bot" })))).toEqual(["Bot-7 (bot) arrives."]);
  });

  it("departures share the budget and are summed up the same way, after arrivals", () => {
    const { narrator, at } = setup({ presenceBudget: 2 });
    expect(texts(narrator.arrive(person("Ann")))).toEqual(["Ann arrives."]);
    expect(texts(narrator.leave(person("Bob")))).toEqual(["Bob leaves."]);
    expect(narrator.leave(person("Cy"))).toEqual([]);
    expect(narrator.arrive(person("Di"))).toEqual([]);
    expect(narrator.leave(person("Ed"))).toEqual([]);
    at(3000);
    expect(texts(narrator.flush())).toEqual(["1 more arrived: Di.", "2 more left: Cy, Ed."]);
  });

  it("says nothing of someone who came and went while their arrival was held", () => {
    const { narrator, at } = setup({ presenceBudget: 1 });
    expect(texts(narrator.arrive(person("Ann")))).toEqual(["Ann arrives."]);
    expect(narrator.arrive(person("Bob"))).toEqual([]);
    expect(narrator.arrive(person("Cy"))).toEqual([]);
    expect(narrator.leave(person("Bob"))).toEqual([]);
    at(3000);
    expect(texts(narrator.flush())).toEqual(["1 more arrived: Cy."]);
  });

  it("names five in a summary and counts the rest", () => {
    const { narrator, at } = setup({ presenceBudget: 1 });
    for (const name of ["A0", "A1", "A2", "A3", "A4", "A5", "A6", "A7"]) narrator.arrive(person(name));
    at(3000);
    expect(texts(narrator.flush())).toEqual(["7 more arrived: A1, A2, A3, A4, A5 and 2 more."]);
  });

  it("with no budget at all, still sums everyone up a window later", () => {
    const { narrator, at } = setup({ presenceBudget: 0 });
    for (const name of ["A1", "A2"]) expect(narrator.arrive(person(name))).toEqual([]);
    at(3000);
    expect(texts(narrator.flush())).toEqual(["2 more arrived: A1, A2."]);
  });

  it("a steady stream of arrivals is told in full: a few by name and a summary every window, none held for ever", () => {
    const { narrator, at } = setup({ presenceBudget: 2, windowMs: 1000 });
    const printed: string[] = [];
    let arrived = 0;
    // One arrival every 50 ms for 10 s, the session flushing every 250 ms (as it does), just after a window turns.
    for (let t = 0; t <= 10_000; t += 50) {
      at(t);
      printed.push(...texts(narrator.arrive(person(`P${arrived++}`))));
      if (t % 250 === 50) printed.push(...texts(narrator.flush()));
    }
    at(11_000);
    printed.push(...texts(narrator.flush()));
    const told = printed.reduce((sum, text) => sum + (text.endsWith(" arrives.") ? 1 : Number(/^(\d+) more arrived/.exec(text)?.[1])), 0);
    expect(told).toBe(arrived);
    const summaries = printed.filter((text) => text.includes("more arrived"));
    expect(summaries.length).toBeGreaterThanOrEqual(7);
    expect(printed.length).toBeLessThanOrEqual(11 * 3);
  });

  it("starts a fresh budget each window", () => {
    const { narrator, at } = setup({ presenceBudget: 1, windowMs: 1000 });
    expect(texts(narrator.arrive(person("Ann")))).toEqual(["Ann arrives."]);
    expect(narrator.arrive(person("Bob"))).toEqual([]);
    at(1000);
    expect(texts(narrator.flush())).toEqual(["1 more arrived: Bob."]);
    expect(texts(narrator.arrive(person("Cy")))).toEqual(["Cy arrives."]);
    expect(narrator.arrive(person("Di"))).toEqual([]);
  });

  it("reset: the people of a new room are there already, and the old room's held names are forgotten", () => {
    const { narrator, me, at } = setup({ presenceBudget: 1 });
    narrator.arrive(person("Ann"));
    narrator.arrive(person("Bob"));
    const here = [me, person("Cy", 3, 3), person("Di", 20, 20)];
    narrator.reset(here);
    at(3000);
    expect(narrator.flush()).toEqual([]);
    expect(narrator.observe(here, room)).toEqual([]);
    expect(narrator.isMoving("Cy")).toBe(false);
  });
});

describe("movement", () => {
  it("someone heading at you 'walks toward you'; anyone else 'walks <direction>'", () => {
    const { narrator, me, at } = setup();
    const bob = person("Bob", 15, 25, { heading: Math.PI });
    const cy = person("Cy", 5, 5, { heading: Math.PI / 2 });
    narrator.reset([me, bob, cy]);
    at(100);
    const lines = narrator.observe([me, { ...bob, z: 24.5 }, { ...cy, x: 5.5 }], room);
    expect(texts(lines)).toEqual(["Bob walks toward you.", "Cy walks east."]);
    expect(narrator.isMoving("Bob")).toBe(true);
    expect(narrator.isMoving("Cy")).toBe(true);
  });

  it("someone close by who sets off walks a direction, not 'toward you'", () => {
    const { narrator, me, at } = setup();
    const bob = person("Bob", 15, 16.5, { heading: Math.PI });
    narrator.reset([me, bob]);
    at(100);
    expect(texts(narrator.observe([me, { ...bob, z: 16.4 }], room))).toEqual(["Bob walks south."]);
  });

  it("says who stops beside you, or where they stop, once they have been still a while", () => {
    const { narrator, me, at } = setup({ personGapMs: 0, movementBudget: 10 });
    const bob = person("Bob", 15, 20, { heading: Math.PI });
    const cy = person("Cy", 25, 25, { heading: 0 });
    narrator.reset([me, bob, cy]);
    at(100);
    narrator.observe([me, { ...bob, z: 16 }, { ...cy, z: 26 }], room);
    at(300);
    expect(narrator.observe([me, { ...bob, z: 16 }, { ...cy, z: 26 }], room)).toEqual([]);
    expect(narrator.isMoving("Bob")).toBe(true);
    at(500);
    expect(texts(narrator.observe([me, { ...bob, z: 16 }, { ...cy, z: 26 }], room))).toEqual([
      "Bob stops beside you.",
      "Cy stops in the north-east corner, north-east of you.",
    ]);
    expect(narrator.isMoving("Bob")).toBe(false);
  });

  it("says nothing of a stop without a room to place it in, unless it is beside you", () => {
    const { narrator, me, at } = setup({ personGapMs: 0 });
    const cy = person("Cy", 25, 25);
    narrator.reset([me, cy]);
    at(100);
    narrator.observe([me, { ...cy, z: 26 }], undefined);
    at(600);
    expect(narrator.observe([me, { ...cy, z: 26 }], undefined)).toEqual([]);
    expect(narrator.isMoving("Cy")).toBe(false);
  });

  it("waits personGapMs between two lines about the same person", () => {
    const { narrator, me, at } = setup();
    let bob = person("Bob", 5, 5, { heading: Math.PI / 2 });
    narrator.reset([me, bob]);
    const step = (ms: number, dx: number) => {
      at(ms);
      bob = { ...bob, x: bob.x + dx };
      return texts(narrator.observe([me, bob], room));
    };
    expect(step(100, 0.5)).toEqual(["Bob walks east."]);
    expect(step(1000, 0)).toEqual([]); // stopped: not said, 0.9 s after the last line
    expect(narrator.isMoving("Bob")).toBe(false);
    expect(step(2000, 0.5)).toEqual([]); // off again: not said either
    expect(step(3000, 0)).toEqual([]);
    expect(step(5100, 0.5)).toEqual(["Bob walks east."]);
  });

  it("a new arrival's first steps are not narrated on top of their arrival", () => {
    const { narrator, me, at } = setup();
    narrator.reset([me]);
    const bob = person("Bob", 15, 28, { heading: Math.PI });
    expect(texts(narrator.arrive(bob))).toEqual(["Bob arrives."]);
    at(200);
    expect(narrator.observe([me, { ...bob, z: 27 }], room)).toEqual([]);
    expect(narrator.isMoving("Bob")).toBe(true);
  });

  it("tells at most movementBudget moves per window across the room; the rest are dropped", () => {
    const { narrator, me, at } = setup();
    const walkers = ["A", "B", "C", "D", "E"].map((id, i) => person(id, 2 + i, 2, { heading: 0 }));
    narrator.reset([me, ...walkers]);
    at(100);
    const moved = walkers.map((w) => ({ ...w, z: 3 }));
    expect(texts(narrator.observe([me, ...moved], room))).toEqual(["A walks north.", "B walks north.", "C walks north."]);
    expect(narrator.isMoving("E")).toBe(true);
    // The two not told are not told later either: movement is only movement.
    at(200);
    expect(narrator.observe([me, ...moved.map((w) => ({ ...w, z: 4 }))], room)).toEqual([]);
    at(3100);
    const fresh = person("F", 28, 2, { heading: 0 });
    narrator.reset([me, fresh]);
    at(3200);
    expect(texts(narrator.observe([me, { ...fresh, z: 3 }], room))).toEqual(["F walks north."]);
  });

  it("never narrates your own movement, but knows you are moving", () => {
    const { narrator, me, at } = setup();
    narrator.reset([me]);
    at(100);
    expect(narrator.observe([{ ...me, x: 16 }], room)).toEqual([]);
    expect(narrator.isMoving("me")).toBe(true);
    at(600);
    expect(narrator.observe([{ ...me, x: 16 }], room)).toEqual([]);
    expect(narrator.isMoving("me")).toBe(false);
  });

  it("ignores jitter under a centimetre, and says nothing about anyone before you are in the room", () => {
    const { narrator, me, at } = setup();
    const bob = person("Bob", 5, 5, { heading: 0 });
    narrator.reset([me, bob]);
    at(100);
    expect(narrator.observe([me, { ...bob, z: 5.005 }], room)).toEqual([]);
    expect(narrator.isMoving("Bob")).toBe(false);
    expect(narrator.observe([{ ...bob, z: 6 }], room)).toEqual([]);
    expect(narrator.isMoving("Bob")).toBe(true);
  });

  it("isMoving is false for someone unknown or gone", () => {
    const { narrator, me, at } = setup();
    const bob = person("Bob", 5, 5);
    narrator.reset([me, bob]);
    at(100);
    narrator.observe([me, { ...bob, x: 6 }], room);
    expect(narrator.isMoving("Bob")).toBe(true);
    narrator.leave(bob);
    expect(narrator.isMoving("Bob")).toBe(false);
    expect(narrator.isMoving("nobody")).toBe(false);
  });
});
