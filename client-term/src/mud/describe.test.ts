import type { MessageData } from "@mesh/schema";
import { describe, expect, it } from "vitest";
import { bearing, compass, describePerson, messageLines, type Reader, whereIn } from "./describe.ts";
import { type Line, plainText } from "./text.ts";
import { testMessage } from "./test-world.ts";
import type { PersonView, WorldView } from "./world.ts";

const message = (extra: Partial<MessageData> = {}): MessageData => testMessage("m1", extra);

const room = { width: 30, depth: 30 };

describe("whereIn", () => {
  it("names all nine regions of a room (north is +z, east is +x)", () => {
    expect(whereIn(room, 5, 25)).toBe("in the north-west corner");
    expect(whereIn(room, 15, 25)).toBe("near the north wall");
    expect(whereIn(room, 25, 25)).toBe("in the north-east corner");
    expect(whereIn(room, 5, 15)).toBe("near the west wall");
    expect(whereIn(room, 15, 15)).toBe("in the middle");
    expect(whereIn(room, 25, 15)).toBe("near the east wall");
    expect(whereIn(room, 5, 5)).toBe("in the south-west corner");
    expect(whereIn(room, 15, 5)).toBe("near the south wall");
    expect(whereIn(room, 25, 5)).toBe("in the south-east corner");
  });

  it("counts the thirds' edges as the middle, and works in a long thin room", () => {
    expect(whereIn(room, 10, 20)).toBe("in the middle");
    expect(whereIn({ width: 90, depth: 9 }, 80, 4)).toBe("near the east wall");
  });
});

describe("compass", () => {
  it("gives the eight headings, 0 north and π/2 east", () => {
    const names = ["north", "north-east", "east", "south-east", "south", "south-west", "west", "north-west"];
    names.forEach((name, i) => {
      expect(compass((i * Math.PI) / 4)).toBe(name);
    });
  });

  it("rounds to the nearest and wraps negative and large angles", () => {
    expect(compass(0.3)).toBe("north");
    expect(compass(-Math.PI / 2)).toBe("west");
    expect(compass(-0.1)).toBe("north");
    expect(compass(2 * Math.PI + Math.PI / 2)).toBe("east");
    expect(compass(-Math.PI)).toBe("south");
  });

  it("bearing: where one point lies from another", () => {
    expect(bearing({ x: 0, z: 0 }, { x: 0, z: 5 })).toBe("north");
    expect(bearing({ x: 0, z: 0 }, { x: 5, z: 0 })).toBe("east");
    expect(bearing({ x: 5, z: 5 }, { x: 0, z: 0 })).toBe("south-west");
  });
});

describe("describePerson", () => {
  const me: PersonView = { id: "me", name: "Ann", kind: "human", x: 15, z: 15, heading: 0, moving: false, status: "online", typing: false, ownerId: "" };
  const world = (people: PersonView[]): WorldView => ({
    selfId: "me",
    selfName: "Ann",
    room: { id: "r", name: "R", topic: "", width: 30, depth: 30, exits: {}, names: {} },
    people,
    numbered: () => undefined,
    mayCommand: () => false,
  });
  it("says where, what they do, their status and order", () => {
    const bot: PersonView = { ...me, id: "b", name: "Bot-7", kind: "bot", x: 15, z: 2, moving: true, heading: Math.PI, status: "away" };
    const order = { id: "o", kind: "follow", status: "pending", targetId: "me", x: 0, z: 0, note: "" };
    expect(plainText(describePerson(bot, world([me, bot])))).toBe("Bot-7 (bot) is near the south wall, walking south [away]");
    expect(plainText(describePerson({ ...bot, order }, world([me, bot])))).toBe("Bot-7 (bot) is near the south wall, walking south [away] — follow (pending)");
    expect(plainText(describePerson({ ...bot, order: { ...order, status: "done" } }, world([me, bot])))).toBe(
      "Bot-7 (bot) is near the south wall, walking south [away]",
    );
    expect(plainText(describePerson(me, world([me])))).toBe("Ann (you) in the middle");
    expect(plainText(describePerson({ ...bot, x: 16.5, z: 15 }, world([me, bot])))).toBe("Bot-7 (bot) is right beside you, walking south [away]");
  });
});


const reader: Reader = { selfId: "u-ann", selfName: "Ann", nameOf: (id) => ({ "u-bob": "Bob", "u-carol": "Carol" })[id] ?? "someone" };
const shown = (m: MessageData, n = 3) => messageLines(m, n, reader).map(plainText);
const tones = (printed: Line) => printed.map((s) => s.tone);

describe("messageLines", () => {
  it("plain speech, and your own", () => {
    expect(shown(message())).toEqual(["[3] Bob says: hello"]);
    const mine = messageLines(message({ authorId: "u-ann", authorName: "Ann" }), 4, reader);
    expect(mine.map(plainText)).toEqual(["[4] Ann says: hello"]);
    expect(mine[0]?.[1]?.tone).toBe("me");
  });

  it("a reply in a thread", () => {
    expect(shown(message({ threadId: "m0", text: "agreed" }))).toEqual(["[3] Bob replies: agreed"]);
  });

  it("an emote, public and direct (a DM emote says it was private)", () => {
    const lines = messageLines(message({ text: "/me waves" }), 3, reader);
    expect(lines.map(plainText)).toEqual(["[3] * Bob waves"]);
    expect(lines[0]?.at(-1)?.tone).toBe("emote");
    expect(shown(message({ text: "/me " }))).toEqual(["[3] Bob says: /me "]);
    expect(shown(message({ text: "/me   " }))).toEqual(["[3] Bob says: /me   "]);
    expect(shown(message({ text: "/me winks", to: "u-ann" }))).toEqual(["[3] * Bob winks (to you)"]);
    expect(shown(message({ text: "/me winks", to: "u-bob", authorId: "u-ann", authorName: "Ann" }))).toEqual(["[3] * Ann winks (to Bob)"]);
  });

  it("DMs in and out", () => {
    const incoming = messageLines(message({ to: "u-ann", text: "psst" }), 5, reader);
    expect(incoming.map(plainText)).toEqual(["[5] Bob tells you: psst"]);
    expect(tones(incoming[0] ?? [])).toContain("direct");
    expect(shown(message({ authorId: "u-ann", authorName: "Ann", to: "u-carol", text: "hi" }))).toEqual(["[3] You tell Carol: hi"]);
    expect(shown(message({ authorId: "u-ann", authorName: "Ann", to: "u-gone", text: "hi" }))).toEqual(["[3] You tell someone: hi"]);
  });

  it("highlights a mention of the reader (any case), not of others and not in your own lines", () => {
    const line = messageLines(message({ text: "hey @ANN look" }), 3, reader)[0] ?? [];
    expect(plainText(line)).toBe("[3] Bob says: hey @ANN look");
    expect(line.at(-1)?.tone).toBe("mention");
    expect(messageLines(message({ text: "hey @annie" }), 3, reader)[0]?.at(-1)?.tone).toBe("speech");
    expect(messageLines(message({ text: "email ann@example.com" }), 3, reader)[0]?.at(-1)?.tone).toBe("speech");
    expect(messageLines(message({ text: "me, @ann", authorId: "u-ann", authorName: "Ann" }), 3, reader)[0]?.at(-1)?.tone).toBe("speech");
  });

  it("edited, deleted (no longer 'edited') and reactions", () => {
    expect(shown(message({ editedTs: 5 }))).toEqual(["[3] Bob says: hello (edited)"]);
    expect(shown(message({ deleted: true, text: "" }))).toEqual(["[3] Bob says: (deleted)"]);
    expect(shown(message({ deleted: true, editedTs: 5, text: "/me waves" }))).toEqual(["[3] Bob says: (deleted)"]);
    expect(messageLines(message({ deleted: true, text: "@ann" }), 3, reader)[0]?.at(-1)?.tone).toBe("speech");
    expect(shown(message({ reactions: { "👍": ["a", "b"], "🎉": ["c"], "😢": [] } }))).toEqual(["[3] Bob says: hello", "    👍 2  🎉 1"]);
  });

  it("multi-line text continues indented, each line inert, mention tone carried on", () => {
    expect(shown(message({ text: "one\ntwo\r\nthree" }))).toEqual(["[3] Bob says: one", "    two", "    three"]);
    const lines = messageLines(message({ text: "@ann\nsee\x1b[2J" }), 3, reader);
    expect(lines.map(plainText)).toEqual(["[3] Bob says: @ann", "    see␛[2J"]);
    expect(lines[1]?.at(-1)?.tone).toBe("mention");
  });

  it("hostile author names and text are inert", () => {
    expect(shown(message({ authorName: "\x1b]0;x\x07Bob", text: "\x9b2J\u202Eevil" }))).toEqual(["[3] ␛]0;x␇Bob says: <9B>2J<U+202E>evil"]);
  });
});
