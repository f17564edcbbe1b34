import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { BotEvent } from "@mesh/schema";
import { afterEach, describe, expect, it } from "vitest";
import { connect } from "@mesh/bots";
import { createLogger, loadConfig, startServer } from "../src/index.ts";
import { killProcess, runServerProcess, stopProcess } from "./child-server.ts";
import { registerBot, registerUser, restCall, startTestServer, type TestServer, waitFor } from "./harness.ts";

interface PollReply {
  status: number;
  body: { events: BotEvent[]; cursor: number; missed: boolean } & { error?: { code: string; message: string } };
}

/** POST /api/poll as `token`. */
async function poll(url: string, token: string, body: unknown, signal?: AbortSignal): Promise<PollReply> {
  const res = await fetch(`${url}/api/poll`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
    signal,
  });
  return { status: res.status, body: await res.json() };
}

const texts = (events: BotEvent[]) => events.map((e) => (e.data as { text: string }).text);

/** Long-poll from `cursor` until the bot has seen room messages with all of `wanted`; returns every event seen and the cursor. */
async function pollUntil(url: string, token: string, cursor: number, wanted: string[]): Promise<{ events: BotEvent[]; cursor: number }> {
  const events: BotEvent[] = [];
  const deadline = Date.now() + 10_000;
  while (!wanted.every((text) => texts(events.filter((e) => e.type === "message")).includes(text))) {
    if (Date.now() > deadline) throw new Error(`bot saw only ${JSON.stringify(events)}`);
    const reply = await poll(url, token, { cursor, waitS: 5 });
    expect(reply.status).toBe(200);
    events.push(...reply.body.events);
    cursor = reply.body.cursor;
  }
  return { events, cursor };
}

describe("REST polling for bots without a socket", () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it("returns exactly the events after the cursor, once each, in order, and only the bot's own", async () => {
    server = await startTestServer();
    const owner = await registerUser(server.url, "poll_owner");
    const bot = await registerBot(server.url, owner.token, { name: "poller", mode: "polling" });
    const other = await registerBot(server.url, owner.token, { name: "poller2", mode: "polling" });
    const events = server.services.botEvents;
    for (let i = 1; i <= 5; i++) {
      events.publish(bot.id, "message", "lobby", { text: `m${i}` });
      events.publish(other.id, "message", "lobby", { text: `other${i}` });
    }
    events.flush();

    const first = await poll(server.url, bot.token, { limit: 3 });
    expect(first.status).toBe(200);
    expect(texts(first.body.events)).toEqual(["m1", "m2", "m3"]);
    expect(first.body.events[0]).toMatchObject({ type: "message", roomId: "lobby" });
    expect(first.body.cursor).toBe(first.body.events[2].id);
    expect(first.body.missed).toBe(false);
    const second = await poll(server.url, bot.token, { cursor: first.body.cursor });
    expect(texts(second.body.events)).toEqual(["m4", "m5"]);
    const none = await poll(server.url, bot.token, { cursor: second.body.cursor });
    expect(none.body).toEqual({ events: [], cursor: second.body.cursor, missed: false });
    // Asking again from an older cursor gives the same events again: the bot owns its cursor.
    expect(texts((await poll(server.url, bot.token, { cursor: first.body.cursor })).body.events)).toEqual(["m4", "m5"]);
    expect(texts((await poll(server.url, other.token, {})).body.events)).toEqual(["other1", "other2", "other3", "other4", "other5"]);
  });

  it("long-polls: waits for the next event and answers as soon as it is published", async () => {
    server = await startTestServer();
    const owner = await registerUser(server.url, "wait_owner");
    const bot = await registerBot(server.url, owner.token, { name: "waiter", mode: "polling" });
    // Not started, nothing new can reach it: a poll does not wait.
    const idle = Date.now();
    expect((await poll(server.url, bot.token, { cursor: 0, waitS: 5 })).body.events).toEqual([]);
    expect(Date.now() - idle).toBeLessThan(2000);
    expect((await restCall(server.url, owner.token, "POST", `/api/bots/${bot.id}/start`)).status).toBe(200);
    const empty = await poll(server.url, bot.token, { cursor: 0 });
    expect(empty.body.events).toEqual([]);

    const started = Date.now();
    const waiting = poll(server.url, bot.token, { cursor: 0, waitS: 10 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(server.services.botEvents.waitingPolls).toBe(1);
    server.services.botEvents.publish(bot.id, "join", "lobby", { text: "arrived" });
    const woken = await waiting;
    const tookMs = Date.now() - started;
    expect(texts(woken.body.events)).toEqual(["arrived"]);
    expect(tookMs).toBeGreaterThanOrEqual(300);
    expect(tookMs).toBeLessThan(3000); // woken by the publish, not by the 10 s wait
    expect(server.services.botEvents.waitingPolls).toBe(0);

    // Nothing published: the poll answers empty when its wait is up, keeping the cursor.
    const quiet = Date.now();
    const timedOut = await poll(server.url, bot.token, { cursor: woken.body.cursor, waitS: 0.4 });
    expect(timedOut.body).toEqual({ events: [], cursor: woken.body.cursor, missed: false });
    expect(Date.now() - quiet).toBeGreaterThanOrEqual(350);
  });

  it("caps the polls one bot holds open, and a client that goes away releases its place", async () => {
    server = await startTestServer();
    const owner = await registerUser(server.url, "cap_owner");
    // Three bots of one owner, all started (each hears the others arrive) and caught up first, so
    // the polls below wait instead of being answered with those arrivals.
    const bot = await registerBot(server.url, owner.token, { name: "greedy", mode: "polling" });
    const second = await registerBot(server.url, owner.token, { name: "greedy2", mode: "polling" });
    const third = await registerBot(server.url, owner.token, { name: "greedy3", mode: "polling" });
    const cursors = new Map<string, number>();
    for (const b of [bot, second, third]) expect((await restCall(server.url, owner.token, "POST", `/api/bots/${b.id}/start`)).status).toBe(200);
    for (const b of [bot, second, third]) {
      let cursor = 0;
      for (let quiet = 0; quiet < 3; ) {
        const caught = await poll(server.url, b.token, { cursor, waitS: 0 });
        quiet = caught.body.events.length === 0 ? quiet + 1 : 0;
        cursor = caught.body.cursor;
        await new Promise((r) => setTimeout(r, 50));
      }
      cursors.set(b.id, cursor);
    }
    const aborts = Array.from({ length: 4 }, () => new AbortController());
    const held = aborts.map((a) => poll(server!.url, bot.token, { cursor: cursors.get(bot.id), waitS: 20 }, a.signal).catch(() => undefined));
    const deadline = Date.now() + 3000;
    while (server.services.botEvents.waitingPolls < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(server.services.botEvents.waitingPolls).toBe(4);
    const fifth = await poll(server.url, bot.token, { cursor: cursors.get(bot.id), waitS: 20 });
    expect(fifth.status).toBe(429);
    expect(fifth.body.error?.message).toMatch(/at most 4 polls/);

    // The owner's bots share 8 waiting polls: a second bot holds the other 4, a third gets none.
    const more = Array.from({ length: 4 }, () => new AbortController());
    const heldToo = more.map((a) => poll(server!.url, second.token, { cursor: cursors.get(second.id), waitS: 20 }, a.signal).catch(() => undefined));
    const later = Date.now() + 3000;
    while (server.services.botEvents.waitingPolls < 8 && Date.now() < later) await new Promise((r) => setTimeout(r, 20));
    expect(server.services.botEvents.waitingPolls).toBe(8);
    const ninth = await poll(server.url, third.token, { cursor: cursors.get(third.id), waitS: 20 });
    expect(ninth.status).toBe(429);
    expect(ninth.body.error?.message).toMatch(/one owner/);

    for (const a of [...aborts, ...more]) a.abort();
    await Promise.all([...held, ...heldToo]);
    const released = Date.now() + 3000;
    while (server.services.botEvents.waitingPolls > 0 && Date.now() < released) await new Promise((r) => setTimeout(r, 20));
    expect(server.services.botEvents.waitingPolls).toBe(0);
    expect((await poll(server.url, bot.token, { waitS: 0 })).status).toBe(200);
  });

  it("refuses a cursor no answer ever gave", async () => {
    server = await startTestServer();
    const owner = await registerUser(server.url, "future_owner");
    const bot = await registerBot(server.url, owner.token, { name: "time_traveller", mode: "polling" });
    const ahead = await poll(server.url, bot.token, { cursor: 999_999 });
    expect(ahead.status).toBe(400);
    expect(ahead.body.error?.message).toMatch(/ahead of every event/);
    expect((await poll(server.url, bot.token, { cursor: 0 })).status).toBe(200);
  });

  it("refuses people, channel bots, missing tokens and bad bodies, each with a clear answer", async () => {
    server = await startTestServer();
    const owner = await registerUser(server.url, "refuse_owner");
    const channel = await registerBot(server.url, owner.token, { name: "socketbot" });
    const polling = await registerBot(server.url, owner.token, { name: "restbot", mode: "polling" });

    const human = await poll(server.url, owner.token, {});
    expect(human.status).toBe(403);
    expect(human.body.error?.message).toMatch(/only bots poll/);
    const socket = await poll(server.url, channel.token, {});
    expect(socket.status).toBe(403);
    expect(socket.body.error?.message).toMatch(/channel bot/);
    expect((await poll(server.url, "mesh_bot_nope", {})).status).toBe(401);
    for (const bad of [{ cursor: -1 }, { cursor: 1.5 }, { limit: 0 }, { limit: 501 }, { waitS: 26 }, { cursor: "1" }, { since: 1 }, []]) {
      const reply = await poll(server.url, polling.token, bad);
      expect(reply.status, JSON.stringify(bad)).toBe(400);
      expect(reply.body.error?.code).toBe("bad_input");
    }
    // A body-less POST is a poll with every default.
    const bare = await fetch(`${server.url}/api/poll`, { method: "POST", headers: { authorization: `Bearer ${polling.token}` } });
    expect(bare.status).toBe(200);
  });

  it("gives exactly the events missed across a server restart: they are stored, not held in memory", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-poll-"));
    const loaded = loadConfig({ PORT: "0", HOST: "127.0.0.1", MESH_DATA_DIR: dataDir, LOG_LEVEL: "silent" });
    if (!loaded.ok) throw new Error(loaded.errors.join("; "));
    const start = () => startServer(loaded.value, createLogger("silent"));
    try {
      const first = await start();
      const owner = await registerUser(first.url, "restart_owner");
      const bot = await registerBot(first.url, owner.token, { name: "survivor", mode: "polling" });
      for (const text of ["a", "b", "c"]) first.services.botEvents.publish(bot.id, "message", "lobby", { text });
      first.services.botEvents.flush();
      const seen = await poll(first.url, bot.token, { limit: 2 });
      expect(texts(seen.body.events)).toEqual(["a", "b"]);
      for (const text of ["d", "e"]) first.services.botEvents.publish(bot.id, "message", "lobby", { text });
      await first.close(); // "d" and "e" still queued in memory are stored on the way down

      const second = await start();
      try {
        second.services.botEvents.publish(bot.id, "message", "lobby", { text: "f" });
        const missed = await poll(second.url, bot.token, { cursor: seen.body.cursor });
        expect(texts(missed.body.events)).toEqual(["c", "d", "e", "f"]);
        const ids = missed.body.events.map((e) => e.id);
        expect(ids).toEqual([...ids].sort((x, y) => x - y));
        expect((await poll(second.url, bot.token, { cursor: missed.body.cursor })).body.events).toEqual([]);
      } finally {
        await second.close();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("end to end: a polling bot registered and started hears a person in its room and answers over REST", async () => {
    server = await startTestServer();
    const owner = await registerUser(server.url, "e2e_owner");
    const person = await registerUser(server.url, "e2e_person");
    const room = await person.client.join("lobby");
    const bot = await registerBot(server.url, owner.token, { name: "e2e_poller", mode: "polling" });
    expect((await restCall(server.url, owner.token, "POST", `/api/bots/${bot.id}/start`)).status).toBe(200);
    await waitFor("the bot present in the lobby", () => room.participant(bot.id));

    room.send("hello bot");
    const heard = await pollUntil(server.url, bot.token, 0, ["hello bot"]);
    const said = heard.events.find((e) => e.type === "message");
    expect(said).toMatchObject({ roomId: "lobby", data: { authorId: person.participant.id, text: "hello bot" } });

    expect((await restCall(server.url, bot.token, "POST", "/api/rooms/lobby/messages", { text: "hello person" })).status).toBe(201);
    await waitFor("the bot's answer in the room", () => room.messages().find((m) => m.authorId === bot.id && m.text === "hello person"));
    room.send("thanks");
    // The next poll carries on after the cursor: the new message only, not the bot's own answer.
    const next = await pollUntil(server.url, bot.token, heard.cursor, ["thanks"]);
    expect(texts(next.events.filter((e) => e.type === "message"))).toEqual(["thanks"]);
    await room.leave();
  });

  it("across a real server process restart, a polling bot gets exactly the messages it missed, in order", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-poll-process-"));
    const run = async () => {
      const child = runServerProcess({ MESH_DATA_DIR: dataDir });
      await child.ready;
      return child;
    };
    let child = await run();
    try {
      const owner = await registerUser(child.url, "process_owner");
      const bot = await registerBot(child.url, owner.token, { name: "process_poller", mode: "polling" });
      expect((await restCall(child.url, owner.token, "POST", `/api/bots/${bot.id}/start`)).status).toBe(200);
      const say = async (text: string) => expect((await restCall(child.url, owner.token, "POST", "/api/rooms/lobby/messages", { text })).status).toBe(201);
      await say("before 1");
      const seen = await pollUntil(child.url, bot.token, 0, ["before 1"]);
      await say("before 2"); // the bot is not polling now
      await say("before 3");
      expect(await stopProcess(child)).toBe(0);

      child = await run();
      // Started bots come back with the server: wait until it is in the lobby again, then talk.
      const watcher = connect({ url: child.url, token: owner.token });
      const room = await watcher.join("lobby");
      await waitFor("the bot back in the lobby", () => room.participant(bot.id), 10_000);
      await say("after 1");
      const missed = await pollUntil(child.url, bot.token, seen.cursor, ["before 2", "before 3", "after 1"]);
      expect(texts(missed.events.filter((e) => e.type === "message"))).toEqual(["before 2", "before 3", "after 1"]);
      const ids = missed.events.map((e) => e.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
      expect(Math.min(...ids)).toBeGreaterThan(seen.cursor);
      expect((await poll(child.url, bot.token, { cursor: missed.cursor })).body.events).toEqual([]);
      await room.leave();
      expect(await stopProcess(child)).toBe(0);
    } finally {
      await killProcess(child);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
