import fs from "node:fs";
import path from "node:path";
import { createHash } from "node:crypto";
import { connect } from "@mesh/bots";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KeyedRateLimiter } from "../src/limits.ts";
import { errorsOf, registerUser, restCall, startTestServer, type TestServer, type TestUser, ticksPass, waitFor } from "./harness.ts";

interface Registered {
  status: number;
  body: { bot?: { id: string; name: string; ownerId: string; role: string }; token?: string; skill?: string; webhookSecret?: string; error?: { code: string; message: string } };
}

describe("bots: registration, tokens and effective permissions", () => {
  let server: TestServer;
  let root: TestUser;
  let ann: TestUser;
  let bob: TestUser;

  const call = (token: string, method: string, route: string, body?: unknown) => restCall(server.url, token, method, route, body);
  const register = async (owner: TestUser | string, body: Record<string, unknown>): Promise<Registered> =>
    (await call(typeof owner === "string" ? owner : owner.token, "POST", "/api/bots", body)) as Registered;
  const setRole = (who: TestUser, role: string) => call(root.token, "PUT", `/api/participants/${who.participant.id}/role`, { role });

  beforeAll(async () => {
    server = await startTestServer({ botsPerMember: 3 });
    // This file registers more bots a minute than anyone should: the allowance is not under test here.
    server.services.limits.roomCreates = new KeyedRateLimiter(1000, 1000);
    root = await registerUser(server.url, "root");
    ann = await registerUser(server.url, "ann");
    bob = await registerUser(server.url, "bob");
  });
  afterAll(() => server.stop());

  it("registers a bot owned by the caller, role agent, and shows its token once (only a hash is stored)", async () => {
    const created = await register(ann, { name: "scout" });
    expect(created.status).toBe(201);
    expect(created.body.bot).toMatchObject({ name: "scout", role: "agent", ownerId: ann.participant.id });
    const token = created.body.token as string;
    expect(token).toMatch(/^mesh_bot_/);
    expect(created.body.skill).toContain(`${server.url}/sdk/mesh-bots.tgz`);
    expect(created.body.skill).not.toContain(token);
    // A channel bot is told to use its socket; a polling bot how to poll and who starts it.
    expect(created.body.skill).toContain("yours answers 403");
    const poller = await register(ann, { name: "skilled-poller", mode: "polling", rooms: ["lobby"] });
    expect(poller.body.skill).toContain("/api/poll");
    expect(poller.body.skill).toContain("owner's** token");
    expect(poller.body.skill).toContain("rooms `lobby`");
    await call(ann.token, "DELETE", `/api/bots/${poller.body.bot?.id}`);
    const listed = await call(ann.token, "GET", "/api/bots");
    expect(JSON.stringify(listed.body)).not.toContain(token);
    expect((listed.body.bots as { name: string }[]).map((b) => b.name)).toEqual(["scout"]);
    const hash = createHash("sha256").update(token).digest("hex");
    const row = server.services.db.sqlite.prepare("SELECT count(*) AS n FROM sessions WHERE token_hash = ?").get(hash) as { n: number };
    expect(row.n).toBe(1);
    server.services.db.sqlite.pragma("wal_checkpoint(TRUNCATE)");
    for (const file of fs.readdirSync(server.dataDir)) {
      const full = path.join(server.dataDir, file);
      if (fs.statSync(full).isFile()) expect(fs.readFileSync(full).includes(token)).toBe(false);
    }
    // A bot never logs in with a password, whatever it tries.
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "scout", password: "!" .repeat(8) }),
    });
    expect(login.status).toBe(401);
    await call(ann.token, "DELETE", `/api/bots/${created.body.bot?.id}`);
  });

  it("refuses what an owner may not make: no spawn_bots, a role not below theirs, over the cap, a bot owning a bot, bad bodies", async () => {
    await setRole(bob, "spectator");
    expect((await register(bob, { name: "nope-1" })).body.error?.code).toBe("forbidden");
    await setRole(bob, "member");
    for (const role of ["member", "admin", "owner", "no-such-role"]) {
      const refused = await register(ann, { name: `nope-${role}`, role });
      expect(refused.status, role).toBe(role === "no-such-role" ? 404 : 403);
    }
    const made: string[] = [];
    for (const name of ["cap-1", "cap-2", "cap-3"]) made.push((await register(ann, { name })).body.bot?.id as string);
    const over = await register(ann, { name: "cap-4" });
    expect(over.status).toBe(403);
    expect(over.body.error?.message).toMatch(/most allowed/);
    // The mesh owner is exempt from the cap.
    for (const name of ["root-1", "root-2", "root-3", "root-4"]) expect((await register(root, { name })).status).toBe(201);
    const taken = await register(bob, { name: "cap-1" });
    expect(taken.status).toBe(409);
    for (const body of [
      { name: "x" },
      { name: "bridge-1", mode: "bridge" },
      { name: "bridge-2", mode: "bridge", webhookUrl: "ftp://example.com/hook" },
      { name: "bridge-3", mode: "bridge", webhookUrl: "http://user:pw@127.0.0.1/hook" },
      { name: "poll-1", mode: "polling", webhookUrl: "http://127.0.0.1/hook" },
      { name: "prog-1", program: "rm -rf /" },
      { name: "prog-3", program: "../orderly" },
      { name: "prog-2", program: "orderly", mode: "polling" },
      { name: "rooms-1", rooms: ["../etc"] },
      { name: "extra-1", token: "mine" },
    ]) {
      expect((await register(bob, body)).status, JSON.stringify(body)).toBe(400);
    }
    expect((await register(bob, { name: "rooms-2", rooms: ["no-such-room"] })).status).toBe(404);
    // runner.ts sits beside the reference bots, but it is their shared helper, not a bot.
    expect((await register(bob, { name: "prog-4", program: "runner" })).status).toBe(404);
    for (const id of made) await call(ann.token, "DELETE", `/api/bots/${id}`);
    // A bot cannot make bots, even with a role that could: its owner is not a bot-maker through it.
    const botMaker = await register(root, { name: "maker", role: "member" });
    expect((await register(botMaker.body.token as string, { name: "grandchild" })).status).toBe(403);
  });

  it("a bot holds its role ∩ its owner's current role, read at every action", async () => {
    const created = await register(ann, { name: "echo" });
    const botId = created.body.bot?.id as string;
    const botRoom = await connect({ url: server.url, token: created.body.token as string }).join("lobby");
    const errors = errorsOf(botRoom);
    const annRoom = await ann.client.join("lobby");
    await waitFor("bot present", () => annRoom.state.participants.get(botId));

    botRoom.send("first words");
    await waitFor("said", () => annRoom.messages().find((m) => m.text === "first words" && m.authorId === botId));
    // The agent role holds lock_threads; a member does not: neither does the member's bot.
    const root1 = annRoom.messages().find((m) => m.text === "first words");
    botRoom.sendRaw("lock_thread", { threadId: root1?.id, locked: true });
    await waitFor("lock refused", () => errors.find((e) => e.ref === "lock_thread"));
    expect(errors.find((e) => e.ref === "lock_thread")?.code).toBe("forbidden");

    // Demote the owner: the bot loses send_messages and move_in_world on its very next action.
    await setRole(ann, "spectator");
    botRoom.sendRaw("send_message", { text: "after the demotion", nonce: "n-demoted" });
    botRoom.sendRaw("move", { x: 1, z: 1 });
    await waitFor("both refused", () => errors.some((e) => e.ref === "send_message:n-demoted") && errors.some((e) => e.ref === "move"));
    expect(errors.find((e) => e.ref === "send_message:n-demoted")?.code).toBe("forbidden");
    expect((await call(created.body.token as string, "POST", "/api/rooms/lobby/messages", { text: "over rest" })).status).toBe(403);
    await ticksPass(botRoom, 5);
    expect(annRoom.messages().some((m) => m.text === "after the demotion" || m.text === "over rest")).toBe(false);

    // Promoted back: the bot may speak again.
    await setRole(ann, "member");
    botRoom.send("back again");
    await waitFor("spoke again", () => annRoom.messages().find((m) => m.text === "back again"));
    await botRoom.leave();
    await annRoom.leave();
  });

  it("revoking a bot's token closes its sockets within a second and refuses it everywhere; rotating hands out a new one", async () => {
    const created = await register(ann, { name: "revokee" });
    const botId = created.body.bot?.id as string;
    const token = created.body.token as string;
    const botRoom = await connect({ url: server.url, token }).join("lobby");
    const revokedAt = Date.now();
    const revoked = await call(ann.token, "DELETE", `/api/bots/${botId}/token`);
    expect(revoked.body).toMatchObject({ ok: true });
    await waitFor("socket closed", () => botRoom.closedWith !== undefined, 1000);
    expect(Date.now() - revokedAt).toBeLessThan(1000);
    expect(botRoom.closedWith).toBe(4001);
    expect((await call(token, "GET", "/api/me")).status).toBe(401);
    await expect(connect({ url: server.url, token }).join("lobby")).rejects.toThrow();

    const rotated = await call(ann.token, "POST", `/api/bots/${botId}/token`);
    expect(rotated.status).toBe(201);
    const fresh = rotated.body.token as string;
    expect(fresh).not.toBe(token);
    expect((await call(fresh, "GET", "/api/me")).body).toMatchObject({ participant: { id: botId, kind: "bot" } });
    const again = await call(ann.token, "POST", `/api/bots/${botId}/token`);
    expect((await call(fresh, "GET", "/api/me")).status).toBe(401);
    expect((await call(again.body.token as string, "GET", "/api/me")).status).toBe(200);
  });

  it("someone else's bot is not found; manage_all_bots reaches any bot", async () => {
    const created = await register(ann, { name: "private-bot" });
    const botId = created.body.bot?.id as string;
    for (const [method, route] of [
      ["GET", `/api/bots/${botId}`],
      ["POST", `/api/bots/${botId}/token`],
      ["DELETE", `/api/bots/${botId}/token`],
      ["POST", `/api/bots/${botId}/start`],
      ["POST", `/api/bots/${botId}/stop`],
      ["GET", `/api/bots/${botId}/logs`],
      ["GET", `/api/bots/${botId}/skill.md`],
      ["DELETE", `/api/bots/${botId}`],
    ]) {
      expect((await call(bob.token, method, route)).status, `${method} ${route}`).toBe(404);
    }
    expect((await call(bob.token, "GET", "/api/bots?all=true")).status).toBe(403);
    expect((await call(created.body.token as string, "GET", `/api/bots/${botId}`)).status).toBe(404);
    expect((await call(root.token, "GET", `/api/bots/${botId}`)).status).toBe(200);
    const all = await call(root.token, "GET", "/api/bots?all=true");
    expect((all.body.bots as { id: string }[]).some((b) => b.id === botId)).toBe(true);
    expect((await call(root.token, "DELETE", `/api/bots/${botId}`)).status).toBe(200);
    expect((await call(created.body.token as string, "GET", "/api/me")).status).toBe(401);
  });

  it("a started polling bot is present in its room without a socket, acts over REST through the same edge, and leaves when stopped", async () => {
    const created = await register(ann, { name: "poller", mode: "polling" });
    const botId = created.body.bot?.id as string;
    const token = created.body.token as string;
    const annRoom = await ann.client.join("lobby");
    // Not started: not present, so no input.
    expect((await call(token, "POST", "/api/rooms/lobby/input", { type: "move", payload: { x: 3, z: 3 } })).status).toBe(404);
    expect((await call(ann.token, "POST", `/api/bots/${botId}/start`)).status).toBe(200);
    const shown = await waitFor("the bot is present", () => annRoom.state.participants.get(botId));
    expect(shown.kind).toBe("bot");
    expect(shown.ownerId).toBe(ann.participant.id);
    expect((await call(token, "POST", "/api/rooms/lobby/input", { type: "move", payload: { x: 26, z: 26 } })).status).toBe(202);
    await waitFor("it walked", () => (annRoom.state.participants.get(botId)?.x ?? 99) < 27, 15000);
    const bad = await call(token, "POST", "/api/rooms/lobby/input", { type: "move", payload: { x: "far" } });
    expect(bad.status).toBe(400);
    expect((await call(token, "POST", "/api/rooms/lobby/input", { type: "kick", payload: { participantId: ann.participant.id } })).status).toBe(403);
    expect((await call(token, "POST", "/api/rooms/lobby/input", { type: "no_such_type", payload: {} })).status).toBe(400);
    annRoom.sendRaw("command", { agentIds: [botId], order: { kind: "move_to", x: 29, z: 29 } });
    await waitFor("the order reached the socketless bot", () => annRoom.state.participants.get(botId)?.order?.status === "done", 15000);
    expect((await call(ann.token, "POST", `/api/bots/${botId}/stop`)).status).toBe(200);
    await waitFor("the bot left", () => !annRoom.state.participants.get(botId));
    await annRoom.leave();
  });
});
