import { connect, MeshRest, type OrderMessage } from "@mesh/bots";
import type { BotEvent } from "@mesh/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KeyedRateLimiter } from "../src/limits.ts";
import { cuttableProxy, registerBot, registerUser, startTestServer, type TestServer, type TestUser, waitFor } from "./harness.ts";

/** Poll until an event matching `wanted` arrives; returns it and the cursor after it. */
async function pollFor(rest: MeshRest, cursor: number, wanted: (e: BotEvent) => boolean): Promise<{ event: BotEvent; cursor: number }> {
  const deadline = Date.now() + 8000;
  while (Date.now() < deadline) {
    const answer = await rest.poll(cursor, { waitS: 1 });
    cursor = answer.cursor;
    const event = answer.events.find(wanted);
    if (event) return { event, cursor };
  }
  throw new Error("the event never came");
}

/** Found by a third hostile review: bots that lose or lack a socket must still hear what concerns them. */
describe("bots with and without sockets hear what concerns them", () => {
  let server: TestServer;
  let ann: TestUser;

  beforeAll(async () => {
    server = await startTestServer();
    await registerUser(server.url, "root");
    ann = await registerUser(server.url, "ann");
  });
  afterAll(() => server.stop());

  it("an order given while the bot is offline reaches it when it is back", async () => {
    const bot = await registerBot(server.url, ann.token, { name: "flaky" });
    const proxy = await cuttableProxy(new URL(server.url));
    try {
      const botRoom = await connect({ url: proxy.url, token: bot.token }).join("lobby", { reconnect: { minDelay: 1500, maxDelay: 1500, maxRetries: 10 } });
      const orders: OrderMessage[] = [];
      botRoom.onOrder((order) => orders.push(order));
      const annRoom = await ann.client.join("lobby");
      await waitFor("the bot is here", () => annRoom.state.participants.get(bot.id)?.status === "online");
      expect(proxy.cut()).toBeGreaterThan(0);
      await waitFor("shown offline", () => annRoom.state.participants.get(bot.id)?.status === "offline", 5000);
      annRoom.command([bot.id], { kind: "task", text: "while you were out" });
      await waitFor("pending", () => annRoom.state.participants.get(bot.id)?.order?.status === "pending");
      await waitFor("back online", () => annRoom.state.participants.get(bot.id)?.status === "online", 10_000);
      const missed = await waitFor("the missed order arrived", () => orders.find((o) => o.kind === "task"), 5000);
      expect(missed.text).toBe("while you were out");
      expect(orders.filter((o) => o.kind === "task")).toHaveLength(1);
      await botRoom.leave();
      await annRoom.leave();
    } finally {
      await proxy.close();
    }
  });

  it("a bot without a socket hears the world's refusals as error events", async () => {
    const bot = await registerBot(server.url, ann.token, { name: "reporter", mode: "polling" });
    expect((await ann.rest.startBot(bot.id)).state).toBe("running");
    const rest = new MeshRest(server.url, bot.token);
    await rest.input("lobby", "order_status", { orderId: "no-such-order", status: "done" });
    const { event } = await pollFor(rest, 0, (e) => e.type === "error");
    expect(event.data).toMatchObject({ code: "not_found", ref: "order_status:no-such-order" });
  });

  it("a reaction does not copy the message's text into every bot's queue; an edit carries it", async () => {
    const bot = await registerBot(server.url, ann.token, { name: "watcher", mode: "polling" });
    await ann.rest.startBot(bot.id);
    const rest = new MeshRest(server.url, bot.token);
    const room = await ann.client.join("lobby");
    await waitFor("watcher present", () => room.state.participants.get(bot.id));
    const long = await room.sendAndWait("🌊".repeat(4000));
    let cursor = (await pollFor(rest, 0, (e) => e.type === "message" && (e.data as { id: string }).id === long.id)).cursor;
    room.react(long.id, "👍");
    const reacted = await pollFor(rest, cursor, (e) => e.type === "message_updated");
    cursor = reacted.cursor;
    expect(reacted.event.data).toMatchObject({ id: long.id, reactions: { "👍": [ann.participant.id] } });
    expect(reacted.event.data).not.toHaveProperty("text");
    room.edit(long.id, "shorter now");
    const edited = await pollFor(rest, cursor, (e) => e.type === "message_updated");
    expect(edited.event.data).toMatchObject({ id: long.id, text: "shorter now" });
    await room.leave();
  });

  it("a started polling bot that also used a socket stays present when that session ends", async () => {
    const bot = await registerBot(server.url, ann.token, { name: "both-ways", mode: "polling" });
    await ann.rest.startBot(bot.id);
    const room = await ann.client.join("lobby");
    await waitFor("present", () => room.state.participants.get(bot.id));
    const socket = await connect({ url: server.url, token: bot.token }).join("lobby");
    await socket.leave();
    const rest = new MeshRest(server.url, bot.token);
    // Still here, without a socket: it acts over REST and hears the room.
    await rest.input("lobby", "move", { x: 30, z: 31 });
    await waitFor("it walked", () => Math.abs((room.state.participants.get(bot.id)?.z ?? 0) - 31) < 0.01, 10_000);
    await room.sendAndWait("are you still there?");
    await pollFor(rest, 0, (e) => e.type === "message" && (e.data as { text: string }).text === "are you still there?");
    // Stopped now: a later socket session leaves nothing behind.
    await ann.rest.stopBot(bot.id);
    await waitFor("gone", () => !room.state.participants.get(bot.id));
    const again = await connect({ url: server.url, token: bot.token }).join("lobby");
    await waitFor("back with a socket", () => room.state.participants.get(bot.id));
    await again.leave();
    await waitFor("gone for good", () => !room.state.participants.get(bot.id));
    await room.leave();
  });
});

describe("a busy room does not grow a bot's queue past its byte budget", () => {
  let server: TestServer;
  afterAll(() => server?.stop());

  it("prunes a fast-growing queue before the minute is up, newest kept", async () => {
    server = await startTestServer({}, { botEventRetention: { maxAgeMs: 7 * 24 * 3600_000, keepPerBot: 10_000, keepBytesPerBot: 64 * 1024, batch: 5000 } });
    server.services.limits.inputs = new KeyedRateLimiter(1000, 1000); // the sender's allowance is not under test
    await registerUser(server.url, "root");
    const ann = await registerUser(server.url, "ann");
    const bot = await registerBot(server.url, ann.token, { name: "hoarder", mode: "polling" });
    await ann.rest.startBot(bot.id);
    const room = await ann.client.join("lobby");
    await waitFor("present", () => room.state.participants.get(bot.id));
    for (let i = 0; i < 24; i++) await room.sendAndWait(`${i} ${"long words ".repeat(700)}`); // about 8 KB each
    const stored = () =>
      (server.services.db.sqlite.prepare("SELECT coalesce(sum(length(CAST(payload AS BLOB))), 0) AS n FROM bot_events WHERE bot_id = ?").get(bot.id) as { n: number }).n;
    await waitFor("pruned to its budget", () => stored() <= 64 * 1024, 10_000);
    const rest = new MeshRest(server.url, bot.token);
    const answer = await rest.poll(0, { limit: 500 });
    expect(answer.missed).toBe(true);
    const newest = answer.events.at(-1)?.data as { text?: string } | undefined;
    expect(newest?.text?.startsWith("23 ")).toBe(true);
    await room.leave();
  });
});
