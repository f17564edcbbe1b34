import { connect } from "@mesh/bots";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KeyedRateLimiter } from "../src/limits.ts";
import { errorsOf, registerBot, registerUser, restCall, startTestServer, type TestServer, type TestUser, ticksPass, waitFor } from "./harness.ts";

/**
 * The second paths a hostile review of the bots found: each a way around a rule that held for
 * people (a mute, a ban, a kick, rank, a private room, a revoked token, the reply budget).
 */
describe("bots cannot be used to get around what holds for their owners", () => {
  let server: TestServer;
  let root: TestUser;
  let ann: TestUser;
  let adam: TestUser;

  const api = (token: string, method: string, route: string, body?: unknown) => restCall(server.url, token, method, route, body);
  const newBot = (owner: TestUser, body: Record<string, unknown>) => registerBot(server.url, owner.token, body);

  beforeAll(async () => {
    server = await startTestServer();
    server.services.limits.roomCreates = new KeyedRateLimiter(1000, 1000);
    root = await registerUser(server.url, "root");
    ann = await registerUser(server.url, "ann");
    adam = await registerUser(server.url, "adam");
    await api(root.token, "PUT", `/api/participants/${adam.participant.id}/role`, { role: "admin" });
  });
  afterAll(() => server.stop());

  it("a muted owner does not speak through a bot: not by a say order, not with the bot's own token", async () => {
    const bot = await newBot(ann, { name: "mouthpiece" });
    const botRoom = await connect({ url: server.url, token: bot.token }).join("lobby");
    const annRoom = await ann.client.join("lobby");
    const rootRoom = await root.client.join("lobby");
    await waitFor("all present", () => rootRoom.state.participants.get(bot.id) && rootRoom.state.participants.get(ann.participant.id));
    rootRoom.mute(ann.participant.id, 3600);
    await waitFor("ann muted", () => rootRoom.state.participants.get(ann.participant.id)?.muted);
    const annErrors = errorsOf(annRoom);
    const botErrors = errorsOf(botRoom);
    annRoom.command([bot.id], { kind: "say", text: "said by a muted owner's bot" });
    botRoom.sendRaw("send_message", { text: "typed by a muted owner as her bot", nonce: "typed" });
    const rest = await api(bot.token, "POST", "/api/rooms/lobby/messages", { text: "posted by a muted owner as her bot" });
    expect(rest.status).toBe(403);
    await waitFor("both refused", () => annErrors.some((e) => e.ref === "command") && botErrors.some((e) => e.ref === "send_message:typed"));
    expect(annErrors.find((e) => e.ref === "command")?.code).toBe("forbidden");
    expect(botErrors.find((e) => e.ref === "send_message:typed")?.code).toBe("forbidden");
    await ticksPass(rootRoom, 5);
    expect(rootRoom.messages().filter((m) => m.authorId === bot.id)).toEqual([]);
    rootRoom.mute(ann.participant.id, 0);
    await waitFor("unmuted", () => !rootRoom.state.participants.get(ann.participant.id)?.muted);
    botRoom.send("free to speak again");
    await waitFor("the bot speaks again", () => rootRoom.messages().find((m) => m.text === "free to speak again"));
    for (const room of [botRoom, annRoom, rootRoom]) await room.leave();
  });

  it("nor through edits, reactions, typing or order notes; nor by a task to its bots", async () => {
    const bot = await newBot(ann, { name: "editor" });
    const botRoom = await connect({ url: server.url, token: bot.token }).join("lobby");
    const annRoom = await ann.client.join("lobby");
    const rootRoom = await root.client.join("lobby");
    await waitFor("all present", () => rootRoom.state.participants.get(bot.id) && rootRoom.state.participants.get(ann.participant.id));
    const first = await botRoom.sendAndWait("harmless words");
    // Far off, so the order is still active when the bot reports on it below (a near point could be reached first).
    annRoom.command([bot.id], { kind: "move_to", x: 60, z: 60 });
    const orderId = await waitFor("ordered", () => rootRoom.state.participants.get(bot.id)?.order?.id);
    rootRoom.mute(ann.participant.id, 3600);
    await waitFor("ann muted", () => rootRoom.state.participants.get(ann.participant.id)?.muted);
    const botErrors = errorsOf(botRoom);
    const annErrors = errorsOf(annRoom);
    botRoom.edit(first.id, "edited while the owner is muted");
    botRoom.react(first.id, "🔥");
    botRoom.typing(true);
    botRoom.sendRaw("order_status", { orderId, status: "active", note: "a note while the owner is muted" });
    annRoom.command([bot.id], { kind: "task", text: "say this for me" });
    await waitFor("all refused", () => botErrors.length >= 4 && annErrors.length >= 1, 5000);
    expect(botErrors.map((e) => e.code)).toEqual(["forbidden", "forbidden", "forbidden", "forbidden"]);
    expect(annErrors[0]).toMatchObject({ code: "forbidden", ref: "command" });
    await ticksPass(rootRoom, 5);
    const shown = rootRoom.messages().find((m) => m.id === first.id);
    expect(shown?.text).toBe("harmless words");
    expect(shown?.reactions).toEqual({});
    expect(rootRoom.state.participants.get(bot.id)?.typing).toBe(false);
    expect(rootRoom.state.participants.get(bot.id)?.order?.note).not.toContain("muted");
    rootRoom.mute(ann.participant.id, 0);
    await waitFor("unmuted", () => !rootRoom.state.participants.get(ann.participant.id)?.muted);
    for (const room of [botRoom, annRoom, rootRoom]) await room.leave();
  });

  it("a bot whose role may not speak reports on its orders without a note", async () => {
    const bot = await newBot(ann, { name: "mute-by-role", role: "spectator" });
    const botRoom = await connect({ url: server.url, token: bot.token }).join("lobby");
    const annRoom = await ann.client.join("lobby");
    await waitFor("present", () => annRoom.state.participants.get(bot.id));
    annRoom.command([bot.id], { kind: "task", text: "look around" });
    const orderId = await waitFor("tasked", () => annRoom.state.participants.get(bot.id)?.order?.id);
    const errors = errorsOf(botRoom);
    botRoom.sendRaw("order_status", { orderId, status: "active", note: "broadcast to everyone" });
    await waitFor("refused", () => errors.length >= 1);
    expect(errors[0]).toMatchObject({ code: "forbidden" });
    botRoom.sendRaw("order_status", { orderId, status: "done" });
    await waitFor("done without a note", () => annRoom.state.participants.get(bot.id)?.order?.status === "done");
    expect(annRoom.state.participants.get(bot.id)?.order?.note).toBe("");
    await botRoom.leave();
    await annRoom.leave();
  });

  it("a ban or kick of the owner takes their bots out and keeps them out", async () => {
    await api(root.token, "POST", "/api/rooms", { id: "den", name: "Den" });
    const bot = await newBot(ann, { name: "stand-in", rooms: ["den"] });
    const poller = await newBot(ann, { name: "stand-in-polling", mode: "polling", rooms: ["den"] });
    expect((await api(ann.token, "POST", `/api/bots/${poller.id}/start`)).status).toBe(200);
    const botRoom = await connect({ url: server.url, token: bot.token }).join("den");
    const rootRoom = await root.client.join("den");
    await waitFor("both bots in the den", () => rootRoom.state.participants.get(bot.id) && rootRoom.state.participants.get(poller.id));

    expect((await api(root.token, "POST", "/api/rooms/den/bans", { participantId: ann.participant.id, seconds: 3600 })).status).toBe(201);
    await waitFor("the bots are out", () => !rootRoom.state.participants.get(bot.id) && !rootRoom.state.participants.get(poller.id), 5000);
    expect((await api(bot.token, "POST", "/api/rooms/den/messages", { text: "through the bot of a banned owner" })).status).toBe(403);
    expect((await api(bot.token, "GET", "/api/rooms/den/messages")).status).toBe(403);
    await expect(connect({ url: server.url, token: bot.token }).join("den")).rejects.toThrow(/banned/);
    expect((await api(root.token, "DELETE", `/api/rooms/den/bans/${ann.participant.id}`)).status).toBe(200);

    // A kick: out now, and not back during the owner's cooldown.
    const again = await connect({ url: server.url, token: bot.token }).join("den");
    await waitFor("back in", () => rootRoom.state.participants.get(bot.id));
    const annRoom = await ann.client.join("den");
    await waitFor("ann in", () => rootRoom.state.participants.get(ann.participant.id));
    rootRoom.sendRaw("kick", { participantId: ann.participant.id });
    await waitFor("the bot went with her", () => !rootRoom.state.participants.get(bot.id) && again.closedWith !== undefined, 5000);
    await expect(connect({ url: server.url, token: bot.token }).join("den")).rejects.toThrow(/owner was kicked/);
    expect(annRoom.closedWith).toBeDefined();
    await botRoom.leave().catch(() => undefined);
    await rootRoom.leave();
  });

  it("manage_all_bots reaches only the bots of those ranked below: an admin cannot take the owner's bots", async () => {
    const rootsBot = await newBot(root, { name: "right-hand", role: "admin" });
    const annsBot = await newBot(ann, { name: "helper-of-ann" });
    for (const [method, route] of [
      ["GET", `/api/bots/${rootsBot.id}`],
      ["POST", `/api/bots/${rootsBot.id}/token`],
      ["DELETE", `/api/bots/${rootsBot.id}/token`],
      ["DELETE", `/api/bots/${rootsBot.id}`],
      ["GET", `/api/bots/${rootsBot.id}/events/dead`],
    ] as const) {
      // Refused (the dead-letter list hides the bot as unknown instead): never answered.
      expect([403, 404], `${method} ${route}`).toContain((await api(adam.token, method, route)).status);
    }
    expect((await api(rootsBot.token, "GET", "/api/me")).status).toBe(200);
    // A member's bot is the admin's to manage; the owner's is not even in the admin's list.
    expect((await api(adam.token, "GET", `/api/bots/${annsBot.id}`)).status).toBe(200);
    const listed = ((await api(adam.token, "GET", "/api/bots?all=true")).body.bots as { id: string }[]).map((b) => b.id);
    expect(listed).toContain(annsBot.id);
    expect(listed).not.toContain(rootsBot.id);

    const rootsBotRoom = await connect({ url: server.url, token: rootsBot.token }).join("lobby");
    const adamRoom = await adam.client.join("lobby");
    const errors = errorsOf(adamRoom);
    await waitFor("present", () => adamRoom.state.participants.get(rootsBot.id));
    adamRoom.command([rootsBot.id], { kind: "say", text: "I am the owner's bot, obey me" });
    await waitFor("refused", () => errors.find((e) => e.ref === `command:${rootsBot.id}`));
    expect(errors.find((e) => e.ref === `command:${rootsBot.id}`)?.code).toBe("forbidden");
    await ticksPass(adamRoom, 3);
    expect(adamRoom.messages().some((m) => m.text === "I am the owner's bot, obey me")).toBe(false);
    await rootsBotRoom.leave();
    await adamRoom.leave();
  });

  it("a poll already waiting when the token is rotated answers 401, not the next events", async () => {
    const bot = await newBot(ann, { name: "listener", mode: "polling" });
    expect((await api(ann.token, "POST", `/api/bots/${bot.id}/start`)).status).toBe(200);
    // Catch up first (the lobby's comings and goings reach a started bot a moment later): the
    // waiting poll below must still be waiting when the token is rotated.
    let cursor = 0;
    for (let quiet = 0; quiet < 3; ) {
      const caught = await api(bot.token, "POST", "/api/poll", { cursor, waitS: 0 });
      quiet = (caught.body.events as unknown[]).length === 0 ? quiet + 1 : 0;
      cursor = caught.body.cursor as number;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const waiting = api(bot.token, "POST", "/api/poll", { cursor, waitS: 20 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await api(ann.token, "POST", `/api/bots/${bot.id}/token`)).status).toBe(201);
    expect((await api(root.token, "POST", "/api/rooms/lobby/messages", { text: "for the old token's eyes?" })).status).toBe(201);
    const answered = await waiting;
    expect(answered.status).toBe(401);
    expect(JSON.stringify(answered.body)).not.toContain("for the old token's eyes?");
  });

  it("registering a bot into a private room one may not see says what a room that does not exist says", async () => {
    await api(root.token, "POST", "/api/rooms", { id: "secret", name: "Secret", private: true });
    const hidden = await api(ann.token, "POST", "/api/bots", { name: "snoop", mode: "polling", rooms: ["secret"] });
    const missing = await api(ann.token, "POST", "/api/bots", { name: "snoop2", mode: "polling", rooms: ["nosuchroom"] });
    expect(hidden.status).toBe(404);
    expect(missing.status).toBe(404);
    expect((hidden.body.error as { message: string }).message.replace("secret", "X")).toBe((missing.body.error as { message: string }).message.replace("nosuchroom", "X"));
  });

  it("a command naming 500 agents pays for looking them up, and refusals never outnumber what was paid", async () => {
    const annRoom = await ann.client.join("lobby");
    const { limits } = server.services;
    const normal = limits.inputs;
    limits.inputs = new KeyedRateLimiter(0.001, 10);
    try {
      const errors = errorsOf(annRoom);
      annRoom.command(Array.from({ length: 500 }, (_, i) => `nobody-${i}`), { kind: "stop" });
      await waitFor("answered", () => errors.length >= 1);
      await ticksPass(annRoom, 3);
      expect(errors.map((e) => e.code)).toEqual(["rate_limited"]);
      // Within the allowance: five unknown ids cost five refusals, and the sixth input is refused.
      limits.inputs = new KeyedRateLimiter(0.001, 10);
      errors.length = 0;
      annRoom.command(Array.from({ length: 5 }, (_, i) => `nobody-${i}`), { kind: "stop" });
      annRoom.command(Array.from({ length: 5 }, (_, i) => `nobody-${i}`), { kind: "stop" });
      await waitFor("answered", () => errors.length >= 6);
      await ticksPass(annRoom, 3);
      expect(errors.filter((e) => e.code === "forbidden")).toHaveLength(5);
      expect(errors.filter((e) => e.code === "rate_limited")).toHaveLength(1);
    } finally {
      limits.inputs = normal;
      await annRoom.leave();
    }
  });

  it("a demoted owner can still call their bot off, and it does not come back after a restart", async () => {
    const dave = await registerUser(server.url, "dave");
    const bot = await newBot(dave, { name: "daves-poller", mode: "polling" });
    expect((await api(dave.token, "POST", `/api/bots/${bot.id}/start`)).status).toBe(200);
    await api(root.token, "PUT", `/api/participants/${dave.participant.id}/role`, { role: "spectator" });
    expect((await api(dave.token, "GET", `/api/bots/${bot.id}/logs`)).status).toBe(403);
    // What a server restart does: bring back the bots whose owners may still run them.
    await server.services.controller.restore((b) => server.services.gate.authorize(b.ownerId, "manage_own_bots").ok);
    expect(server.services.db.bots.get(bot.id)?.running).toBe(false);
    expect((await api(dave.token, "POST", `/api/bots/${bot.id}/stop`)).status).toBe(200);
  });

  it("rotating a bridge bot's token replaces its webhook secret too", async () => {
    const created = await api(ann.token, "POST", "/api/bots", { name: "bridged", mode: "bridge", webhookUrl: "https://hooks.example.com/mesh" });
    const botId = (created.body.bot as { id: string }).id;
    const first = created.body.webhookSecret as string;
    expect(first).toMatch(/^[\w-]{43}$/);
    const rotated = await api(ann.token, "POST", `/api/bots/${botId}/token`);
    expect(rotated.body.webhookSecret).toMatch(/^[\w-]{43}$/);
    expect(rotated.body.webhookSecret).not.toBe(first);
    expect(server.services.db.bots.get(botId)?.webhookSecret).toBe(rotated.body.webhookSecret);
    // A polling bot has no secret to rotate.
    const poller = await newBot(ann, { name: "no-secret", mode: "polling" });
    expect((await api(ann.token, "POST", `/api/bots/${poller.id}/token`)).body.webhookSecret).toBeUndefined();
  });

  it("a webhook to a private address is refused at registration when the mesh sends nothing inward", async () => {
    for (const webhookUrl of ["http://127.0.0.1:9999/hook", "http://[::1]/hook", "http://10.1.2.3/hook", "http://169.254.169.254/latest"]) {
      const refused = await api(ann.token, "POST", "/api/bots", { name: "inward", mode: "bridge", webhookUrl });
      expect(refused.status, webhookUrl).toBe(400);
      expect((refused.body.error as { message: string }).message).toMatch(/private address/);
    }
  });
});
