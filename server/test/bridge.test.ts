import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { verifyWebhook } from "@mesh/bots";
import type { BotEvent } from "@mesh/schema";
import { afterEach, describe, expect, it } from "vitest";
import { isPrivateAddress } from "../src/bots/bridge.ts";
import { registerUser, startTestServer, type TestServer, waitFor } from "./harness.ts";

interface Received {
  at: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A loopback HTTP server standing in for a bot's webhook; `answer` decides what each request gets. */
async function receiver(answer: (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      received.push({ at: Date.now(), headers: req.headers, body });
      answer(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return {
    url,
    received,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

type Receiver = Awaited<ReturnType<typeof receiver>>;

async function api<T>(url: string, token: string, method: string, route: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${url}${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

interface CreatedBot {
  bot: { id: string };
  token: string;
  webhookSecret: string;
}

async function bridgeBot(url: string, ownerToken: string, name: string, webhookUrl: string): Promise<CreatedBot> {
  const created = await api<CreatedBot>(url, ownerToken, "POST", "/api/bots", { name, mode: "bridge", webhookUrl });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body;
}

interface DeadLetters {
  events: (BotEvent & { attempts: number; error: string })[];
  pending: number;
}

/** The bot's dead letters once there are `count` of them (fails after 15 s). */
async function deadLetters(url: string, ownerToken: string, botId: string, count: number): Promise<DeadLetters> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const reply = await api<DeadLetters>(url, ownerToken, "GET", `/api/bots/${botId}/events/dead`);
    if (reply.body.events.length >= count) return reply.body;
    if (Date.now() > deadline) throw new Error(`not dead-lettered in time: ${JSON.stringify(reply.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const eventsOf = (r: Received) => (JSON.parse(r.body) as { events: BotEvent[] }).events;

describe("bridge bots: signed webhooks, retries and dead letters", () => {
  let server: TestServer | undefined;
  const receivers: Receiver[] = [];
  afterEach(async () => {
    await server?.stop();
    server = undefined;
    for (const r of receivers.splice(0)) await r.close();
  });

  it("POSTs a bot's events in order, signed so the SDK's helper accepts them; a wrong secret or a stale timestamp is refused", async () => {
    server = await startTestServer({ webhookPrivate: true }); // the webhooks here listen on loopback
    const hook = await receiver((_req, res) => res.writeHead(204).end());
    receivers.push(hook);
    const owner = await registerUser(server.url, "bridge_owner");
    const created = await bridgeBot(server.url, owner.token, "hooked", hook.url);
    expect(created.webhookSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    for (let i = 1; i <= 5; i++) server.services.botEvents.publish(created.bot.id, "message", "lobby", { text: `m${i}` });

    await waitFor("five events at the webhook", () => hook.received.flatMap(eventsOf).length >= 5);
    const delivered = hook.received.flatMap(eventsOf);
    expect(delivered.map((e) => (e.data as { text: string }).text)).toEqual(["m1", "m2", "m3", "m4", "m5"]);
    expect(delivered.map((e) => e.id)).toEqual([...delivered.map((e) => e.id)].sort((a, b) => a - b));

    for (const request of hook.received) {
      expect(request.headers["content-type"]).toBe("application/json");
      const signed = { secret: created.webhookSecret, timestamp: request.headers["x-mesh-timestamp"], signature: request.headers["x-mesh-signature"], body: request.body };
      const verified = await verifyWebhook(signed);
      expect(verified.ok, JSON.stringify(verified)).toBe(true);
      if (verified.ok) expect(verified.value.events).toEqual(eventsOf(request));
      // Someone without the secret, a changed body, a replay ten minutes later: refused.
      expect(await verifyWebhook({ ...signed, secret: "guessed" })).toMatchObject({ ok: false, error: { code: "bad_signature" } });
      expect(await verifyWebhook({ ...signed, body: request.body.replace("m1", "m9") })).toMatchObject({ ok: false });
      expect(await verifyWebhook({ ...signed, now: Date.now() + 600_000 })).toMatchObject({ ok: false, error: { code: "stale_timestamp" } });
    }
    // Delivered: nothing pending, no dead letters; the events stay pollable by the bot too.
    const dead = await api<DeadLetters>(server.url, owner.token, "GET", `/api/bots/${created.bot.id}/events/dead`);
    expect(dead).toEqual({ status: 200, body: { events: [], pending: 0 } });
    const polled = await api<{ events: BotEvent[] }>(server.url, created.token, "POST", "/api/poll", {});
    expect(polled.body.events.map((e) => e.id)).toEqual(delivered.map((e) => e.id));
  });

  it("end to end: a started bridge bot's webhook hears a person in its room, and the bot answers over REST", async () => {
    server = await startTestServer({ webhookPrivate: true }); // the webhooks here listen on loopback
    const hook = await receiver((_req, res) => res.writeHead(200).end("ok"));
    receivers.push(hook);
    const owner = await registerUser(server.url, "e2e_bridge_owner");
    const person = await registerUser(server.url, "e2e_bridge_person");
    const room = await person.client.join("lobby");
    const created = await bridgeBot(server.url, owner.token, "e2e_bridge", hook.url);
    expect((await api(server.url, owner.token, "POST", `/api/bots/${created.bot.id}/start`)).status).toBe(200);
    await waitFor("the bot present in the lobby", () => room.participant(created.bot.id));

    room.send("hello webhook");
    const request = await waitFor("the message at the webhook", () =>
      hook.received.find((r) => eventsOf(r).some((e) => e.type === "message" && (e.data as { text: string }).text === "hello webhook")),
    );
    const verified = await verifyWebhook({
      secret: created.webhookSecret,
      timestamp: request.headers["x-mesh-timestamp"],
      signature: request.headers["x-mesh-signature"],
      body: request.body,
    });
    expect(verified.ok).toBe(true);
    const message = verified.ok ? verified.value.events.find((e) => e.type === "message") : undefined;
    expect(message).toMatchObject({ roomId: "lobby", data: { authorId: person.participant.id, text: "hello webhook" } });

    expect((await api(server.url, created.token, "POST", "/api/rooms/lobby/messages", { text: "hello from the bridge" })).status).toBe(201);
    await waitFor("the bot's answer in the room", () => room.messages().find((m) => m.authorId === created.bot.id && m.text === "hello from the bridge"));
    await room.leave();
  });

  it("retries a failing webhook with backoff, then dead-letters and shows it, while the room keeps ticking", async () => {
    server = await startTestServer(
      { webhookAttempts: 4, webhookPrivate: true },
      { bridge: { backoffMs: 100, maxBackoffMs: 1_000, timeoutMs: 400, intervalMs: 20 } },
    );
    const failing = await receiver((_req, res) => res.writeHead(500).end("no"));
    const hanging = await receiver(() => {}); // never answers
    let hugeWritten = 0;
    const huge = await receiver((_req, res) => {
      // 64 MiB of answer: the bridge reads the status and cuts off the rest.
      res.writeHead(500, { "content-type": "text/plain" });
      const chunk = Buffer.alloc(64 * 1024, 120);
      const pump = () => {
        while (hugeWritten < 64 * 1024 * 1024 && !res.destroyed) {
          hugeWritten += chunk.length;
          if (!res.write(chunk)) return void res.once("drain", pump);
        }
        res.end();
      };
      pump();
    });
    const good = await receiver((_req, res) => res.writeHead(200).end());
    const redirecting = await receiver((_req, res) => res.writeHead(302, { location: good.url }).end());
    receivers.push(failing, hanging, huge, good, redirecting);
    // Not HTTP at all.
    const garbage = net.createServer((socket) => socket.once("data", () => socket.end("garbage\r\n\r\n")));
    await new Promise<void>((resolve) => garbage.listen(0, "127.0.0.1", resolve));
    const garbageUrl = `http://127.0.0.1:${(garbage.address() as AddressInfo).port}/hook`;

    const owner = await registerUser(server.url, "failing_owner");
    const watcher = await registerUser(server.url, "watcher");
    const room = await watcher.client.join("lobby");
    const patches: { at: number; tick: number }[] = [];
    room.onChange((state) => patches.push({ at: performance.now(), tick: state.tick }));

    const cases = [
      { hook: failing.url, error: /^HTTP 500$/ },
      { hook: hanging.url, error: /no answer within 400 ms/ },
      { hook: huge.url, error: /^HTTP 500$/ },
      { hook: redirecting.url, error: /HTTP 302 \(redirects are not followed\)/ },
      { hook: garbageUrl, error: /HPE_|Parse Error/ },
    ];
    const bots = [];
    for (const [i, c] of cases.entries()) bots.push({ ...c, bot: await bridgeBot(server.url, owner.token, `bad${i}`, c.hook) });
    const startTick = room.tick;
    const started = performance.now();
    for (const { bot } of bots) {
      for (let i = 0; i < 3; i++) server.services.botEvents.publish(bot.bot.id, "message", "lobby", { text: `e${i}` });
    }

    for (const { bot, error } of bots) {
      const dead = await deadLetters(server.url, owner.token, bot.bot.id, 3);
      expect(dead.pending).toBe(0);
      for (const letter of dead.events) {
        expect(letter.attempts).toBe(4);
        expect(letter.error).toMatch(error);
      }
      expect(dead.events.map((e) => (e.data as { text: string }).text)).toEqual(["e2", "e1", "e0"]); // newest first
    }
    const elapsedS = (performance.now() - started) / 1000;

    // Four tries, waiting 100, 200, 400 ms between them (a batch of all three events each time).
    expect(failing.received).toHaveLength(4);
    const gaps = failing.received.slice(1).map((r, i) => r.at - failing.received[i].at);
    expect(gaps[0]).toBeGreaterThanOrEqual(90);
    expect(gaps[1]).toBeGreaterThanOrEqual(190);
    expect(gaps[2]).toBeGreaterThanOrEqual(390);
    expect(eventsOf(failing.received[0])).toHaveLength(3);
    // The huge answer was cut off, not read: far less than its 64 MiB was ever written.
    expect(hugeWritten).toBeLessThan(64 * 1024 * 1024);
    // The redirect was not followed.
    expect(good.received).toHaveLength(0);

    // Meanwhile the room ticked on at 20 Hz: a patch for every tick, none held up.
    const ticks = room.tick - startTick;
    expect(ticks).toBeGreaterThanOrEqual(Math.floor(elapsedS * 20 * 0.8));
    const window = patches.filter((p) => p.at >= started);
    const largestGapMs = Math.max(...window.slice(1).map((p, i) => p.at - window[i].at));
    expect(largestGapMs).toBeLessThan(250);
    console.info(`bridge failures: ${elapsedS.toFixed(1)} s, ${ticks} ticks (${(ticks / elapsedS).toFixed(1)}/s), largest gap between patches ${largestGapMs.toFixed(0)} ms`);
    await room.leave();
    await new Promise<void>((resolve) => garbage.close(() => resolve()));
  });

  it("with MESH_WEBHOOK_PRIVATE=false refuses webhooks into the server's own network, by address and by name", async () => {
    server = await startTestServer({ webhookPrivate: false, webhookAttempts: 1 }, { bridge: { intervalMs: 20 } });
    const hook = await receiver((_req, res) => res.writeHead(200).end());
    receivers.push(hook);
    const owner = await registerUser(server.url, "ssrf_owner");
    // A literal private address is refused at registration; one stored while MESH_WEBHOOK_PRIVATE
    // was true is still refused at delivery.
    expect((await fetch(`${server.url}/api/bots`, {
      method: "POST",
      headers: { authorization: `Bearer ${owner.token}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "inward0", mode: "bridge", webhookUrl: hook.url }),
    })).status).toBe(400);
    const byAddress = await bridgeBot(server.url, owner.token, "inward1", hook.url.replace("127.0.0.1", "localhost"));
    const stored = server.services.db.bots.get(byAddress.bot.id);
    if (!stored) throw new Error("the bot was not stored");
    server.services.db.bots.update(stored.id, { ...stored, webhookUrl: hook.url });
    const byName = await bridgeBot(server.url, owner.token, "inward2", hook.url.replace("127.0.0.1", "localhost"));
    for (const bot of [byAddress, byName]) server.services.botEvents.publish(bot.bot.id, "message", "lobby", { text: "x" });
    for (const [bot, error] of [[byAddress, /address 127\.0\.0\.1 is private/], [byName, /localhost resolves to private address/]] as const) {
      const dead = await deadLetters(server.url, owner.token, bot.bot.id, 1);
      expect(dead.events[0].error).toMatch(error);
    }
    expect(hook.received).toHaveLength(0);
    for (const address of ["127.0.0.1", "10.1.2.3", "169.254.169.254", "192.168.0.1", "::1", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "0.0.0.0"]) {
      expect(isPrivateAddress(address), address).toBe(true);
    }
    for (const address of ["93.184.216.34", "2606:2800:220:1::1", "8.8.8.8"]) expect(isPrivateAddress(address), address).toBe(false);
  });

  it("only the bot's owner (or manage_all_bots) sees its dead letters", async () => {
    server = await startTestServer({ webhookPrivate: true }); // the webhooks here listen on loopback
    await registerUser(server.url, "mesh_owner"); // the first account owns the mesh
    const owner = await registerUser(server.url, "letter_owner");
    const stranger = await registerUser(server.url, "stranger");
    const bot = await bridgeBot(server.url, owner.token, "private_letters", "http://127.0.0.1:9/hook");
    expect((await api(server.url, owner.token, "GET", `/api/bots/${bot.bot.id}/events/dead`)).status).toBe(200);
    expect((await api(server.url, stranger.token, "GET", `/api/bots/${bot.bot.id}/events/dead`)).status).toBe(404);
    expect((await api(server.url, stranger.token, "GET", "/api/bots/nobody/events/dead")).status).toBe(404);
    expect((await api(server.url, bot.token, "GET", `/api/bots/${bot.bot.id}/events/dead?limit=0`)).status).toBe(400);
  });
});
