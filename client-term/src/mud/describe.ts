import { EXIT_DIRECTIONS, emoteOf, type MessageData, mentions } from "@mesh/schema";
import { type Line, line, type Span, span } from "./text.ts";
import type { PersonView, RoomView, WorldView } from "./world.ts";

/** Where in a room a point is, in words: "in the middle", "near the north wall", "in the south-east corner". */
export function whereIn(room: Pick<RoomView, "width" | "depth">, x: number, z: number): string {
  const ns = z > (room.depth * 2) / 3 ? "north" : z < room.depth / 3 ? "south" : "";
  const ew = x > (room.width * 2) / 3 ? "east" : x < room.width / 3 ? "west" : "";
  if (ns && ew) return `in the ${ns}-${ew} corner`;
  if (ns || ew) return `near the ${ns || ew} wall`;
  return "in the middle";
}

const COMPASS = ["north", "north-east", "east", "south-east", "south", "south-west", "west", "north-west"];

/** The compass direction of a heading (radians, 0 = north, π/2 = east). */
export function compass(heading: number): string {
  const turn = Math.PI / 4;
  const index = Math.round(heading / turn);
  return COMPASS[((index % 8) + 8) % 8] as string;
}

/** The compass direction from one point to another. */
export function bearing(from: { x: number; z: number }, to: { x: number; z: number }): string {
  return compass(Math.atan2(to.x - from.x, to.z - from.z));
}

export function distance(a: { x: number; z: number }, b: { x: number; z: number }): number {
  return Math.hypot(a.x - b.x, a.z - b.z);
}

/** Close enough to say "beside you". */
export const BESIDE = 2;

/** How a name is shown: you, bots and people each their own tone. */
export function nameSpan(person: Pick<PersonView, "id" | "name" | "kind">, selfId: string): Span {
  if (person.id === selfId) return span(person.name, "me");
  return span(person.name, person.kind === "bot" ? "bot" : "name");
}

/** One person's line in `look`: who, where, doing what. */
export function describePerson(person: PersonView, world: WorldView): Line {
  const room = world.room;
  const me = world.people.find((p) => p.id === world.selfId);
  const parts: Line = [nameSpan(person, world.selfId)];
  if (person.kind === "bot") parts.push(span(" (bot)", "dim"));
  if (person.id === world.selfId) {
    parts.push({ text: room ? ` (you) ${whereIn(room, person.x, person.z)}` : " (you)" });
  } else if (me && distance(me, person) < BESIDE) {
    parts.push({ text: " is right beside you" });
  } else if (room) {
    parts.push({ text: ` is ${whereIn(room, person.x, person.z)}` });
  }
  if (person.moving) parts.push({ text: `, walking ${compass(person.heading)}` });
  if (person.status !== "online") parts.push(span(` [${person.status}]`, "dim"));
  if (person.typing) parts.push(span(" (typing…)", "dim"));
  if (person.order && (person.order.status === "pending" || person.order.status === "active")) {
    parts.push(span(` — ${person.order.kind.replace("_", " ")} (${person.order.status})`, "order"));
  }
  return parts;
}

/** `look`: the room's name, topic, exits and who is here, nearest first. */
export function describeRoom(world: WorldView): Line[] {
  const room = world.room;
  if (!room) return [line(span("You are nowhere yet.", "notice"))];
  const lines: Line[] = [line(span(room.name, "room"), span(` (${room.id})`, "dim"))];
  if (room.topic) lines.push(line(room.topic));
  lines.push(exitsLine(room));
  const me = world.people.find((p) => p.id === world.selfId);
  const others = world.people
    .filter((p) => p.id !== world.selfId)
    .sort((a, b) => (me ? distance(me, a) - distance(me, b) : a.name.localeCompare(b.name)));
  if (others.length === 0) lines.push(line(span("Nobody else is here.", "dim")));
  else {
    lines.push(line(span(`Here with you (${others.length}):`, "dim")));
    for (const person of others.slice(0, 40)) lines.push([{ text: "  " }, ...describePerson(person, world)]);
    if (others.length > 40) lines.push(line(span(`  … and ${others.length - 40} more (who lists everyone)`, "dim")));
  }
  if (me) lines.push(line(span(`You are ${whereIn(room, me.x, me.z)}.`, "dim")));
  return lines;
}

export function exitsLine(room: RoomView): Line {
  const exits = EXIT_DIRECTIONS.filter((d) => room.exits[d]);
  if (exits.length === 0) return line(span("There are no exits.", "dim"));
  const parts: Line = [{ text: "Exits: " }];
  exits.forEach((direction, i) => {
    if (i > 0) parts.push({ text: ", " });
    const target = room.exits[direction] as string;
    parts.push(span(direction, "exit"), span(` to ${room.names[target] ?? target}`, "dim"));
  });
  return parts;
}

/** Who is reading: their own lines and mentions of them are shown as such. */
export interface Reader {
  selfId: string;
  selfName: string;
  /** A participant's name from their id (for the recipient of your DMs). */
  nameOf: (id: string) => string;
}

/** A message as the log shows it: `[n] Ann says: text`, emotes as `[n] * Ann waves`, DMs marked. */
export function messageLines(message: MessageData, n: number, reader: Reader): Line[] {
  const { selfId, selfName } = reader;
  const who = nameSpan({ id: message.authorId, name: message.authorName, kind: "" }, selfId);
  const tag = span(`[${n}] `, "dim");
  const mentioned = message.authorId !== selfId && !message.deleted && mentions(message.text).includes(selfName.toLowerCase());
  const text = message.deleted ? "(deleted)" : message.text;
  const emote = !message.deleted && emoteText(text);
  const [first, ...rest] = (emote === false ? text : emote).split(/\r?\n/);
  const body = span(first ?? "", mentioned ? "mention" : emote !== false ? "emote" : "speech");
  let head: Line;
  if (emote !== false) {
    head = [tag, span("* ", "emote"), who, span(" ", "emote"), body];
    // A DM emote must not pass for one the whole room saw.
    if (message.to) head.push(span(message.authorId === selfId ? ` (to ${reader.nameOf(message.to)})` : " (to you)", "direct"));
  } else if (message.to) {
    head =
      message.authorId === selfId
        ? [tag, span("You tell ", "direct"), span(reader.nameOf(message.to), "direct"), { text: ": " }, body]
        : [tag, who, span(" tells you: ", "direct"), body];
  } else head = [tag, who, { text: message.threadId ? " replies: " : " says: " }, body];
  if (message.editedTs && !message.deleted) head.push(span(" (edited)", "dim"));
  const lines = [head, ...rest.map((more) => line("    ", span(more, mentioned ? "mention" : "speech")))];
  const reactions = Object.entries(message.reactions ?? {}).filter(([, by]) => by.length > 0);
  if (reactions.length > 0) lines.push(line("    ", span(reactions.map(([emoji, by]) => `${emoji} ${by.length}`).join("  "), "dim")));
  return lines;
}

/** The action of an emote ("/me waves" → "waves"), or false for ordinary speech: the schema's one rule, as every client shows it. */
export function emoteText(text: string): string | false {
  return emoteOf(text) ?? false;
}
