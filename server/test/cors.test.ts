import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOM_TYPE } from "@mesh/schema";
import { launchChromium, startTestServer, type TestServer } from "./harness.ts";

const FOREIGN = "http://evil.example";
const LISTED = "http://app.example";
const CREDENTIALS = JSON.stringify({ username: "owner", password: "correct horse battery" });

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A raw request, so Origin and the other headers a browser sets can be chosen freely. */
function send(url: string, method: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      let text = "";
      res.on("data", (chunk) => {
        text += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const preflight = (url: string, origin: string) =>
  send(url, "OPTIONS", {
    Origin: origin,
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "authorization, content-type",
  });

describe("browsers on other sites", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it("get no CORS headers on reads or preflights, REST or matchmaking", async () => {
    const health = await send(`${server.url}/api/health`, "GET", { Origin: FOREIGN });
    expect(health.status).toBe(200);
    const answers = [
      health,
      await preflight(`${server.url}/api/auth/register`, FOREIGN),
      await preflight(`${server.url}/matchmake/joinOrCreate/${ROOM_TYPE}`, FOREIGN),
    ];
    for (const answer of answers) {
      expect(answer.headers["access-control-allow-origin"]).toBeUndefined();
      expect(answer.headers["access-control-allow-credentials"]).toBeUndefined();
    }
  });

  it("cannot register the first (owner) account on a fresh install, with JSON or text/plain", async () => {
    for (const type of ["application/json", "text/plain", "application/x-www-form-urlencoded"]) {
      const refused = await send(`${server.url}/api/auth/register`, "POST", { Origin: FOREIGN, "Content-Type": type }, CREDENTIALS);
      expect(refused.status).toBe(403);
      expect(JSON.parse(refused.body)).toEqual({ error: { code: "forbidden", message: "cross-origin request refused" } });
    }
    const matchmake = await send(
      `${server.url}/matchmake/joinOrCreate/${ROOM_TYPE}`,
      "POST",
      { Origin: "null", "Content-Type": "application/json" },
      '{"room":"lobby"}',
    );
    expect(matchmake.status).toBe(403);
    expect(server.services.db.users.count()).toBe(0);
  });

  it("serves its own pages and clients without an Origin as before", async () => {
    const own = await send(`${server.url}/api/auth/register`, "POST", { Origin: server.url, "Content-Type": "application/json" }, CREDENTIALS);
    expect(own.status).toBe(201);
    expect(JSON.parse(own.body).participant.role).toBe("owner");
    const bare = await send(
      `${server.url}/api/auth/register`,
      "POST",
      { "Content-Type": "application/json" },
      JSON.stringify({ username: "second", password: "correct horse battery" }),
    );
    expect(bare.status).toBe(201);
    // Same origin needs no CORS headers, so none are sent.
    expect(own.headers["access-control-allow-origin"]).toBeUndefined();
  });
});

describe("an allow-listed origin", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ corsOrigins: [LISTED] });
  });
  afterAll(() => server.stop());

  it("is named back, with credentials, and never as '*'", async () => {
    const health = await send(`${server.url}/api/health`, "GET", { Origin: LISTED });
    expect(health.headers["access-control-allow-origin"]).toBe(LISTED);
    expect(health.headers["access-control-allow-credentials"]).toBe("true");
    expect(health.headers.vary).toMatch(/Origin/);
    for (const path of ["/api/auth/register", `/matchmake/joinOrCreate/${ROOM_TYPE}`]) {
      const answer = await preflight(`${server.url}${path}`, LISTED);
      expect(answer.status).toBe(204);
      expect(answer.headers["access-control-allow-origin"]).toBe(LISTED);
      expect(answer.headers["access-control-allow-credentials"]).toBe("true");
      expect(answer.headers["access-control-allow-methods"]).toMatch(/POST/);
      expect(answer.headers["access-control-allow-headers"]).toMatch(/Authorization/);
      expect(answer.headers["access-control-allow-headers"]).toMatch(/Content-Type/);
    }
    const registered = await send(`${server.url}/api/auth/register`, "POST", { Origin: LISTED, "Content-Type": "application/json" }, CREDENTIALS);
    expect(registered.status).toBe(201);
    expect(registered.headers["access-control-allow-origin"]).toBe(LISTED);
    // The list is exact: another origin (even a look-alike) still gets nothing.
    for (const origin of [FOREIGN, `${LISTED}.evil.example`, "https://app.example"]) {
      const other = await send(`${server.url}/api/health`, "GET", { Origin: origin });
      expect(other.headers["access-control-allow-origin"]).toBeUndefined();
    }
  });
});

describe("behind a reverse proxy", () => {
  let trusting: TestServer;
  let plain: TestServer;
  beforeAll(async () => {
    trusting = await startTestServer({ trustProxy: true, allowedHosts: ["mesh.example"] });
    // mesh.example is a name this server answers to, so what is tested below is the origin check.
    plain = await startTestServer({ allowedHosts: ["mesh.example"] });
  });
  afterAll(async () => {
    await trusting.stop();
    await plain.stop();
  });

  // A wrong password (401) shows the request got past the origin check to the route.
  const login = (server: TestServer, headers: Record<string, string>) =>
    send(`${server.url}/api/auth/login`, "POST", { "Content-Type": "application/json", ...headers }, CREDENTIALS).then((a) => a.status);

  it("knows its public origin from X-Forwarded-Host and -Proto only when told to trust them", async () => {
    const forwarded = { Origin: "https://mesh.example", "X-Forwarded-Host": "mesh.example", "X-Forwarded-Proto": "https" };
    expect(await login(trusting, forwarded)).toBe(401);
    expect(await login(trusting, { ...forwarded, "X-Forwarded-Proto": "http" })).toBe(403);
    expect(await login(plain, forwarded)).toBe(403);
    // Untrusted, the scheme is unknown (TLS may end at a proxy): the Host must still match.
    const host = new URL(plain.url).host;
    expect(await login(plain, { Origin: `https://${host}` })).toBe(401);
    expect(await login(plain, { Origin: `https://${host}`, Host: "mesh.example" })).toBe(403);
  });

  it("checks the forwarded host name against the allowed names too", async () => {
    const rebound = { Origin: "http://evil.test", "X-Forwarded-Host": "evil.test", "X-Forwarded-Proto": "http" };
    const answer = await send(`${trusting.url}/api/auth/register`, "POST", { "Content-Type": "application/json", ...rebound }, CREDENTIALS);
    expect(answer.status).toBe(403);
    expect(trusting.services.db.users.list()).toHaveLength(0);
  });
});

describe("in a real browser, a page on another origin", () => {
  let page: http.Server;
  let pageOrigin: string;
  let closed: TestServer;
  let listed: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    page = http.createServer((_req, res) => res.writeHead(200, { "Content-Type": "text/html" }).end("<!doctype html><title>elsewhere</title>"));
    await new Promise<void>((resolve) => page.listen(0, "127.0.0.1", resolve));
    // Another port on the same address is another origin.
    pageOrigin = `http://127.0.0.1:${(page.address() as AddressInfo).port}`;
    closed = await startTestServer();
    listed = await startTestServer({ corsOrigins: [pageOrigin] });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await closed?.stop();
    await listed?.stop();
    await new Promise((resolve) => page?.close(resolve));
  });

  /** From the page: fetch each request and report what the script could read. */
  async function tryFrom(mesh: string): Promise<string[]> {
    const tab = await browser.newPage();
    await tab.goto(pageOrigin);
    const results = await tab.evaluate(
      async ({ mesh, credentials }) => {
        const attempt = (path: string, init?: RequestInit) =>
          fetch(mesh + path, init).then(
            async (res) => `${res.status}`,
            () => "blocked",
          );
        return [
          await attempt("/api/health"),
          await attempt("/api/auth/register", { method: "POST", headers: { "Content-Type": "application/json" }, body: credentials }),
          await attempt("/api/auth/register", { method: "POST", headers: { "Content-Type": "text/plain" }, body: credentials }),
        ];
      },
      { mesh, credentials: CREDENTIALS },
    );
    await tab.close();
    return results;
  }

  it("can neither read the API nor register the owner account", async () => {
    expect(await tryFrom(closed.url)).toEqual(["blocked", "blocked", "blocked"]);
    expect(closed.services.db.users.count()).toBe(0);
  });

  it("works once its origin is listed", async () => {
    // JSON registers; text/plain is not JSON to the API, but the page may now read that answer too.
    expect(await tryFrom(listed.url)).toEqual(["200", "201", "400"]);
    expect(listed.services.db.users.count()).toBe(1);
  });
});

describe("pages that re-point their own name at this server (DNS rebinding)", () => {
  it("are refused by the name they ask for, before any account can be made; IPs, localhost and listed names work", async () => {
    const server = await startTestServer({ allowedHosts: ["mesh.example"] });
    try {
      const rebound = "evil.test";
      const register = (host: string) =>
        send(
          `${server.url}/api/auth/register`,
          "POST",
          { Host: `${host}:${server.port}`, Origin: `http://${host}:${server.port}`, "Content-Type": "application/json" },
          CREDENTIALS,
        );
      const refused = await register(rebound);
      expect(refused.status).toBe(403);
      expect(JSON.parse(refused.body).error.message).toMatch(/evil\.test.*MESH_ALLOWED_HOSTS/);
      const read = await send(`${server.url}/api/health`, "GET", { Host: `${rebound}:${server.port}` });
      expect(read.status).toBe(403);
      expect(server.services.db.users.list()).toHaveLength(0);
      for (const host of ["localhost", "127.0.0.1", "[::1]", "MESH.example"]) {
        const health = await send(`${server.url}/api/health`, "GET", { Host: `${host}:${server.port}` });
        expect(health.status, host).toBe(200);
      }
      expect((await register("mesh.example")).status).toBe(201);
      // WebSocket upgrades answer to the same names.
      const upgrade = await new Promise<number>((resolve, reject) => {
        const req = http.request(`${server.url}/anything`, {
          headers: { Host: `${rebound}:${server.port}`, Connection: "Upgrade", Upgrade: "websocket", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==" },
        });
        req.on("response", (res) => resolve(res.statusCode ?? 0));
        req.on("upgrade", () => resolve(101));
        req.on("error", reject);
        req.end();
      });
      expect(upgrade).toBe(403);
    } finally {
      await server.stop();
    }
  });
});
