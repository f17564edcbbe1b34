import { KeyedRateLimiter } from "../src/limits.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerUser, startTestServer, type TestServer, type TestUser } from "./harness.ts";

/** Every REST entry point that takes a body, with what a careless or hostile client sends. */
describe("REST bodies a careless or hostile client sends", () => {
  let server: TestServer;
  let owner: TestUser;

  beforeAll(async () => {
    server = await startTestServer({ authRatePerMin: 10_000, ratePerS: 10_000, rateBurst: 10_000 });
    // Each case snapshots everything twice, far faster than a person reads; the reads allowance has tests of its own.
    server.services.limits.reads = new KeyedRateLimiter(10_000, 10_000);
    owner = await registerUser(server.url, "owner");
  });
  afterAll(() => server.stop());

  const routes: [string, string, boolean][] = [
    ["POST", "/api/auth/register", false],
    ["POST", "/api/auth/login", false],
    ["POST", "/api/rooms", true],
    ["PATCH", "/api/rooms/lobby", true],
    ["POST", "/api/rooms/lobby/messages", true],
    ["POST", "/api/roles", true],
    ["PUT", "/api/participants/someone/role", true],
    ["PATCH", "/api/settings", true],
  ];
  const bodies: [string, string, number][] = [
    ["not JSON", "{oops", 400],
    ["a JSON string", '"hello"', 400],
    ["a JSON array", "[1,2,3]", 400],
    ["null", "null", 400],
    ["wrong types", '{"username":1,"password":true,"id":[],"name":{},"text":5,"role":7,"priority":"high","permissions":"all","defaultRole":false,"topic":9}', 400],
    ["an unknown field", '{"text":"hi","id":"x1","name":"n","username":"abc","password":"12345678","role":"member","priority":1,"permissions":[],"defaultRole":"member","isAdmin":true}', 400],
    ["a body over 64 KiB", JSON.stringify({ text: "z".repeat(70 * 1024) }), 413],
  ];

  for (const [method, path, needsToken] of routes) {
    it.each(bodies)(`${method} ${path} with %s → clear error, nothing changed`, async (_name, body, status) => {
      const before = await snapshot();
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: {
          "content-type": "application/json",
          ...(needsToken ? { authorization: `Bearer ${owner.token}` } : {}),
        },
        body,
      });
      expect(res.status).toBe(status);
      const json = (await res.json()) as { error: { code: string; message: string } };
      expect(json.error.code).toBe(status === 413 ? "payload_too_large" : "bad_input");
      expect(json.error.message.length).toBeGreaterThan(3);
      expect(await snapshot()).toEqual(before);
    });
  }

  /** What a bad body could have changed: accounts, rooms, roles, messages, settings. */
  async function snapshot() {
    const [participants, rooms, roles, messages, settings] = await Promise.all([
      owner.rest.request("GET", "/api/participants"),
      owner.rest.request("GET", "/api/rooms"),
      owner.rest.request("GET", "/api/roles"),
      owner.rest.history("lobby"),
      owner.rest.request("GET", "/api/settings"),
    ]);
    return { participants, rooms, roles, messages, settings };
  }

  it("refuses weak credentials with the reason", async () => {
    const res = await fetch(`${server.url}/api/auth/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "no spaces allowed", password: "short" }),
    });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { message: string } };
    expect(error.message).toMatch(/username/);
    expect(error.message).toMatch(/password/);
  });

  it("refuses a second account with the same name in any case", async () => {
    const res = await fetch(`${server.url}/api/auth/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "OWNER", password: "another long password" }),
    });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("conflict");
  });

  it("answers a wrong password and an unknown user alike", async () => {
    const attempt = async (username: string) => {
      const res = await fetch(`${server.url}/api/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username, password: "not the password" }),
      });
      return { status: res.status, body: await res.json() };
    };
    const wrong = await attempt("owner");
    const unknown = await attempt("nobody-here");
    expect(wrong).toEqual({ status: 401, body: { error: { code: "unauthorized", message: "wrong username or password" } } });
    expect(unknown).toEqual(wrong);
  });

  it("never returns a password hash", async () => {
    const everything = JSON.stringify([
      await owner.rest.me(),
      await owner.rest.request("GET", "/api/participants"),
      await owner.rest.login("owner", "correct horse battery"),
    ]);
    expect(everything).not.toMatch(/argon2|passwordHash|password_hash/);
  });
});
