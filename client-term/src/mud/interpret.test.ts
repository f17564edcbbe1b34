import { MAX_TEXT_LENGTH, type MessageData } from "@mesh/schema";
import { describe, expect, it } from "vitest";
import { COMMAND_WORDS, complete, interpret, type Outcome, suggest } from "./interpret.ts";
import { plainText, renderLine } from "./text.ts";
import { testMessage as message, testPerson as person } from "./test-world.ts";
import type { PersonView, RoomView, WorldView } from "./world.ts";

// ---- a small world -------------------------------------------------------------------------

const SELF = "u-ann";



const lobby: RoomView = {
  id: "lobby",
  name: "The Lobby",
  topic: "Where everyone starts",
  width: 30,
  depth: 30,
  exits: { north: "garden", east: "hall", down: "cellar" },
  names: { garden: "The Garden", hall: "Great Hall" },
};

/** Ann in the middle of a 30×30 lobby; Bot-8 beside her, the rest spread about (nearest first: Bot-8, Bob, Rex, Carol, Bot-7). */
const people: PersonView[] = [
  person(SELF, "Ann", 15, 15),
  person("u-bob", "Bob", 15, 25, { moving: true, heading: Math.PI / 2 }),
  person("b-7", "Bot-7", 25, 5, { kind: "bot", ownerId: SELF, order: { id: "o1", kind: "move_to", status: "active", targetId: "", x: 1, z: 1, note: "" } }),
  person("b-8", "Bot-8", 16, 15, { kind: "bot", ownerId: SELF }),
  person("u-carol", "Carol", 2, 15, { status: "away", typing: true }),
  person("b-rex", "Rex", 15, 3, { kind: "bot", ownerId: "u-bob" }),
];

const messages = new Map<number, MessageData>([
  [1, message("m1", { text: "hello @ann" })],
  [2, message("m2", { to: SELF, text: "psst" })],
  [3, message("m3", { threadId: "m1", text: "in a thread" })],
]);

function world(extra: Partial<WorldView> = {}): WorldView {
  return {
    selfId: SELF,
    selfName: "Ann",
    room: lobby,
    people,
    numbered: (n) => messages.get(n),
    mayCommand: (bot) => bot.ownerId === SELF,
    ...extra,
  };
}

const run = (input: string, w: WorldView = world()) => interpret(input, w);
const texts = (outcome: Outcome) => outcome.lines.map(plainText);
/** The one error line an outcome should be, with no action. */
function refusal(input: string, w: WorldView = world()): string {
  const outcome = run(input, w);
  expect(outcome.actions).toEqual([]);
  expect(outcome.lines).toHaveLength(1);
  expect(outcome.lines[0]?.[0]?.tone).toBe("error");
  return plainText(outcome.lines[0] ?? []);
}
const only = (input: string, w: WorldView = world()) => {
  const outcome = run(input, w);
  expect(outcome.lines).toEqual([]);
  expect(outcome.actions).toHaveLength(1);
  return outcome.actions[0];
};
const byName = (name: string) => people.find((p) => p.name === name) as PersonView;

// ---- commands ------------------------------------------------------------------------------

describe("look", () => {
  const expected = [
    "The Lobby (lobby)",
    "Where everyone starts",
    "Exits: north to The Garden, east to Great Hall, down to cellar",
    "Here with you (5):",
    "  Bot-8 (bot) is right beside you",
    "  Bob is near the north wall, walking east",
    "  Rex (bot) is near the south wall",
    "  Carol is near the west wall [away] (typing…)",
    "  Bot-7 (bot) is in the south-east corner — move to (active)",
    "You are in the middle.",
  ];

  it("names the room, its topic and exits (with the rooms behind them) and who is here, nearest first", () => {
    expect(texts(run("look"))).toEqual(expected);
    expect(run("look").actions).toEqual([]);
    expect(texts(run("l"))).toEqual(expected);
    expect(texts(run("  LOOK  "))).toEqual(expected);
  });

  it("marks bots, you and people each in their own tone", () => {
    const lines = run("look").lines;
    expect(lines[4]?.find((s) => s.text === "Bot-8")?.tone).toBe("bot");
    expect(lines[5]?.find((s) => s.text === "Bob")?.tone).toBe("name");
    expect(lines[0]?.[0]?.tone).toBe("room");
  });

  it("says when nobody else is here, and when there are no exits or topic", () => {
    const alone = world({ people: [person(SELF, "Ann", 29, 29)], room: { ...lobby, topic: "", exits: {} } });
    expect(texts(run("look", alone))).toEqual(["The Lobby (lobby)", "There are no exits.", "Nobody else is here.", "You are in the north-east corner."]);
  });

  it("says you are nowhere before the first room", () => {
    expect(texts(run("look", world({ room: undefined, people: [] })))).toEqual(["You are nowhere yet."]);
  });

  it("lists the first 40 and counts the rest", () => {
    const crowd = [person(SELF, "Ann", 0, 0), ...Array.from({ length: 45 }, (_, i) => person(`p${i}`, `P${String(i).padStart(2, "0")}`, 1 + i * 0.5, 1))];
    const lines = texts(run("look", world({ people: crowd })));
    expect(lines).toContain("Here with you (45):");
    expect(lines.filter((l) => l.startsWith("  P"))).toHaveLength(40);
    expect(lines).toContain("  … and 5 more (who lists everyone)");
  });
});

describe("go", () => {
  it("goes through each exit by word, short letter and bare direction", () => {
    expect(only("go north")).toEqual({ kind: "go", direction: "north", roomId: "garden" });
    expect(only("go N")).toEqual({ kind: "go", direction: "north", roomId: "garden" });
    expect(only("north")).toEqual({ kind: "go", direction: "north", roomId: "garden" });
    expect(only("n")).toEqual({ kind: "go", direction: "north", roomId: "garden" });
    expect(only("e")).toEqual({ kind: "go", direction: "east", roomId: "hall" });
    expect(only("East")).toEqual({ kind: "go", direction: "east", roomId: "hall" });
    expect(only("d")).toEqual({ kind: "go", direction: "down", roomId: "cellar" });
    expect(only("go down")).toEqual({ kind: "go", direction: "down", roomId: "cellar" });
    const everywhere = world({ room: { ...lobby, exits: { north: "r-n", south: "r-s", east: "r-e", west: "r-w", up: "r-u", down: "r-d" } } });
    for (const [short, long] of [
      ["n", "north"],
      ["s", "south"],
      ["e", "east"],
      ["w", "west"],
      ["u", "up"],
      ["d", "down"],
    ] as const) {
      const expected = { kind: "go", direction: long, roomId: `r-${short}` };
      expect(only(short, everywhere)).toEqual(expected);
      expect(only(long, everywhere)).toEqual(expected);
      expect(only(`go ${long}`, everywhere)).toEqual(expected);
      expect(only(`go ${short}`, everywhere)).toEqual(expected);
    }
  });

  it("refuses an exit the room lacks, listing the exits it has", () => {
    expect(refusal("go south")).toBe("There is no exit south. Exits: north, east, down.");
    expect(refusal("w")).toBe("There is no exit west. Exits: north, east, down.");
    expect(refusal("up")).toBe("There is no exit up. Exits: north, east, down.");
    expect(refusal("s", world({ room: { ...lobby, exits: {} } }))).toBe("There is no exit south. This room has no exits.");
  });

  it("refuses an exit whose id is no room id (a hostile server's escape sequence would reach the prompt raw)", () => {
    const hostile = world({ room: { ...lobby, exits: { north: "\u001b]0;owned\u0007", south: "UPPER" } } });
    expect(refusal("n", hostile)).toBe("The exit north leads nowhere a room id can name.");
    expect(refusal("go south", hostile)).toBe("The exit south leads nowhere a room id can name.");
  });

  it("refuses no direction, a word that is not one, and going before there is a room", () => {
    expect(refusal("go")).toBe("Go where? Exits are listed by look.");
    expect(refusal("go nowhere")).toBe("'nowhere' is not a direction: north, south, east, west, up or down.");
    expect(refusal("n", world({ room: undefined }))).toBe("You are not in a room yet.");
  });
});

describe("say and emote", () => {
  it("says with say, ' and \", trimming the text", () => {
    expect(only("say hello there")).toEqual({ kind: "say", text: "hello there" });
    expect(only("SAY  hi  ")).toEqual({ kind: "say", text: "hi" });
    expect(only("'hello")).toEqual({ kind: "say", text: "hello" });
    expect(only("' hello")).toEqual({ kind: "say", text: "hello" });
    expect(only('"hello')).toEqual({ kind: "say", text: "hello" });
    expect(only("say 'quoted' words")).toEqual({ kind: "say", text: "'quoted' words" });
  });

  it("emotes with emote, me and :, as /me", () => {
    expect(only("emote waves")).toEqual({ kind: "say", text: "/me waves" });
    expect(only("me waves")).toEqual({ kind: "say", text: "/me waves" });
    expect(only(":waves")).toEqual({ kind: "say", text: "/me waves" });
    expect(only(": waves back")).toEqual({ kind: "say", text: "/me waves back" });
  });

  it("asks what, when there is nothing to say", () => {
    expect(refusal("say")).toBe("Say what?");
    expect(refusal("say    ")).toBe("Say what?");
    expect(refusal("'")).toBe("Say what?");
    expect(refusal("emote")).toBe("Emote what?");
    expect(refusal(":")).toBe("Emote what?");
  });

  it("refuses text longer than a message holds, counting characters as the server does", () => {
    expect(only(`say ${"a".repeat(MAX_TEXT_LENGTH)}`)).toEqual({ kind: "say", text: "a".repeat(MAX_TEXT_LENGTH) });
    // 8000 emoji are 16000 UTF-16 units, but 8000 characters: allowed.
    expect(run(`say ${"😀".repeat(MAX_TEXT_LENGTH)}`).actions).toHaveLength(1);
    expect(refusal(`say ${"a".repeat(MAX_TEXT_LENGTH + 1)}`)).toBe("That is 8001 characters; a message holds at most 8000.");
  });

  it("counts an emote's /me toward the limit, so the server never refuses what the interpreter passed", () => {
    const fits = "a".repeat(MAX_TEXT_LENGTH - 4);
    expect(only(`emote ${fits}`)).toEqual({ kind: "say", text: `/me ${fits}` });
    expect(refusal(`emote ${fits}a`)).toBe("That is 7997 characters; this holds at most 7996.");
  });
});

describe("tell", () => {
  const bob = byName("Bob");
  it("finds the one named: exactly, in any case, by a unique prefix or as @name", () => {
    expect(only("tell Bob hi there")).toEqual({ kind: "tell", to: bob, text: "hi there" });
    expect(only("tell bob hi")).toEqual({ kind: "tell", to: bob, text: "hi" });
    expect(only("tell @BOB hi")).toEqual({ kind: "tell", to: bob, text: "hi" });
    expect(only("tell car are you there?")).toEqual({ kind: "tell", to: byName("Carol"), text: "are you there?" });
    expect(only("whisper rex hi")).toEqual({ kind: "tell", to: byName("Rex"), text: "hi" });
    expect(only("dm bob hi")).toEqual({ kind: "tell", to: bob, text: "hi" });
  });

  it("prefers an exact name over a longer one it prefixes", () => {
    const w = world({ people: [...people, person("u-bobby", "Bobby", 1, 1)] });
    expect(only("tell bob hi", w)).toEqual({ kind: "tell", to: bob, text: "hi" });
  });

  it("refuses an ambiguous prefix, nobody, yourself, no one named and nothing to say", () => {
    expect(refusal("tell bo hi")).toBe("'bo' could be Bob, Bot-7, Bot-8.");
    expect(refusal("tell zed hi")).toBe("Nobody called 'zed' is here.");
    expect(refusal("tell ann hi")).toBe("Talking to yourself? Say it out loud instead.");
    expect(refusal("tell")).toBe("Tell whom what? tell <name> <text>");
    expect(refusal("tell @ hi")).toBe("Whom?");
    expect(refusal("tell bob")).toBe("Tell Bob what?");
    expect(refusal("tell bob    ")).toBe("Tell Bob what?");
  });
});

describe("reply and react", () => {
  it("replies to a numbered message, with or without brackets", () => {
    expect(only("reply 1 thanks")).toEqual({ kind: "reply", message: messages.get(1), text: "thanks" });
    expect(only("reply [3] more")).toEqual({ kind: "reply", message: messages.get(3), text: "more" });
  });

  it("refuses an unknown number, a word, a DM and an empty reply", () => {
    expect(refusal("reply 9 hi")).toBe("There is no message [9] here; history shows the numbers.");
    expect(refusal("reply 0 hi")).toBe("Which message? Use the number in [brackets] before it.");
    expect(refusal("reply -1 hi")).toBe("Which message? Use the number in [brackets] before it.");
    expect(refusal("reply one hi")).toBe("Which message? Use the number in [brackets] before it.");
    expect(refusal("reply 0x1 hi")).toBe("Which message? Use the number in [brackets] before it.");
    expect(refusal("reply 1.0 hi")).toBe("Which message? Use the number in [brackets] before it.");
    expect(refusal("reply")).toBe("Which message? Use the number in [brackets] before it.");
    expect(refusal("reply 2 hi")).toBe("That is a direct message; answer it with tell.");
    expect(refusal("reply 1")).toBe("Reply what?");
  });

  it("reacts with one emoji, to any message including a DM", () => {
    expect(only("react 1 👍")).toEqual({ kind: "react", message: messages.get(1), emoji: "👍" });
    expect(only("react [2] 🎉")).toEqual({ kind: "react", message: messages.get(2), emoji: "🎉" });
    expect(only("react 1 👨‍👩‍👧")).toEqual({ kind: "react", message: messages.get(1), emoji: "👨‍👩‍👧" });
  });

  it("refuses a missing emoji, two of them, a word and an unknown number", () => {
    expect(refusal("react 1")).toBe("React with what? react <n> <emoji>, e.g. react 3 👍");
    expect(refusal("react 1 👍 🎉")).toBe("React with what? react <n> <emoji>, e.g. react 3 👍");
    expect(refusal("react 1 +1")).toBe("That is not one emoji; react <n> <emoji>, e.g. react 3 👍");
    expect(refusal("react 1 👍👍")).toBe("That is not one emoji; react <n> <emoji>, e.g. react 3 👍");
    expect(refusal("react 7 👍")).toBe("There is no message [7] here; history shows the numbers.");
    expect(refusal("react")).toBe("Which message? Use the number in [brackets] before it.");
  });
});

describe("walk", () => {
  it("walks to a point, with or without 'to'", () => {
    expect(only("walk to 3 4")).toEqual({ kind: "walk", x: 3, z: 4 });
    expect(only("walk 0 30")).toEqual({ kind: "walk", x: 0, z: 30 });
    expect(only("walkto 2.5 7")).toEqual({ kind: "walk", x: 2.5, z: 7 });
  });

  it("walks to a step from someone, on your side of them", () => {
    // Bob is 10 north of Ann: one step south of him, toward her.
    expect(only("walk to bob")).toEqual({ kind: "walk", x: 15, z: 24, toward: "Bob" });
    expect(only("walk @Carol")).toEqual({ kind: "walk", x: 3, z: 15, toward: "Carol" });
  });

  it("stays inside the room when walking to someone against a wall", () => {
    const w = world({ people: [person(SELF, "Ann", 10, 10), person("u-x", "Xen", 0, 10)] });
    // Ann is east of Xen: a step east of him.
    expect(only("walk to xen", w)).toEqual({ kind: "walk", x: 1, z: 10, toward: "Xen" });
    const noSelf = world({ people: [person("u-x", "Xen", 5, 0)] });
    expect(only("walk to xen", noSelf)).toEqual({ kind: "walk", x: 5, z: 0, toward: "Xen" });
  });

  it("refuses a point outside the room, yourself, nobody, nothing and no room", () => {
    expect(refusal("walk to 31 4")).toBe("That is outside the room: x from 0 to 30, z from 0 to 30.");
    expect(refusal("walk to -1 4")).toBe("That is outside the room: x from 0 to 30, z from 0 to 30.");
    expect(refusal("walk to ann")).toBe("You are already there.");
    expect(refusal("walk to zed")).toBe("Nobody called 'zed' is here.");
    expect(refusal("walk to Infinity 4")).toBe("Nobody called 'infinity 4' is here.");
    expect(refusal("walk")).toBe("Walk to whom, or where? walk to <name> or walk to <x> <z>");
    expect(refusal("walk to")).toBe("Walk to whom, or where? walk to <name> or walk to <x> <z>");
    expect(refusal("walk to 1 1", world({ room: undefined }))).toBe("You are not in a room yet.");
  });
});

describe("who, rooms, join, history, quit", () => {
  it("asks the session for who and rooms", () => {
    expect(only("who")).toEqual({ kind: "who" });
    expect(only("rooms")).toEqual({ kind: "rooms" });
  });

  it("joins a room by id, in any case, and refuses what cannot be one", () => {
    expect(only("join garden")).toEqual({ kind: "join", roomId: "garden" });
    expect(only("enter my_room-2")).toEqual({ kind: "join", roomId: "my_room-2" });
    expect(only("join Garden")).toEqual({ kind: "join", roomId: "garden" });
    expect(refusal("join")).toBe("Join which room? rooms lists them.");
    expect(refusal("join the garden")).toBe("That is not a room id; rooms lists them.");
    expect(refusal("join ../etc")).toBe("That is not a room id; rooms lists them.");
    expect(refusal(`join ${"a".repeat(65)}`)).toBe("That is not a room id; rooms lists them.");
  });

  it("asks for history: 10 by default, n, at most 100", () => {
    expect(only("history")).toEqual({ kind: "history", count: 10 });
    expect(only("h")).toEqual({ kind: "history", count: 10 });
    expect(only("history 25")).toEqual({ kind: "history", count: 25 });
    expect(only("history 1")).toEqual({ kind: "history", count: 1 });
    expect(only("history 100")).toEqual({ kind: "history", count: 100 });
    expect(only("history 5000")).toEqual({ kind: "history", count: 100 });
    for (const bad of ["0", "-3", "2.5", "lots", "NaN"]) expect(refusal(`history ${bad}`)).toBe("history takes a number from 1 to 100.");
  });

  it("quits with quit, exit, q and logout", () => {
    for (const word of ["quit", "exit", "q", "logout", "QUIT"]) expect(only(word)).toEqual({ kind: "quit" });
  });

  it("does nothing for an empty or blank line", () => {
    expect(run("")).toEqual({ lines: [], actions: [] });
    expect(run("   \t ")).toEqual({ lines: [], actions: [] });
    expect(run("\r\n")).toEqual({ lines: [], actions: [] });
  });
});

describe("order", () => {
  const bot7 = byName("Bot-7");
  const bot8 = byName("Bot-8");
  it("orders one of your bots, several by commas (spaces allowed), or all of them", () => {
    expect(only("order bot-7 stop")).toEqual({ kind: "order", agents: [bot7], order: { kind: "stop" } });
    expect(only("command Bot-7 stop")).toEqual({ kind: "order", agents: [bot7], order: { kind: "stop" } });
    expect(only("order bot-7,bot-8 stop")).toEqual({ kind: "order", agents: [bot7, bot8], order: { kind: "stop" } });
    expect(only("order bot-7, bot-8 stop")).toEqual({ kind: "order", agents: [bot7, bot8], order: { kind: "stop" } });
    expect(only("order bot-7 , bot-8,bot-7 stop")).toEqual({ kind: "order", agents: [bot7, bot8], order: { kind: "stop" } });
    expect(only("order all stop")).toEqual({ kind: "order", agents: [bot7, bot8], order: { kind: "stop" } });
    expect(only("order ALL stop")).toEqual({ kind: "order", agents: [bot7, bot8], order: { kind: "stop" } });
  });

  it("builds each kind of order", () => {
    expect(only("order bot-7 move 3 4")).toEqual({ kind: "order", agents: [bot7], order: { kind: "move_to", x: 3, z: 4 } });
    expect(only("order bot-7 move to 3 4")).toEqual({ kind: "order", agents: [bot7], order: { kind: "move_to", x: 3, z: 4 } });
    expect(only("order bot-7 move to carol")).toEqual({ kind: "order", agents: [bot7], order: { kind: "move_to", x: 2, z: 15 } });
    expect(only("order bot-7 MOVE bob")).toEqual({ kind: "order", agents: [bot7], order: { kind: "move_to", x: 15, z: 25 } });
    expect(only("order bot-7 follow ann")).toEqual({ kind: "order", agents: [bot7], order: { kind: "follow", targetId: SELF } });
    expect(only("order bot-7 follow @bob")).toEqual({ kind: "order", agents: [bot7], order: { kind: "follow", targetId: "u-bob" } });
    expect(only("order bot-7 say hello, world")).toEqual({ kind: "order", agents: [bot7], order: { kind: "say", text: "hello, world" } });
    expect(only("order bot-7, bot-8 task tidy the garden ,  please")).toEqual({
      kind: "order",
      agents: [bot7, bot8],
      order: { kind: "task", text: "tidy the garden ,  please" },
    });
  });

  it("refuses people, someone else's bot, nobody and no bots of yours", () => {
    expect(refusal("order bob stop")).toBe("Bob is not a bot; people take no orders.");
    expect(refusal("order rex stop")).toBe("Rex is not yours to command.");
    expect(refusal("order bot-7,rex stop")).toBe("Rex is not yours to command.");
    expect(refusal("order zed stop")).toBe("Nobody called 'zed' is here.");
    expect(refusal("order bot stop")).toBe("'bot' could be Bot-7, Bot-8.");
    expect(refusal("order all stop", world({ people: people.filter((p) => p.ownerId !== SELF) }))).toBe("None of your bots is in this room.");
    expect(refusal("order")).toBe("Order whom? order <bot> move <x> <z> | follow <name> | stop | say <text> | task <text>");
    expect(refusal("order ,")).toBe("Order whom? order <bot> move <x> <z> | follow <name> | stop | say <text> | task <text>");
  });

  it("refuses an unknown or missing kind and orders with missing parts", () => {
    expect(refusal("order bot-7")).toBe("Order what? move, follow, stop, say, task");
    expect(refusal("order bot-7 dance")).toBe("Orders are move, follow, stop, say, task.");
    expect(refusal("order bot-7 move")).toBe("Move where? move <x> <z> or move to <name>");
    expect(refusal("order bot-7 move to")).toBe("Move where? move <x> <z> or move to <name>");
    expect(refusal("order bot-7 move 40 4")).toBe("That is outside the room: x from 0 to 30, z from 0 to 30.");
    expect(refusal("order bot-7 move to zed")).toBe("Nobody called 'zed' is here.");
    expect(refusal("order bot-7 follow")).toBe("Follow whom? order <bot> follow <name>");
    expect(refusal("order bot-7 follow zed")).toBe("Nobody called 'zed' is here.");
    expect(refusal("order bot-7,bot-8 follow bot-8")).toBe("Bot-8 cannot follow itself.");
    expect(refusal("order bot-7 say")).toBe("Say what?");
    expect(refusal("order bot-7 task   ")).toBe("Task what?");
    expect(refusal(`order bot-7 say ${"x".repeat(MAX_TEXT_LENGTH + 1)}`)).toBe("That is 8001 characters; a message holds at most 8000.");
  });
});

describe("help", () => {
  it("lists every command with its summary", () => {
    const lines = texts(run("help"));
    expect(lines[0]).toBe("Commands (help <command> for more):");
    expect(lines).toHaveLength(COMMAND_WORDS.length + 2);
    for (const word of COMMAND_WORDS) expect(lines.some((l) => l.trimStart().startsWith(word))).toBe(true);
    expect(lines).toContain("  look     the room, its exits and who is here");
    expect(lines.at(-1)).toBe("Anything you type that starts with ' is said; : emotes. Tab completes commands, names and exits.");
    expect(texts(run("?"))).toEqual(lines);
  });

  it("shows one command in full, found by its name or an alias", () => {
    expect(texts(run("help go"))).toEqual([
      "go <exit>   (or n s e w u d)",
      "  leave through an exit into the room behind it",
      "  also: north south east west up down n s e w u d",
    ]);
    expect(texts(run("help n"))).toEqual(texts(run("help go")));
    expect(texts(run("help WHO"))).toEqual(["who", "  everyone online, in every room, with their client and status"]);
    expect(texts(run("help '"))[0]).toBe("say <text>   (or 'text)");
  });

  it("says when there is no such command, suggesting the nearest", () => {
    expect(refusal("help lok")).toBe("No command 'lok'. Did you mean 'look'?");
    expect(refusal("help xyzzy")).toBe("No command 'xyzzy'.");
  });
});

describe("unknown commands", () => {
  it("suggest the nearest command for a typo, a swap of two letters or a start", () => {
    expect(refusal("lok")).toBe("Unknown command 'lok'. Did you mean 'look'?");
    expect(refusal("sya hi")).toBe("Unknown command 'sya'. Did you mean 'say'?");
    expect(refusal("hepl")).toBe("Unknown command 'hepl'. Did you mean 'help'?");
    expect(refusal("tlel bob hi")).toBe("Unknown command 'tlel'. Did you mean 'tell'?");
    expect(refusal("histroy")).toBe("Unknown command 'histroy'. Did you mean 'history'?");
    expect(refusal("Emot waves")).toBe("Unknown command 'emot'. Did you mean 'emote'?");
    expect(suggest("roo")).toBe("rooms");
    expect(suggest("ordr")).toBe("order");
  });

  it("point to help when nothing is near", () => {
    expect(refusal("xyzzy")).toBe("Unknown command 'xyzzy'. Type help for the list.");
    expect(refusal("dance now")).toBe("Unknown command 'dance'. Type help for the list.");
    expect(suggest("zz")).toBeUndefined();
    expect(suggest("abcdefgh")).toBeUndefined();
  });
});

// ---- bad input -----------------------------------------------------------------------------

describe("bad input", () => {
  const huge = "a".repeat(100_000);
  const longest = (outcome: Outcome) => Math.max(0, ...outcome.lines.map((l) => plainText(l).length));

  it("a 100,000-character word is one short line, not an echo", () => {
    const started = performance.now();
    const outcome = run(huge);
    expect(performance.now() - started).toBeLessThan(500);
    expect(texts(outcome)).toEqual([`Unknown command '${"a".repeat(40)}…'. Type help for the list.`]);
  });

  it("a 100,000-character say, emote, tell or order text is refused by its length, not echoed", () => {
    for (const input of [`say ${huge}`, `'${huge}`, `emote ${huge}`, `tell bob ${huge}`, `reply 1 ${huge}`, `order bot-7 say ${huge}`]) {
      const outcome = run(input);
      expect(outcome.actions).toEqual([]);
      expect(texts(outcome)[0]).toMatch(/^That is 100000 characters; (a message|this) holds at most (8000|7996)\.$/);
    }
  });

  it("100,000 characters anywhere else in a command never come back whole", () => {
    for (const input of [
      `go ${huge}`,
      `tell ${huge} hi`,
      `walk to ${huge}`,
      `join ${huge}`,
      `history ${huge}`,
      `react 1 ${huge}`,
      `reply ${huge} hi`,
      `help ${huge}`,
      `order ${huge} stop`,
      `order ${"a,".repeat(50_000)} stop`,
      `order bot-7 ${huge}`,
      `order bot-7 follow ${huge}`,
      ` ${" ,".repeat(50_000)}x`,
    ]) {
      const started = performance.now();
      const outcome = run(input);
      expect(performance.now() - started).toBeLessThan(500);
      expect(outcome.actions).toEqual([]);
      expect(longest(outcome)).toBeLessThan(200);
    }
  });

  it("cuts an echoed word between characters, never inside one", () => {
    const text = texts(run(`x${"😀".repeat(100)}`))[0] ?? "";
    expect(text).toBe(`Unknown command 'x${"😀".repeat(39)}…'. Type help for the list.`);
    expect(text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  const hostile = [
    "\x1b]0;pwned\x07",
    "\x1b[2J\x1b[H",
    "\x1b[31mred",
    "\x9b2J",
    "\x9d0;title\x9c",
    "\x07\x08\x0b\x0c\x0e\x0f\x7f",
    "\u202Eevil\u202C",
    "\u2066iso\u2069",
  ];
  const inputs = hostile.flatMap((h) => [
    `${h}`,
    `lo${h}ok`,
    `go ${h}`,
    `tell ${h} hi`,
    `tell bob${h} hi`,
    `walk to ${h}`,
    `help ${h}`,
    `order ${h} stop`,
    `order bot-7 follow ${h}`,
    `order bot-7 ${h}`,
    `reply 1${h} hi`,
    `react 1 ${h}`,
    `join ${h}`,
    `history ${h}`,
    `look${h}`,
  ]);

  it("control characters and escape sequences in a line come back inert: no raw C0, DEL or C1, and no ESC but the renderer's own colours", () => {
    const sgr = /\x1b\[[0-9;]*m/g;
    for (const input of inputs) {
      const outcome = run(input);
      for (const printed of outcome.lines) {
        const plain = renderLine(printed, { color: false });
        expect(plain, JSON.stringify(input)).not.toMatch(/[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/);
        const coloured = renderLine(printed, { color: true });
        expect(coloured.replace(sgr, ""), JSON.stringify(input)).not.toMatch(/[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/);
      }
    }
  });

  it("shows what was sent, visibly", () => {
    expect(refusal("go \x1b[2J")).toBe("'␛[2j' is not a direction: north, south, east, west, up or down.");
    expect(refusal("tell \x9b31m hi")).toBe("Nobody called '<9B>31m' is here.");
  });
});

// ---- completion ----------------------------------------------------------------------------

describe("complete", () => {
  const w = world();
  it("completes command words, sorted, replacing the word typed", () => {
    expect(complete("", w)).toEqual([[...COMMAND_WORDS].sort(), ""]);
    expect(complete("h", w)).toEqual([["help", "history"], "h"]);
    expect(complete("  Lo", w)).toEqual([["look"], "Lo"]);
    expect(complete("zz", w)).toEqual([[], "zz"]);
  });

  it("completes exits after go", () => {
    expect(complete("go ", w)).toEqual([["down", "east", "north"], ""]);
    expect(complete("go n", w)).toEqual([["north"], "n"]);
    expect(complete("n ", w)).toEqual([[], ""]);
    expect(complete("go north x", w)).toEqual([[], "x"]);
  });

  it("completes names (not yours) after tell, walk to and help's commands after help", () => {
    expect(complete("tell ", w)).toEqual([["Bob", "Bot-7", "Bot-8", "Carol", "Rex"], ""]);
    expect(complete("tell bo", w)).toEqual([["Bob", "Bot-7", "Bot-8"], "bo"]);
    expect(complete("dm c", w)).toEqual([["Carol"], "c"]);
    expect(complete("tell a", w)).toEqual([[], "a"]);
    expect(complete("tell bob he", w)).toEqual([[], "he"]);
    expect(complete("walk ", w)).toEqual([["Bob", "Bot-7", "Bot-8", "Carol", "Rex", "to"], ""]);
    expect(complete("walk t", w)).toEqual([["to"], "t"]);
    expect(complete("walk to c", w)).toEqual([["Carol"], "c"]);
    expect(complete("walk to carol x", w)).toEqual([[], "x"]);
    expect(complete("help wh", w)).toEqual([["who"], "wh"]);
  });

  it("completes your bots and all, then order kinds, then names for follow and move", () => {
    expect(complete("order ", w)).toEqual([["all", "Bot-7", "Bot-8"], ""]);
    expect(complete("order a", w)).toEqual([["all"], "a"]);
    expect(complete("order r", w)).toEqual([[], "r"]);
    expect(complete("order Bot-7,", w)).toEqual([["Bot-7,Bot-7", "Bot-7,Bot-8"], "Bot-7,"]);
    expect(complete("order Bot-7,bot-8", w)).toEqual([["Bot-7,Bot-8"], "Bot-7,bot-8"]);
    expect(complete("order bot-7 ", w)).toEqual([["follow", "move", "say", "stop", "task"], ""]);
    expect(complete("order bot-7 s", w)).toEqual([["say", "stop"], "s"]);
    expect(complete("order bot-7 follow c", w)).toEqual([["Carol"], "c"]);
    expect(complete("order bot-7 move ", w)).toEqual([["Bob", "Bot-7", "Bot-8", "Carol", "Rex", "to"], ""]);
    expect(complete("order bot-7 move to r", w)).toEqual([["Rex"], "r"]);
    expect(complete("order bot-7 move 3 ", w)).toEqual([[], ""]);
    expect(complete("order bot-7 say hel", w)).toEqual([[], "hel"]);
  });
});

describe("names and crowds", () => {
  it("never takes a prefix to mean yourself", () => {
    const anna = person("u-anna", "Annabel", 3, 3);
    const w = world({ people: [...people, anna] });
    // "ann" is exactly you: talking to yourself is refused, not matched to Annabel by prefix.
    expect(refusal("tell ann hi", w)).toMatch(/^Talking to yourself\?/);
  });

  it("picks the one other person a prefix fits, leaving yourself out", () => {
    const anna = person("u-anna", "Annabel", 3, 3);
    const w = world({ people: [...people, anna] });
    const action = only("tell an hi", w);
    expect(action).toMatchObject({ kind: "tell", to: { id: "u-anna" }, text: "hi" });
  });

  it("orders at most 500 bots at once with all", () => {
    const bots = Array.from({ length: 650 }, (_, i) => person(`b-x${i}`, `Drone-${i}`, 1, 1, { kind: "bot", ownerId: SELF }));
    const action = only("order all stop", world({ people: [...people, ...bots] }));
    expect(action?.kind === "order" && action.agents.length).toBe(500);
  });
});
