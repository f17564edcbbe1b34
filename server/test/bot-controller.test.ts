import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type MeshDatabase, openDatabase } from "@mesh/persistence";
import { afterEach, describe, expect, it } from "vitest";
import { BotController } from "../src/bots/controller/controller.ts";
import { ProcessRuntime, type ProcessRuntimeOptions, REPO_ROOT } from "../src/bots/controller/process-runtime.ts";
import type { LogLine } from "../src/bots/controller/types.ts";
import { createLogger, loadConfig, type RunningServer, startServer } from "../src/index.ts";
import { waitFor } from "./harness.ts";

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "bots");
const silent = createLogger("silent");

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function runtime(options: Partial<ProcessRuntimeOptions> = {}): ProcessRuntime {
  const created = new ProcessRuntime({ programsDir: FIXTURES, cwd: REPO_ROOT, memoryMb: 256, stopGraceMs: 2000, ...options });
  cleanups.push(() => created.close());
  return created;
}

function launch(program: string, botId = `bot-${program}`) {
  return { botId, name: botId, program, env: { MESH_URL: "http://127.0.0.1:1", MESH_TOKEN: "t", MESH_ROOM: "lobby" } };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function startedReport(lines: LogLine[]): { url: string; room: string; tokenSha256: string; envNames: string[] } | undefined {
  const line = lines.find((l) => l.stream === "stdout" && l.text.startsWith("started "));
  return line && JSON.parse(line.text.slice("started ".length));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("process runtime", () => {
  it("runs a bot as a child process with only its own environment", async () => {
    process.env.MESH_TEST_SERVER_SECRET = "must not reach bots";
    cleanups.push(() => {
      delete process.env.MESH_TEST_SERVER_SECRET;
    });
    const bots = runtime();
    await bots.start(launch("idle"));
    const report = await waitFor("the bot's report", () => startedReport(bots.logs("bot-idle")), 15_000);
    const status = bots.status("bot-idle");
    expect(status).toMatchObject({ state: "running", restarts: 0 });
    expect(alive(status.pid ?? -1)).toBe(true);
    expect(report.room).toBe("lobby");
    expect(report.envNames).not.toContain("MESH_TEST_SERVER_SECRET");
    expect(report.envNames.filter((name) => name.startsWith("MESH_")).sort()).toEqual(["MESH_ROOM", "MESH_TOKEN", "MESH_URL"]);
  });

  it("restarts a killed bot after a backoff that doubles", async () => {
    const bots = runtime({ restart: { backoffBaseMs: 300 } });
    await bots.start(launch("idle"));
    const first = await waitFor("a running bot", () => bots.status("bot-idle").pid, 15_000);

    process.kill(first, "SIGKILL");
    const backoff = await waitFor("backoff", () => {
      const status = bots.status("bot-idle");
      return status.state === "backoff" && status;
    });
    expect(backoff.lastExit?.signal).toBe("SIGKILL");
    expect((backoff.nextStartAt ?? 0) - (backoff.lastExit?.at ?? 0)).toBe(300);
    expect(alive(first)).toBe(false);
    const second = await waitFor("a restarted bot", () => {
      const status = bots.status("bot-idle");
      return status.state === "running" && status.pid !== undefined && status.pid !== first && status.pid;
    }, 15_000);
    expect(bots.status("bot-idle").restarts).toBe(1);

    process.kill(second, "SIGKILL");
    const again = await waitFor("a second backoff", () => {
      const status = bots.status("bot-idle");
      return status.state === "backoff" && status;
    });
    expect((again.nextStartAt ?? 0) - (again.lastExit?.at ?? 0)).toBe(600);
    await waitFor("a second restart", () => bots.status("bot-idle").restarts === 2 && bots.status("bot-idle").state === "running", 15_000);
    expect(bots.logs("bot-idle").map((l) => l.text)).toEqual(
      expect.arrayContaining(["killed by SIGKILL", "restarting in 300 ms", "restarting in 600 ms"]),
    );
  });

  it("marks a bot that crashes at once as crash looping and stops restarting it", async () => {
    const bots = runtime({ restart: { backoffBaseMs: 50, crashWindowMs: 10_000, crashLimit: 5 } });
    await bots.start(launch("crash"));
    await waitFor("crash loop", () => bots.status("bot-crash").state === "crash_looping", 25_000);
    const status = bots.status("bot-crash");
    expect(status).toMatchObject({ state: "crash_looping", restarts: 4, lastExit: { code: 3 } });
    expect(status.pid).toBeUndefined();
    expect(status.detail).toMatch(/5 times in a row/);
    await sleep(1500);
    expect(bots.status("bot-crash")).toMatchObject({ state: "crash_looping", restarts: 4 });
    expect(bots.logs("bot-crash").filter((l) => l.stream === "stderr" && l.text === "cannot go on")).toHaveLength(5);

    // Started again by hand, it gets a fresh count.
    await bots.start(launch("crash"));
    expect(bots.status("bot-crash").restarts).toBe(0);
  });

  it("stops a bot for good, with SIGKILL for one that ignores SIGTERM", async () => {
    const bots = runtime({ restart: { backoffBaseMs: 100 }, stopGraceMs: 500 });
    await bots.start(launch("idle"));
    await bots.start(launch("stubborn"));
    const idle = await waitFor("idle running", () => bots.status("bot-idle").pid, 15_000);
    const stubborn = await waitFor("stubborn running", () => bots.logs("bot-stubborn").some((l) => l.text === "up") && bots.status("bot-stubborn").pid, 15_000);

    await Promise.all([bots.stop("bot-idle"), bots.stop("bot-stubborn")]);
    expect(alive(idle)).toBe(false);
    expect(alive(stubborn)).toBe(false);
    expect(bots.logs("bot-stubborn").map((l) => l.text)).toEqual(
      expect.arrayContaining(["ignoring SIGTERM", "still running 500 ms after SIGTERM: SIGKILL"]),
    );
    await sleep(600);
    for (const id of ["bot-idle", "bot-stubborn"]) {
      expect(bots.status(id).state).toBe("stopped");
      expect(bots.status(id).pid).toBeUndefined();
    }
  });

  it("keeps a flooding bot's log bounded without stalling the event loop", async () => {
    const limits = { maxLines: 200, maxLineBytes: 512, maxBytes: 32 * 1024 };
    const bots = runtime({ ring: limits, outputBytesPerS: 512 * 1024 });
    await bots.start(launch("flood"));
    await waitFor("flood", () => bots.logs("bot-flood").some((l) => l.stream === "stdout"), 15_000);

    let worstLagMs = 0;
    let last = performance.now();
    const probe = setInterval(() => {
      const now = performance.now();
      worstLagMs = Math.max(worstLagMs, now - last - 10);
      last = now;
    }, 10);
    const heapBefore = process.memoryUsage().heapUsed;
    await sleep(2000);
    clearInterval(probe);

    const lines = bots.logs("bot-flood");
    expect(lines.length).toBeLessThanOrEqual(limits.maxLines);
    expect(lines.every((l) => Buffer.byteLength(l.text) <= limits.maxLineBytes)).toBe(true);
    expect(lines.reduce((sum, l) => sum + Buffer.byteLength(l.text), 0)).toBeLessThanOrEqual(limits.maxBytes);
    expect(lines.some((l) => l.text.endsWith("…[cut]"))).toBe(true);
    expect(lines.some((l) => l.stream === "controller" && l.text.includes("output paused"))).toBe(true);
    expect(worstLagMs).toBeLessThan(500); // a loop held by the flood would lag by seconds
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
    expect(bots.status("bot-flood").state).toBe("running");
  });

  it("kills a bot at its memory limit and says why", async () => {
    const bots = runtime({ memoryMb: 200, memoryCheckMs: 100, restart: { backoffBaseMs: 60_000 } });
    await bots.start(launch("allocate"));
    const line = await waitFor("the memory kill", () => bots.logs("bot-allocate").find((l) => l.text.startsWith("killed at the memory limit")), 20_000);
    expect(line.stream).toBe("controller");
    expect(line.text).toMatch(/resident memory \d+ MB is over 200 MB/);
    const status = await waitFor("the exit", () => bots.status("bot-allocate").state === "backoff" && bots.status("bot-allocate"));
    expect(status.lastExit?.signal).toBe("SIGKILL");
    expect(status.detail).toMatch(/memory limit/);
  });

  it("refuses a program that is not there or is not a name", async () => {
    const bots = runtime();
    await expect(bots.start(launch("nope"))).rejects.toThrow(/no program 'nope'/);
    await expect(bots.start(launch("../fixtures/bots/idle"))).rejects.toThrow(/not a program name/);
    expect(bots.status("bot-nope").state).toBe("stopped");
  });
});

describe("bot controller", () => {
  function database(): { db: MeshDatabase; dir: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-controller-"));
    const db = openDatabase(path.join(dir, "mesh.sqlite"));
    cleanups.push(() => {
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    return { db, dir };
  }

  function addBot(db: MeshDatabase, id: string, fields: { program?: string; mode?: "channel" | "bridge" | "polling"; rooms?: string[] } = {}) {
    if (!db.users.get("owner")) db.users.create({ id: "owner", username: "owner", passwordHash: "x", kind: "human", role: "owner" });
    db.users.create({ id, username: id, passwordHash: "", kind: "bot", role: "agent", ownerId: "owner" });
    return db.bots.create({
      id,
      ownerId: "owner",
      mode: fields.mode ?? "channel",
      program: fields.program ?? "idle",
      webhookUrl: "",
      webhookSecret: "",
      rooms: fields.rooms ?? ["garden"],
    });
  }

  function controller(db: MeshDatabase) {
    const revoked: string[] = [];
    const created = new BotController({
      db,
      runtime: runtime(),
      log: silent,
      meshUrl: () => "http://127.0.0.1:4321",
      onRevoked: (sid) => revoked.push(sid),
    });
    cleanups.push(() => created.close());
    return { controller: created, revoked };
  }

  const tokenActive = (db: MeshDatabase, sha256: string) => db.sessions.activeByTokenHash(sha256, Date.now());

  it("runs a bot with a fresh token each run, revoking the last, and marks it running", async () => {
    const { db } = database();
    addBot(db, "b1");
    const { controller: bots, revoked } = controller(db);

    const started = await bots.start("b1");
    expect(started).toMatchObject({ ok: true });
    expect(db.bots.get("b1")?.running).toBe(true);
    const first = await waitFor("report", () => startedReport(bots.logs("b1")), 15_000);
    expect(first).toMatchObject({ url: "http://127.0.0.1:4321", room: "garden" });
    expect(tokenActive(db, first.tokenSha256)?.userId).toBe("b1");

    // A second start of a running bot changes nothing.
    const pid = bots.status("b1").pid;
    expect(await bots.start("b1")).toMatchObject({ ok: true, value: { state: "running", pid } });

    expect(await bots.stop("b1")).toMatchObject({ ok: true, value: { state: "stopped" } });
    expect(db.bots.get("b1")?.running).toBe(false);
    expect(tokenActive(db, first.tokenSha256)).toBeUndefined();
    expect(revoked).toHaveLength(1);
    expect(alive(pid ?? -1)).toBe(false);
  });

  it("brings back the bots that were running, with new tokens, after a restart", async () => {
    const { db } = database();
    addBot(db, "b1");
    addBot(db, "b2", { rooms: [] });
    addBot(db, "b3");
    const before = controller(db).controller;
    await before.start("b1");
    await before.start("b2");
    const report = await waitFor("report", () => startedReport(before.logs("b1")), 15_000);
    const pid = before.status("b1").pid ?? -1;
    await before.close();
    expect(alive(pid)).toBe(false);
    expect(db.bots.wantedRunning().map((b) => b.id)).toEqual(["b1", "b2"]);

    const after = controller(db);
    expect(await after.controller.restore()).toBe(2);
    const again = await waitFor("report after restore", () => startedReport(after.controller.logs("b1")), 15_000);
    expect(after.controller.status("b1").state).toBe("running");
    expect(after.controller.status("b3").state).toBe("stopped");
    const b2 = await waitFor("b2's report", () => startedReport(after.controller.logs("b2")), 15_000);
    expect(b2.room).toBe("lobby"); // no rooms: the lobby
    // The token the last server handed out is revoked, the new one works.
    expect(tokenActive(db, report.tokenSha256)).toBeUndefined();
    expect(tokenActive(db, again.tokenSha256)?.userId).toBe("b1");
    expect(after.revoked).toHaveLength(2);
  });

  it("refuses bots it cannot run and only marks bridge and polling bots", async () => {
    const { db } = database();
    addBot(db, "byob", { program: "" });
    addBot(db, "gone", { program: "nope" });
    addBot(db, "hook", { mode: "bridge", program: "" });
    const { controller: bots } = controller(db);
    const presence: [string, boolean][] = [];
    bots.onPresence = (bot, running) => presence.push([bot.id, running]);

    expect(await bots.start("nobody")).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await bots.start("byob")).toMatchObject({ ok: false, error: { code: "bad_input", message: expect.stringMatching(/no program/) } });
    expect(await bots.start("gone")).toMatchObject({ ok: false, error: { code: "bad_input", message: expect.stringMatching(/'nope'/) } });
    expect(db.bots.get("gone")?.running).toBe(false);
    expect(db.sessions.revokeAllForUser("gone")).toEqual([]); // its token was revoked when the launch was refused

    expect(await bots.start("hook")).toMatchObject({ ok: true, value: { state: "running" } });
    expect(db.bots.get("hook")?.running).toBe(true);
    expect(await bots.stop("hook")).toMatchObject({ ok: true, value: { state: "stopped" } });
    expect(presence).toEqual([
      ["hook", true],
      ["hook", false],
    ]);
  });
});

describe("bot controller in the server", () => {
  it("gives bots the server's loopback URL, stops them with the server and brings them back with it", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-test-"));
    let server: RunningServer | undefined;
    cleanups.push(async () => {
      await server?.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });
    const loaded = loadConfig({ PORT: "0", HOST: "127.0.0.1", MESH_DATA_DIR: dataDir, LOG_LEVEL: "silent", MESH_BOT_PROGRAMS_DIR: FIXTURES });
    if (!loaded.ok) throw new Error(loaded.errors.join("; "));
    server = await startServer(loaded.value, silent);
    const { db, controller: bots } = server.services;
    db.users.create({ id: "owner", username: "owner", passwordHash: "x", kind: "human", role: "owner" });
    db.users.create({ id: "b1", username: "b1", passwordHash: "", kind: "bot", role: "agent", ownerId: "owner" });
    db.bots.create({ id: "b1", ownerId: "owner", mode: "channel", program: "idle", webhookUrl: "", webhookSecret: "", rooms: [] });
    expect(await bots.start("b1")).toMatchObject({ ok: true });
    const report = await waitFor("report", () => startedReport(bots.logs("b1")), 15_000);
    expect(report.url).toBe(`http://127.0.0.1:${server.port}`);
    const pid = bots.status("b1").pid ?? -1;

    await server.close();
    expect(alive(pid)).toBe(false);
    server = await startServer(loaded.value, silent);
    const restored = server.services.controller;
    expect(restored.status("b1").state).not.toBe("stopped");
    const again = await waitFor("report after restart", () => startedReport(restored.logs("b1")), 15_000);
    expect(again.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(createHash("sha256").update("").digest("hex")).not.toBe(again.tokenSha256);
  });
});
