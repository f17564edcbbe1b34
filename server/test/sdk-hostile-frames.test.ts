import { matchMaker, type Room } from "@colyseus/core";
import { type BotMessage, type BotOrder, createBot, type MeshBot, type MeshError } from "@mesh/bots";
import { ROOM_TYPE } from "@mesh/schema";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { registerBot, registerUser, startTestServer, type TestServer, type TestUser, waitFor } from "./harness.ts";

/** Resolves with `promise`, or rejects naming `what` if it has not settled within `ms`. */
function within<T>(what: string, promise: Promise<T>, ms = 5000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The server side of the lobby: its live Colyseus room. */
async function lobby(): Promise<Room> {
  const [listing] = (await matchMaker.query({ name: ROOM_TYPE })).filter((r) => (r.metadata as { room?: string } | undefined)?.room === "lobby");
  const room = listing && matchMaker.getLocalRoomById(listing.roomId);
  if (!room) throw new Error("no live lobby");
  return room;
}

/** The server's socket for a participant, to send it whatever a broken or hostile server might. */
async function socketOf(participantId: string) {
  const room = await lobby();
  const client = room.clients.find((c) => (c.auth as { userId?: string } | undefined)?.userId === participantId);
  if (!client) throw new Error(`${participantId} has no socket in the lobby`);
  return client;
}

/** Frames that are not what the protocol says, each of which used to crash the bot's process. */
const MALFORMED: [type: string, payload: unknown][] = [
  ["error", null],
  ["error", "boom"],
  ["error", { code: 42, message: "a number for a code" }],
  ["error", { code: "internal" }],
  ["message_updated", null],
  ["message_updated", { id: "m1" }],
  ["message_updated", { id: "m1", to: 7 }],
  ["message_updated", []],
  ["order", null],
  ["order", "move!"],
  ["order", { id: 5, kind: "task" }],
  ["order", { id: "o1", kind: "task", by: "x", roomId: "lobby", x: "far" }],
];

describe("the bot SDK against frames a server should never send", () => {
  let server: TestServer;
  let owner: TestUser;

  beforeAll(async () => {
    server = await startTestServer();
    owner = await registerUser(server.url, "keeper"); // the first account owns the mesh
  });
  afterAll(() => server.stop());

  /** A bot of the owner's, started, with what its handlers and onError are told. */
  async function startedBot(name: string) {
    const { id, token } = await registerBot(server.url, owner.token, { name });
    const bot = createBot({ url: server.url, token });
    const seen = { errors: [] as MeshError[], messages: [] as BotMessage[], orders: [] as BotOrder[], closes: [] as number[] };
    bot.onError((error) => seen.errors.push(error));
    bot.onMessage((message) => void seen.messages.push(message));
    bot.onOrder((order) => void seen.orders.push(order));
    bot.onClose((code) => void seen.closes.push(code));
    await bot.start();
    onTestFinished(() => within("stop at the end", bot.stop()));
    return { id, bot, seen };
  }

  it("survives every malformed frame, reports each through onError, and keeps handling what comes after", async () => {
    const { id, bot, seen } = await startedBot("sturdy");
    const socket = await socketOf(id);
    const ownerRoom = await owner.client.join("lobby");
    onTestFinished(() => ownerRoom.leave());

    for (const [type, payload] of MALFORMED) socket.send(type, payload);
    // Errors that name no send of ours (no ref, a ref that is no string) are still the server's errors.
    socket.send("error", { code: "internal", message: "no ref" });
    socket.send("error", { code: "forbidden", message: "a numeric ref", ref: 5 });
    await waitFor("every frame reported", () => seen.errors.length >= MALFORMED.length + 2);

    const malformed = seen.errors.slice(0, MALFORMED.length);
    expect(malformed.map((e) => [e.code, e.ref])).toEqual(MALFORMED.map(([type]) => ["internal", type]));
    for (const error of malformed) expect(error.message).toMatch(/the server sent a malformed '\w+' message/);
    expect(seen.errors.slice(MALFORMED.length).map((e) => [e.code, e.message, e.ref])).toEqual([
      ["internal", "no ref", ""],
      ["forbidden", "a numeric ref", ""],
    ]);
    expect(seen.orders).toEqual([]);

    // The connection still works both ways: a message, an order, the bot's own send.
    const hello = await ownerRoom.sendAndWait("still there, @sturdy?");
    await waitFor("the bot got the message", () => seen.messages.find((m) => m.id === hello.id));
    ownerRoom.sendRaw("command", { agentIds: [id], order: { kind: "task", text: "count the frames" } });
    const order = await waitFor("the bot got the order", () => seen.orders.find((o) => o.kind === "task"));
    expect(order).toMatchObject({ text: "count the frames", by: owner.participant.id, roomId: "lobby" });
    const answer = await bot.send("yes, still here");
    expect(answer.text).toBe("yes, still here");
    expect(seen.errors).toHaveLength(MALFORMED.length + 2);

    await within("stop", bot.stop());
    expect(seen.closes).toEqual([4000]);
  });

  it("an error frame without a ref while a send is pending leaves the send to its real answer", async () => {
    const { id, bot, seen } = await startedBot("patient");
    const socket = await socketOf(id);
    const sending = bot.send("answered in time");
    socket.send("error", { code: "internal", message: "no ref" });
    socket.send("error", null);
    await expect(sending).resolves.toMatchObject({ text: "answered in time" });
    expect(seen.errors.map((e) => [e.code, e.ref])).toEqual([
      ["internal", ""],
      ["internal", "error"],
    ]);
  });

  it("stop then start joins again: present, sending, handling, and a server's close is an error again", async () => {
    const { id, bot, seen } = await startedBot("phoenix");
    const ownerRoom = await owner.client.join("lobby");
    onTestFinished(() => ownerRoom.leave());
    await waitFor("the bot present", () => ownerRoom.participant(id)?.online);

    await within("stop", bot.stop());
    await waitFor("the bot gone", () => !ownerRoom.participant(id)?.online);
    await within("start again", bot.start());
    await waitFor("the bot back", () => ownerRoom.participant(id)?.online);
    await expect(bot.send("back again")).resolves.toMatchObject({ text: "back again" });
    const hello = await ownerRoom.sendAndWait("welcome back");
    await waitFor("the bot got the message", () => seen.messages.find((m) => m.id === hello.id));
    expect(seen.messages.filter((m) => m.id === hello.id)).toHaveLength(1);
    expect(seen.errors).toEqual([]);

    ownerRoom.kick(id);
    await waitFor("the kick reported", () => seen.errors.find((e) => e.code === "closed"));
    expect(seen.errors.map((e) => [e.code, e.status])).toEqual([["closed", 4003]]);
    expect(seen.closes).toEqual([4000, 4003]);
  });

  it("a stop before any start leaves nothing behind: a later kick is still an error", async () => {
    const { id, token } = await registerBot(server.url, owner.token, { name: "early-stopper" });
    const bot: MeshBot = createBot({ url: server.url, token });
    const errors: MeshError[] = [];
    bot.onError((error) => errors.push(error));
    await within("stop before start", bot.stop());
    await bot.start();
    onTestFinished(() => within("stop at the end", bot.stop()));
    const ownerRoom = await owner.client.join("lobby");
    onTestFinished(() => ownerRoom.leave());
    await waitFor("the bot present", () => ownerRoom.participant(id)?.online);
    ownerRoom.kick(id);
    await waitFor("the kick reported", () => errors.length > 0);
    expect(errors.map((e) => [e.code, e.status])).toEqual([["closed", 4003]]);
  });
});
