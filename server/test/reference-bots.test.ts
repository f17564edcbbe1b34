import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { MeshRoom } from "@mesh/bots";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorsOf, registerUser, restCall, startTestServer, type TestServer, type TestUser, waitFor } from "./harness.ts";

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "bots");

interface Status {
  state: string;
  restarts: number;
  pid?: number;
}

/**
 * The orderly reference bot run by the controller as a real child process (node --import tsx
 * bots/examples/orderly.ts), seen from real SDK clients: issue 8's first and second checks.
 */
describe("the controller runs the orderly reference bot", () => {
  let server: TestServer;
  let ann: TestUser;
  let bob: TestUser;
  let annRoom: MeshRoom;
  let bobRoom: MeshRoom;
  let botId: string;

  const api = (user: TestUser, method: string, route: string, body?: unknown) => restCall(server.url, user.token, method, route, body);
  const statusOf = async (user: TestUser, id: string): Promise<Status> => (await api(user, "GET", `/api/bots/${id}/logs`)).body.status as Status;
  const seen = (id: string) => annRoom.state.participants.get(id);

  beforeAll(async () => {
    server = await startTestServer();
    await registerUser(server.url, "root");
    ann = await registerUser(server.url, "ann");
    bob = await registerUser(server.url, "bob");
    annRoom = await ann.client.join("lobby");
    bobRoom = await bob.client.join("lobby");
    const created = await api(ann, "POST", "/api/bots", { name: "orderly", program: "orderly" });
    expect(created.status).toBe(201);
    botId = (created.body.bot as { id: string }).id;
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("starts as a child process and appears as a bot entity with its owner", async () => {
    const started = await api(ann, "POST", `/api/bots/${botId}/start`);
    expect(started.status).toBe(200);
    const bot = await waitFor("the bot joined", () => seen(botId), 20000);
    expect(bot.kind).toBe("bot");
    expect(bot.ownerId).toBe(ann.participant.id);
    const status = await statusOf(ann, botId);
    expect(status.state).toBe("running");
    expect(() => process.kill(status.pid as number, 0)).not.toThrow();
    // Its own stdout, kept by the controller and readable over REST (the line is printed just after
    // the join, so it may come a moment after the bot shows in the room).
    let logged = false;
    for (let i = 0; i < 100 && !logged; i++) {
      const logs = (await api(ann, "GET", `/api/bots/${botId}/logs`)).body.logs as { stream: string; text: string }[];
      logged = logs.some((l) => l.stream === "stdout" && l.text.includes("started orderly"));
      if (!logged) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(logged).toBe(true);
  });

  it("answers a mention", async () => {
    annRoom.send("@orderly what can you do?");
    const answer = await waitFor("an answer", () => annRoom.messages().find((m) => m.authorId === botId && m.text.startsWith("Orderly here")), 10000);
    expect(answer.threadId).not.toBe("");
  });

  it("walks where its owner sends it, the order going active then done", async () => {
    const seenStatuses: string[] = [];
    const off = annRoom.onChange(() => {
      const status = seen(botId)?.order?.status;
      if (status && seenStatuses.at(-1) !== status) seenStatuses.push(status);
    });
    annRoom.command([botId], { kind: "move_to", x: 36, z: 30 });
    await waitFor("done", () => seen(botId)?.order?.status === "done", 15000);
    off();
    expect(seenStatuses).toEqual(["active", "done"]);
    expect(Math.hypot((seen(botId)?.x ?? 0) - 36, (seen(botId)?.z ?? 0) - 30)).toBeLessThan(0.01);
    // The SDK client of another member sees the same.
    expect(bobRoom.state.participants.get(botId)?.order?.status).toBe("done");
  });

  it("follows and stops", async () => {
    annRoom.moveTo(30, 34);
    annRoom.command([botId], { kind: "follow", targetId: ann.participant.id });
    await waitFor("close behind ann", () => {
      const b = seen(botId);
      const a = seen(ann.participant.id);
      return a && b && Math.hypot(a.x - 30, a.z - 34) < 0.01 && Math.hypot(a.x - b.x, a.z - b.z) < 2.5 && b.order?.status === "active";
    }, 15000);
    annRoom.command([botId], { kind: "stop" });
    await waitFor("stopped", () => seen(botId)?.order?.kind === "stop" && seen(botId)?.order?.status === "done");
  });

  it("does a task and reports its progress", async () => {
    annRoom.command([botId], { kind: "task", text: "water the plants" });
    await waitFor("active", () => seen(botId)?.order?.kind === "task" && seen(botId)?.order?.status === "active", 10000);
    await waitFor("done", () => seen(botId)?.order?.status === "done", 15000);
    expect(seen(botId)?.order?.note).toBe("finished");
    expect(annRoom.messages().some((m) => m.authorId === botId && m.text === "Working on a task.")).toBe(true);
  });

  it("refuses a second member's command", async () => {
    const errors = errorsOf(bobRoom);
    const before = seen(botId)?.order?.id;
    bobRoom.command([botId], { kind: "move_to", x: 1, z: 1 });
    await waitFor("refused", () => errors.find((e) => e.ref === `command:${botId}`));
    expect(errors.find((e) => e.ref === `command:${botId}`)?.code).toBe("forbidden");
    expect(seen(botId)?.order?.id).toBe(before);
  });

  it("is restarted with backoff when its process is killed", async () => {
    const before = await statusOf(ann, botId);
    process.kill(before.pid as number, "SIGKILL");
    // Its socket died without a goodbye: shown offline (inside the reconnection window), then the
    // restarted process joins as the same participant.
    await waitFor("shown offline", () => seen(botId)?.status === "offline", 10000);
    await waitFor("online again", () => seen(botId)?.status === "online", 20000);
    const after = await statusOf(ann, botId);
    expect(after.restarts).toBeGreaterThanOrEqual(1);
    expect(after.pid).not.toBe(before.pid);
    expect(after.state).toBe("running");
  });

  it("comes back after a server restart, and stopping it removes it", async () => {
    await annRoom.leave();
    await bobRoom.leave();
    const dataDir = server.dataDir;
    await server.close();
    // The same data folder, a new server: bots that were running come back by themselves.
    const again = await startTestServer({ dataDir });
    const removeFirst = server.stop;
    server = {
      ...again,
      stop: async () => {
        await again.stop();
        await removeFirst().catch(() => undefined);
      },
    };
    ann.client = (await import("@mesh/bots")).connect({ url: server.url, token: ann.token });
    annRoom = await ann.client.join("lobby");
    await waitFor("the bot is back", () => seen(botId), 20000);
    expect((await statusOf(ann, botId)).state).toBe("running");
    expect((await api(ann, "POST", `/api/bots/${botId}/stop`)).status).toBe(200);
    await waitFor("the bot left", () => !seen(botId), 10000);
    expect((await statusOf(ann, botId)).state).toBe("stopped");
    const listed = (await api(ann, "GET", "/api/bots")).body.bots as { id: string; running: boolean }[];
    expect(listed.find((b) => b.id === botId)?.running).toBe(false);
  });

  it("stays out once its token is revoked: the controller does not mint itself a new one", async () => {
    expect((await api(ann, "POST", `/api/bots/${botId}/start`)).status).toBe(200);
    await waitFor("running again", () => seen(botId)?.status === "online", 20000);
    expect((await api(ann, "DELETE", `/api/bots/${botId}/token`)).status).toBe(200);
    await waitFor("gone", () => !seen(botId), 5000);
    expect((await statusOf(ann, botId)).state).toBe("stopped");
    await new Promise((resolve) => setTimeout(resolve, 2500)); // longer than the first restart's backoff
    expect(seen(botId)).toBeUndefined();
  });
});

describe("programs that misbehave (test fixtures run by the controller)", () => {
  let server: TestServer;

  beforeAll(async () => {
    expect(fs.existsSync(path.join(FIXTURES, "crash.ts"))).toBe(true);
    server = await startTestServer({ botProgramsDir: FIXTURES });
    await registerUser(server.url, "root");
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("is marked crash-looping, not restarted forever", async () => {
    const ann = await registerUser(server.url, "ann");
    const headers = { authorization: `Bearer ${ann.token}`, "content-type": "application/json" };
    const created = await fetch(`${server.url}/api/bots`, { method: "POST", headers, body: JSON.stringify({ name: "crasher", program: "crash" }) });
    const id = ((await created.json()) as { bot: { id: string } }).bot.id;
    expect((await fetch(`${server.url}/api/bots/${id}/start`, { method: "POST", headers })).status).toBe(200);
    const status = async () => ((await (await fetch(`${server.url}/api/bots/${id}/logs`, { headers })).json()) as { status: Status }).status;
    let last: Status | undefined;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      last = await status();
      if (last.state === "crash_looping") break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(last?.state).toBe("crash_looping");
    const restarts = last?.restarts;
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect((await status()).restarts).toBe(restarts);
  });

  it("stopping a bot stops what it started too", async () => {
    const ann = await registerUser(server.url, "spawner_owner");
    const headers = { authorization: `Bearer ${ann.token}`, "content-type": "application/json" };
    const created = await fetch(`${server.url}/api/bots`, { method: "POST", headers, body: JSON.stringify({ name: "spawner", program: "spawner" }) });
    const id = ((await created.json()) as { bot: { id: string } }).bot.id;
    expect((await fetch(`${server.url}/api/bots/${id}/start`, { method: "POST", headers })).status).toBe(200);
    const logs = async () => ((await (await fetch(`${server.url}/api/bots/${id}/logs`, { headers })).json()) as { logs: { text: string }[] }).logs;
    let pid = 0;
    for (let i = 0; i < 100 && pid === 0; i++) {
      pid = Number((await logs()).find((l) => l.text.startsWith("grandchild "))?.text.split(" ")[1] ?? 0);
      if (pid === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(pid).toBeGreaterThan(0);
    const alive = (p: number) => {
      try {
        process.kill(p, 0);
        return true;
      } catch {
        return false;
      }
    };
    expect(alive(pid)).toBe(true);
    expect((await fetch(`${server.url}/api/bots/${id}/stop`, { method: "POST", headers })).status).toBe(200);
    for (let i = 0; i < 50 && alive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(alive(pid)).toBe(false);
  });
});

describe("the greeter, mention and wanderer reference bots, each run by the controller", () => {
  let server: TestServer;

  afterAll(async () => {
    await server?.stop();
  });

  it("welcome, answer and walk", async () => {
    server = await startTestServer();
    await registerUser(server.url, "root");
    const ann = await registerUser(server.url, "ann");
    const headers = { authorization: `Bearer ${ann.token}`, "content-type": "application/json" };
    const ids: Record<string, string> = {};
    for (const program of ["greeter", "mention", "wanderer"]) {
      const created = await fetch(`${server.url}/api/bots`, { method: "POST", headers, body: JSON.stringify({ name: `ref-${program}`, program }) });
      ids[program] = ((await created.json()) as { bot: { id: string } }).bot.id;
      expect((await fetch(`${server.url}/api/bots/${ids[program]}/start`, { method: "POST", headers })).status).toBe(200);
    }
    const watcher = await ann.client.join("lobby");
    await waitFor("all three in the lobby", () => Object.values(ids).every((id) => watcher.state.participants.get(id)), 30000);

    const bea = await registerUser(server.url, "bea");
    const beaRoom = await bea.client.join("lobby");
    await waitFor("the greeter welcomed bea", () => watcher.messages().find((m) => m.authorId === ids.greeter && m.text.includes("Welcome, bea")), 10000);

    beaRoom.send("@ref-mention are you there?");
    const answer = await waitFor("the mention bot answered", () => watcher.messages().find((m) => m.authorId === ids.mention && m.text.includes("are you there?")), 10000);
    expect(answer.text).toContain("Hello bea");
    expect(answer.text).not.toContain("@");

    const start = { x: watcher.state.participants.get(ids.wanderer)?.x, z: watcher.state.participants.get(ids.wanderer)?.z };
    await waitFor("the wanderer walked", () => {
      const p = watcher.state.participants.get(ids.wanderer);
      return p && (p.x !== start.x || p.z !== start.z);
    }, 15000);
    await beaRoom.leave();
    await watcher.leave();
  });
});
