import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerUser, startTestServer, type TestServer, type TestUser } from "./harness.ts";

/** How many of `n` calls answered 2xx before the first 429 (and that a 429 came at all). */
async function allowedBefore429(n: number, call: () => Promise<Response>): Promise<number> {
  for (let i = 0; i < n; i++) {
    const res = await call();
    if (res.status === 429) return i;
    expect(res.status).toBeLessThan(300);
  }
  throw new Error(`no 429 within ${n} calls`);
}

describe("expensive requests cost more of an allowance", () => {
  let server: TestServer;
  let owner: TestUser;
  let ann: TestUser;

  beforeAll(async () => {
    server = await startTestServer();
    owner = await registerUser(server.url, "owner");
    ann = await registerUser(server.url, "ann");
  });
  afterAll(() => server.stop());

  const authed = (user: TestUser, path: string, init: RequestInit = {}) =>
    fetch(`${server.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${user.token}`, "content-type": "application/json", ...(init.headers ?? {}) },
    });

  it("long messages spend more inputs than short ones", async () => {
    const long = "x".repeat(8000);
    const sent = await allowedBefore429(80, () => authed(ann, "/api/rooms/lobby/messages", { method: "POST", body: JSON.stringify({ text: long }) }));
    // 1 + 4 inputs each out of a burst of 60: about a dozen, where short ones get about 60.
    expect(sent).toBeGreaterThanOrEqual(10);
    expect(sent).toBeLessThanOrEqual(24); // the bucket refills 30 a second while the loop runs
  });

  it("a search spends three reads, the room list one, and both are limited", async () => {
    const searches = await allowedBefore429(200, () => authed(owner, "/api/search?q=hello"));
    expect(searches).toBeGreaterThanOrEqual(30);
    expect(searches).toBeLessThanOrEqual(40);
    const lists = await allowedBefore429(300, () => authed(ann, "/api/rooms"));
    expect(lists).toBeGreaterThanOrEqual(90);
  });

  it("inviting someone again changes nothing and writes no second audit entry; invitations spend inputs", async () => {
    await owner.rest.request("POST", "/api/rooms", { id: "den", name: "Den", private: true });
    const invite = () => authed(owner, "/api/rooms/den/invites", { method: "POST", body: JSON.stringify({ participantId: ann.participant.id }) });
    expect((await invite()).status).toBe(201);
    expect(await (await invite()).json()).toEqual({ ok: true, already: true });
    const audit = await owner.rest.request<{ entries: { action: string }[] }>("GET", "/api/audit?limit=1000");
    expect(audit.entries.filter((e) => e.action === "room.invite")).toHaveLength(1);
    expect(await allowedBefore429(300, invite)).toBeLessThanOrEqual(120);
  });
});
