import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { connect, type MeshClient, MeshRest, MeshRestError, type MeshRoom, type SearchOptions, type SearchResult } from "@mesh/bots";
import type { ErrorPayload, ParticipantData } from "@mesh/schema";
import { type Config, createLogger, loadConfig, type RunningServer, type StartOptions, startServer } from "../src/index.ts";

export interface TestServer extends RunningServer {
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * A real server on a free loopback port with its own data folder; stop() removes both.
 * Sessions are swept every 100 ms unless `options` says otherwise.
 */
export async function startTestServer(overrides: Partial<Config> = {}, options: StartOptions = {}): Promise<TestServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-test-"));
  const loaded = loadConfig({ PORT: "0", HOST: "127.0.0.1", MESH_DATA_DIR: dataDir, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent" });
  if (!loaded.ok) throw new Error(loaded.errors.join("; "));
  const config = { ...loaded.value, ...overrides };
  const server = await startServer(config, createLogger(config.logLevel), { sessionSweepMs: 100, ...options });
  return {
    ...server,
    dataDir,
    async stop() {
      await server.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface TestUser {
  token: string;
  participant: ParticipantData;
  rest: MeshRest;
  client: MeshClient;
}

let counter = 0;

/** Register a fresh account over REST and return a connected SDK client for it. */
export async function registerUser(url: string, name = `user${++counter}`): Promise<TestUser> {
  const rest = new MeshRest(url);
  const session = await rest.register(name, "correct horse battery");
  return { ...session, rest, client: connect({ url, token: session.token }) };
}

/** Poll until `check` returns a truthy value; fail with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Search as `rest` until at least `count` results come back, and return them (fail after
 * `timeoutMs`). A message may reach the search index a moment after it is stored, so a test
 * that expects something NOT to be found first waits until someone who may see it finds it.
 */
export async function searchUntil(
  rest: MeshRest,
  q: string,
  count: number,
  options: SearchOptions = {},
  timeoutMs = 5000,
): Promise<SearchResult[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const results = await rest.search(q, options);
    if (results.length >= count) return results;
    if (Date.now() > deadline) throw new Error(`search for ${JSON.stringify(q)} found ${results.length} of ${count} in time`);
    // Searches spend from the reads allowance (20 a second): polling stays under it.
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Wait until the room's tick counter has advanced by `ticks`. */
export async function ticksPass(room: MeshRoom, ticks: number): Promise<void> {
  const target = room.tick + ticks;
  await waitFor(`tick ${target}`, () => room.tick >= target, 5000 + ticks * 100);
}

/** Debian's Chromium, headless; `args` adds flags (e.g. `--disable-3d-apis` to take WebGL away). */
export async function launchChromium(args: string[] = []): Promise<import("playwright-core").Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!fs.existsSync(executablePath)) {
    throw new Error(`no browser at ${executablePath}: install Debian's chromium (.ci/run does) or set CHROMIUM_PATH`);
  }
  const { chromium } = await import("playwright-core");
  return chromium.launch({
    executablePath,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", ...args],
  });
}

/** A page with its faults collected: uncaught errors, CSP violations and dialogs (none may happen in our pages). */
export interface GuardedPage {
  page: import("playwright-core").Page;
  faults: string[];
}

/** A new page of `browser` that records every uncaught error, CSP violation and dialog in `faults` (dialogs dismissed). */
export async function guardedPage(
  browser: import("playwright-core").Browser,
  viewport: { width: number; height: number },
): Promise<GuardedPage> {
  const page = await browser.newPage({ viewport });
  const faults: string[] = [];
  // Every refusal the policy makes, also those a library catches itself (Chromium then prints nothing).
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) =>
      console.error(`Content Security Policy violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`),
    );
  });
  page.on("pageerror", (error) => faults.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.text().includes("Content Security Policy")) faults.push(`csp: ${message.text()}`);
  });
  page.on("dialog", (dialog) => {
    faults.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return { page, faults };
}

/** How many of `n` calls answered 2xx before the first 429; fails if one is refused otherwise, or none is limited. */
export async function allowedBefore429(n: number, call: () => Promise<Response>): Promise<number> {
  for (let i = 0; i < n; i++) {
    const res = await call();
    if (res.status === 429) return i;
    if (res.status >= 300) throw new Error(`call ${i + 1} answered ${res.status}, not 2xx or 429`);
  }
  throw new Error(`no 429 within ${n} calls`);
}

/** The REST refusal a call ends in (status, code, message); fails the test if the call succeeds. */
export async function restRefusal(call: Promise<unknown>): Promise<{ status: number; code: string; message: string }> {
  try {
    await call;
  } catch (error) {
    if (error instanceof MeshRestError) return { status: error.status, code: error.code, message: error.message };
    throw error;
  }
  throw new Error("expected the call to be refused");
}

/** Every `error` the server sends this room's socket, collected as they arrive. */
export function errorsOf(room: MeshRoom): ErrorPayload[] {
  const errors: ErrorPayload[] = [];
  room.onError((e) => errors.push(e));
  return errors;
}

/** One JSON REST call with a bearer token: the status and the parsed body (`{}` when empty). */
export async function restCall(
  url: string,
  token: string,
  method: string,
  route: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${url}${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text.startsWith("{") ? (JSON.parse(text) as Record<string, unknown>) : { text } };
}

/** Register a bot owned by `ownerToken`'s account (POST /api/bots); fails the test if refused. */
export async function registerBot(url: string, ownerToken: string, body: Record<string, unknown>): Promise<{ id: string; token: string }> {
  const created = await restCall(url, ownerToken, "POST", "/api/bots", body);
  if (created.status !== 201) throw new Error(`bot registration failed: ${created.status} ${JSON.stringify(created.body)}`);
  return { id: (created.body.bot as { id: string }).id, token: created.body.token as string };
}

/** A loopback TCP proxy in front of the server that the test can cut: every connection through it dies at once. */
export async function cuttableProxy(target: URL): Promise<{ url: string; cut(): number; close(): Promise<void> }> {
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on("close", () => open.delete(socket));
      socket.on("error", () => socket.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    cut() {
      const n = open.size;
      for (const socket of [...open]) socket.destroy();
      return n;
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
