import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allowedBefore429, registerUser, startTestServer, type TestServer, type TestUser } from "./harness.ts";

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

  it("a search and the room list (unread counts for every room) each spend three reads, and both are limited", async () => {
    const searches = await allowedBefore429(200, () => authed(owner, "/api/search?q=hello"));
    expect(searches).toBeGreaterThanOrEqual(30);
    expect(searches).toBeLessThanOrEqual(40);
    const lists = await allowedBefore429(300, () => authed(ann, "/api/rooms"));
    expect(lists).toBeGreaterThanOrEqual(30);
    expect(lists).toBeLessThanOrEqual(40);
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

  it("uploads: a participant has at most two arriving at once", async () => {
    const uly = await registerUser(server.url, "uly");
    const net = await import("node:net");
    const url = new URL(server.url);
    /** A multipart upload that sends its head and then nothing: it stays open until the server cuts it. */
    const trickle = () =>
      new Promise<{ socket: import("node:net").Socket; closed: Promise<void> }>((resolve) => {
        const socket = net.connect(Number(url.port), url.hostname, () => {
          const boundary = "b0undary";
          const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="slow.txt"\r\nContent-Type: text/plain\r\n\r\nsome`;
          socket.write(
            `POST /api/rooms/lobby/uploads HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${uly.token}\r\n` +
              `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: 100000\r\n\r\n${head}`,
          );
          resolve({ socket, closed: new Promise((done) => socket.once("close", () => done())) });
        });
      });
    const slow = [await trickle(), await trickle()];
    await new Promise((resolve) => setTimeout(resolve, 300));
    const third = new FormData();
    third.set("file", new Blob(["hello"]), "third.txt");
    const refused = await fetch(`${server.url}/api/rooms/lobby/uploads`, { method: "POST", body: third, headers: { authorization: `Bearer ${uly.token}` } });
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/at a time/);
    for (const { socket } of slow) socket.destroy();
    await Promise.all(slow.map((s) => s.closed));
  });
});
