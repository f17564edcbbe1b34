import { EXIT_DIRECTIONS, type ExitDirection, emoji as emojiSchema, MAX_AGENTS_PER_COMMAND, MAX_TEXT_LENGTH, type OrderPayload, roomIdSchema } from "@mesh/schema";
import { distance as editDistance } from "fastest-levenshtein";
import { describeRoom } from "./describe.ts";
import { type Line, line, span } from "./text.ts";
import type { Action, PersonView, WorldView } from "./world.ts";

/** What one input line comes to: lines to print now, and actions for the session to carry out. */
export interface Outcome {
  lines: Line[];
  actions: Action[];
}

interface Command {
  name: string;
  aliases: readonly string[];
  usage: string;
  summary: string;
  run: (args: string, world: WorldView, name: string) => Outcome;
}

const SHORT_EXITS: Record<string, ExitDirection> = { n: "north", s: "south", e: "east", w: "west", u: "up", d: "down" };
const ORDER_KINDS = ["move", "follow", "stop", "say", "task"] as const;
const ORDER_WHOM = "Order whom? order <bot> move <x> <z> | follow <name> | stop | say <text> | task <text>";
/** How far an echoed unknown word may run before it is cut (a 100,000-character line stays one line). */
const ECHO_LIMIT = 40;
export const DEFAULT_HISTORY = 10;
export const MAX_HISTORY = 100;

const done = (...lines: Line[]): Outcome => ({ lines, actions: [] });
const act = (...actions: Action[]): Outcome => ({ lines: [], actions });
const problem = (text: string): Outcome => done(line(span(text, "error")));
/** A word as echoed back: cut at ECHO_LIMIT code points (never inside a surrogate pair). */
const clip = (word: string): string => {
  const head = Array.from(word.slice(0, ECHO_LIMIT * 2))
    .slice(0, ECHO_LIMIT)
    .join("");
  return head.length < word.length ? `${head}…` : word;
};
/** "/me " before an emote's text counts toward the server's limit. */
const EMOTE_PREFIX = "/me ";

const COMMANDS: readonly Command[] = [
  { name: "look", aliases: ["l"], usage: "look", summary: "the room, its exits and who is here", run: (_a, world) => done(...describeRoom(world)) },
  {
    name: "go",
    aliases: ["north", "south", "east", "west", "up", "down", ...Object.keys(SHORT_EXITS)],
    usage: "go <exit>   (or n s e w u d)",
    summary: "leave through an exit into the room behind it",
    run: (args, world, name) => go(name === "go" ? args.trim().toLowerCase() : name, world),
  },
  { name: "say", aliases: ["'"], usage: "say <text>   (or 'text)", summary: "say something to the room", run: (args) => say(args) },
  { name: "emote", aliases: [":", "me"], usage: "emote <text>   (or :text)", summary: "act: emote waves → * Ann waves", run: (args) => emote(args) },
  { name: "tell", aliases: ["whisper", "dm"], usage: "tell <name> <text>", summary: "a direct message only they see", run: (args, world) => tell(args, world) },
  { name: "reply", aliases: [], usage: "reply <n> <text>", summary: "answer message [n] in its thread", run: (args, world) => reply(args, world) },
  { name: "react", aliases: [], usage: "react <n> <emoji>", summary: "react to message [n]", run: (args, world) => react(args, world) },
  {
    name: "walk",
    aliases: ["walkto"],
    usage: "walk to <name>   or   walk to <x> <z>",
    summary: "walk across the room to someone or a point",
    run: (args, world) => walk(args, world),
  },
  { name: "who", aliases: [], usage: "who", summary: "everyone online, in every room, with their client and status", run: () => act({ kind: "who" }) },
  { name: "rooms", aliases: [], usage: "rooms", summary: "the rooms you can enter, with how many are in each", run: () => act({ kind: "rooms" }) },
  { name: "join", aliases: ["enter"], usage: "join <room id>", summary: "go straight to any room (rooms lists them)", run: (args) => join(args) },
  { name: "history", aliases: ["h"], usage: "history [n]", summary: `the last n messages (default ${DEFAULT_HISTORY}, at most ${MAX_HISTORY})`, run: (args) => history(args) },
  {
    name: "order",
    aliases: ["command"],
    usage: "order <bot>[,<bot>…|all] <move <x> <z>|move to <name>|follow <name>|stop|say <text>|task <text>>",
    summary: "give your bots an order",
    run: (args, world) => order(args, world),
  },
  { name: "help", aliases: ["?"], usage: "help [command]", summary: "this list, or one command in full", run: (args) => help(args) },
  { name: "quit", aliases: ["exit", "q", "logout"], usage: "quit", summary: "leave The Mesh", run: () => act({ kind: "quit" }) },
];

const BY_NAME = new Map<string, Command>();
for (const command of COMMANDS) {
  BY_NAME.set(command.name, command);
  for (const alias of command.aliases) BY_NAME.set(alias, command);
}

/** Every word that starts a command, for completion. */
export const COMMAND_WORDS: readonly string[] = COMMANDS.map((c) => c.name);

/**
 * Interpret one input line against the world as it is now. Pure: the same line and world give
 * the same outcome; nothing is sent or printed here.
 */
export function interpret(input: string, world: WorldView): Outcome {
  const text = input.replace(/^\s+/, "").replace(/[\r\n]+$/, "");
  if (text.trim() === "") return done();
  // MUD shorthands glued to their text: 'hello, :waves
  if (text.startsWith("'") || text.startsWith('"')) return say(text.slice(1));
  if (text.startsWith(":")) return emote(text.slice(1));
  const space = text.search(/\s/);
  const word = (space < 0 ? text : text.slice(0, space)).toLowerCase();
  const args = space < 0 ? "" : text.slice(space + 1);
  const command = BY_NAME.get(word);
  if (command) return command.run(args, world, word);
  const shown = clip(word);
  const near = suggest(word);
  return problem(near ? `Unknown command '${shown}'. Did you mean '${near}'?` : `Unknown command '${shown}'. Type help for the list.`);
}

/** The command nearest a mistyped word, when one is near enough to be what was meant. */
export function suggest(word: string): string | undefined {
  if (word.length > ECHO_LIMIT) return undefined;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of BY_NAME.keys()) {
    if (candidate.length < 2) continue;
    const d = candidate.startsWith(word) ? 0.5 : swapsOnce(word, candidate) ? 1 : editDistance(word, candidate);
    if (d < bestDistance) {
      bestDistance = d;
      best = BY_NAME.get(candidate)?.name;
    }
  }
  return bestDistance <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

/** Whether two words differ by one swap of neighbouring letters ("sya" for "say"): one typo, not two. */
function swapsOnce(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let at = 0;
  while (at < a.length && a[at] === b[at]) at++;
  return at + 1 < a.length && a[at] === b[at + 1] && a[at + 1] === b[at] && a.slice(at + 2) === b.slice(at + 2);
}

function go(where: string, world: WorldView): Outcome {
  if (!world.room) return problem("You are not in a room yet.");
  if (where === "") return problem("Go where? Exits are listed by look.");
  const direction = SHORT_EXITS[where] ?? EXIT_DIRECTIONS.find((d) => d === where);
  if (!direction) return problem(`'${clip(where)}' is not a direction: north, south, east, west, up or down.`);
  const roomId = world.room.exits[direction];
  if (!roomId) {
    const exits = EXIT_DIRECTIONS.filter((d) => world.room?.exits[d]);
    return problem(`There is no exit ${direction}.${exits.length > 0 ? ` Exits: ${exits.join(", ")}.` : " This room has no exits."}`);
  }
  // The exit comes from the server: an id that is no room id (a hostile server's escape sequence)
  // would be joined and then shown raw in the prompt, so it is refused like a typed one.
  if (!roomIdSchema.safeParse(roomId).success) return problem(`The exit ${direction} leads nowhere a room id can name.`);
  return act({ kind: "go", direction, roomId });
}

/** Text as the server will take it, or (as an Outcome) why not. */
function speech(text: string, what: string, max = MAX_TEXT_LENGTH): string | Outcome {
  const why = speechProblem(text, what, max);
  return why === undefined ? text.trim() : problem(why);
}

function speechProblem(text: string, what: string, max = MAX_TEXT_LENGTH): string | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return `${what} what?`;
  const length = [...trimmed].length;
  if (length > max) return `That is ${length} characters; ${max === MAX_TEXT_LENGTH ? "a message" : "this"} holds at most ${max}.`;
  return undefined;
}

function say(args: string): Outcome {
  const text = speech(args, "Say");
  return typeof text === "string" ? act({ kind: "say", text }) : text;
}

function emote(args: string): Outcome {
  const text = speech(args, "Emote", MAX_TEXT_LENGTH - EMOTE_PREFIX.length);
  return typeof text === "string" ? act({ kind: "say", text: `${EMOTE_PREFIX}${text}` }) : text;
}

/** The first word and the rest. */
function split(args: string): [string, string] {
  const trimmed = args.trim();
  const space = trimmed.search(/\s/);
  return space < 0 ? [trimmed, ""] : [trimmed.slice(0, space), trimmed.slice(space + 1)];
}

/** Someone in the room by name: exact (any case) first, then a unique prefix. */
export function findPerson(name: string, world: WorldView): PersonView | string {
  const wanted = name.replace(/^@/, "").toLowerCase();
  const shown = clip(wanted);
  if (wanted === "") return "Whom?";
  const exact = world.people.find((p) => p.name.toLowerCase() === wanted);
  if (exact) return exact;
  // A prefix never means yourself: "tell a" by Ann is about someone else whose name starts with a.
  const matches = world.people.filter((p) => p.id !== world.selfId && p.name.toLowerCase().startsWith(wanted));
  if (matches.length === 1) return matches[0] as PersonView;
  if (matches.length > 1) return `'${shown}' could be ${matches.map((p) => p.name).join(", ")}.`;
  return `Nobody called '${shown}' is here.`;
}

function tell(args: string, world: WorldView): Outcome {
  const [name, rest] = split(args);
  if (name === "") return problem("Tell whom what? tell <name> <text>");
  const person = findPerson(name, world);
  if (typeof person === "string") return problem(person);
  if (person.id === world.selfId) return problem("Talking to yourself? Say it out loud instead.");
  const text = speech(rest, `Tell ${person.name}`);
  return typeof text === "string" ? act({ kind: "tell", to: person, text }) : text;
}

function numbered(word: string, world: WorldView) {
  const digits = /^\[?(\d{1,15})\]?$/.exec(word)?.[1];
  const n = Number(digits);
  if (digits === undefined || n <= 0) return "Which message? Use the number in [brackets] before it.";
  return world.numbered(n) ?? `There is no message [${n}] here; history shows the numbers.`;
}

function reply(args: string, world: WorldView): Outcome {
  const [which, rest] = split(args);
  const message = numbered(which, world);
  if (typeof message === "string") return problem(message);
  if (message.to) return problem("That is a direct message; answer it with tell.");
  const text = speech(rest, "Reply");
  return typeof text === "string" ? act({ kind: "reply", message, text }) : text;
}

function react(args: string, world: WorldView): Outcome {
  const [which, rest] = split(args);
  const message = numbered(which, world);
  if (typeof message === "string") return problem(message);
  const emoji = rest.trim();
  if (emoji === "" || /\s/.test(emoji)) return problem("React with what? react <n> <emoji>, e.g. react 3 👍");
  if (!emojiSchema.safeParse(emoji).success) return problem("That is not one emoji; react <n> <emoji>, e.g. react 3 👍");
  return act({ kind: "react", message, emoji });
}

/** "x z" as two finite numbers. */
function point(words: string[]): { x: number; z: number } | undefined {
  if (words.length !== 2) return undefined;
  const [x, z] = words.map(Number) as [number, number];
  return Number.isFinite(x) && Number.isFinite(z) && words.every((w) => w.trim() !== "") ? { x, z } : undefined;
}

function walk(args: string, world: WorldView): Outcome {
  if (!world.room) return problem("You are not in a room yet.");
  const words = args.trim().split(/\s+/).filter(Boolean);
  if (words[0]?.toLowerCase() === "to") words.shift();
  if (words.length === 0) return problem("Walk to whom, or where? walk to <name> or walk to <x> <z>");
  const at = point(words);
  if (at) {
    const outside = outsideProblem(at, world.room);
    return outside ? problem(outside) : act({ kind: "walk", x: at.x, z: at.z });
  }
  const person = findPerson(words.join(" "), world);
  if (typeof person === "string") return problem(person);
  if (person.id === world.selfId) return problem("You are already there.");
  return act({ kind: "walk", ...beside(person, world), toward: person.name });
}

function outsideProblem(at: { x: number; z: number }, room: { width: number; depth: number }): string | undefined {
  const { width, depth } = room;
  return at.x < 0 || at.x > width || at.z < 0 || at.z > depth ? `That is outside the room: x from 0 to ${width}, z from 0 to ${depth}.` : undefined;
}

/** A point a step from someone, on your side of them, inside the room. */
function beside(person: PersonView, world: WorldView): { x: number; z: number } {
  const me = world.people.find((p) => p.id === world.selfId);
  const room = world.room as NonNullable<WorldView["room"]>;
  const dx = me ? me.x - person.x : 0;
  const dz = me ? me.z - person.z : -1;
  const length = Math.hypot(dx, dz) || 1;
  const clamp = (v: number, max: number) => Math.min(max, Math.max(0, v));
  return { x: clamp(person.x + dx / length, room.width), z: clamp(person.z + dz / length, room.depth) };
}

function join(args: string): Outcome {
  const roomId = args.trim().toLowerCase();
  if (roomId === "") return problem("Join which room? rooms lists them.");
  if (!roomIdSchema.safeParse(roomId).success) return problem("That is not a room id; rooms lists them.");
  return act({ kind: "join", roomId });
}

function history(args: string): Outcome {
  const word = args.trim();
  if (word === "") return act({ kind: "history", count: DEFAULT_HISTORY });
  const count = Number(word);
  if (!Number.isInteger(count) || count <= 0) return problem(`history takes a number from 1 to ${MAX_HISTORY}.`);
  return act({ kind: "history", count: Math.min(count, MAX_HISTORY) });
}

function order(args: string, world: WorldView): Outcome {
  // "a,b", "a, b" and "a , b" all name two bots; what follows the list is left as typed.
  const list = /^\s*([^\s,]*(?:\s*,\s*[^\s,]*)*)\s*([\s\S]*)$/.exec(args);
  const who = (list?.[1] ?? "").replace(/\s+/g, "");
  const rest = list?.[2] ?? "";
  if (who === "") return problem(ORDER_WHOM);
  const agents: PersonView[] = [];
  if (who.toLowerCase() === "all") {
    agents.push(...world.people.filter((p) => p.kind === "bot" && world.mayCommand(p)).slice(0, MAX_AGENTS_PER_COMMAND));
    if (agents.length === 0) return problem("None of your bots is in this room.");
  } else {
    for (const name of who.split(",").filter(Boolean)) {
      const bot = findPerson(name, world);
      if (typeof bot === "string") return problem(bot);
      if (bot.kind !== "bot") return problem(`${bot.name} is not a bot; people take no orders.`);
      if (!world.mayCommand(bot)) return problem(`${bot.name} is not yours to command.`);
      if (!agents.includes(bot)) agents.push(bot);
    }
    if (agents.length === 0) return problem(ORDER_WHOM);
  }
  const [kind, more] = split(rest);
  const payload = orderPayload(kind.toLowerCase(), more, world);
  if (typeof payload === "string") return problem(payload);
  const selfFollower = payload.kind === "follow" ? agents.find((a) => a.id === payload.targetId) : undefined;
  if (selfFollower) return problem(`${selfFollower.name} cannot follow itself.`);
  return act({ kind: "order", agents, order: payload });
}

function orderPayload(kind: string, more: string, world: WorldView): OrderPayload | string {
  switch (kind) {
    case "move": {
      const words = more.trim().split(/\s+/).filter(Boolean);
      if (words[0]?.toLowerCase() === "to") words.shift();
      const at = point(words);
      if (at) return (world.room && outsideProblem(at, world.room)) || { kind: "move_to", ...at };
      if (words.length === 0) return "Move where? move <x> <z> or move to <name>";
      const person = findPerson(words.join(" "), world);
      return typeof person === "string" ? person : { kind: "move_to", x: person.x, z: person.z };
    }
    case "follow": {
      if (more.trim() === "") return "Follow whom? order <bot> follow <name>";
      const person = findPerson(more.trim(), world);
      return typeof person === "string" ? person : { kind: "follow", targetId: person.id };
    }
    case "stop":
      return { kind: "stop" };
    case "say":
    case "task": {
      return speechProblem(more, kind === "say" ? "Say" : "Task") ?? { kind, text: more.trim() };
    }
    default:
      return kind === "" ? `Order what? ${ORDER_KINDS.join(", ")}` : `Orders are ${ORDER_KINDS.join(", ")}.`;
  }
}

function help(args: string): Outcome {
  const word = args.trim().toLowerCase();
  if (word !== "") {
    const command = BY_NAME.get(word);
    if (!command) {
      const near = suggest(word);
      return problem(`No command '${clip(word)}'.${near ? ` Did you mean '${near}'?` : ""}`);
    }
    const lines = [line(span(command.usage, "exit")), line(`  ${command.summary}`)];
    if (command.aliases.length > 0) lines.push(line(span(`  also: ${command.aliases.join(" ")}`, "dim")));
    return done(...lines);
  }
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return done(
    line(span("Commands (help <command> for more):", "notice")),
    ...COMMANDS.map((c) => line("  ", span(c.name.padEnd(width), "exit"), `  ${c.summary}`)),
    line(span("Anything you type that starts with ' is said; : emotes. Tab completes commands, names and exits.", "dim")),
  );
}

/**
 * Tab completion for the line so far: the candidates for its last word, and that word (what
 * readline's completer returns). Commands first; then exits after go, names after tell, walk
 * to, follow and order, order kinds after the bot.
 */
export function complete(input: string, world: WorldView): [string[], string] {
  const words = input.replace(/^\s+/, "").split(/\s+/);
  const last = words[words.length - 1] ?? "";
  const lower = last.toLowerCase();
  const pick = (options: readonly string[]) => [byLetters(options.filter((o) => o.toLowerCase().startsWith(lower))), last] as [string[], string];
  if (words.length <= 1) return pick(COMMAND_WORDS);
  const first = (words[0] ?? "").toLowerCase();
  const names = world.people.filter((p) => p.id !== world.selfId).map((p) => p.name);
  const exits = EXIT_DIRECTIONS.filter((d) => world.room?.exits[d]);
  const position = words.length - 1;
  const command = BY_NAME.get(first)?.name;
  switch (command) {
    case "go":
      // Only after go itself: "n " is already a whole command.
      return position === 1 && first === "go" ? pick(exits) : [[], last];
    case "tell":
      return position === 1 ? pick(names) : [[], last];
    case "walk":
      return position === 1 ? pick(["to", ...names]) : position === 2 && words[1]?.toLowerCase() === "to" ? pick(names) : [[], last];
    case "help":
      return position === 1 ? pick(COMMAND_WORDS) : [[], last];
    case "order": {
      const bots = world.people.filter((p) => p.kind === "bot" && world.mayCommand(p)).map((p) => p.name);
      if (position === 1) {
        // After "Bot-1,": complete the next bot, keeping those already listed.
        const comma = last.lastIndexOf(",");
        if (comma < 0) return pick(["all", ...bots]);
        const [listed, part] = [last.slice(0, comma + 1), last.slice(comma + 1).toLowerCase()];
        return [byLetters(bots.filter((b) => b.toLowerCase().startsWith(part))).map((b) => listed + b), last];
      }
      if (position === 2) return pick(ORDER_KINDS);
      const kind = words[2]?.toLowerCase();
      if (kind === "follow" && position === 3) return pick(names);
      if (kind === "move" && (position === 3 || (position === 4 && words[3]?.toLowerCase() === "to"))) return pick(position === 3 ? ["to", ...names] : names);
      return [[], last];
    }
    default:
      return [[], last];
  }
}

/** Candidates once each, in alphabetical order whatever their case ("all" before "Bot-7"). */
function byLetters(options: readonly string[]): string[] {
  return [...new Set(options)].sort((a, b) => {
    const [x, y] = [a.toLowerCase(), b.toLowerCase()];
    return x < y ? -1 : x > y ? 1 : a < b ? -1 : a > b ? 1 : 0;
  });
}
