import { matchMaker } from "@colyseus/core";
import { Client } from "@colyseus/sdk";
import { JoinErrorCode, ROOM_TYPE, RoomState } from "@mesh/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerUser, startTestServer, type TestServer, type TestUser, ticksPass, waitFor } from "./harness.ts";

/** Reserve a seat the way the SDK does, over plain HTTP, without ever opening the socket. */
async function reserveSeat(url: string, room: string, token: string): Promise<unknown> {
  const res = await fetch(`${url}/matchmake/joinOrCreate/${ROOM_TYPE}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ room, token }),
  });
  expect(res.status).toBe(200);
  return res.json();
}

const useSeat = (url: string, seat: unknown) =>
  new Client(url)
    // biome-ignore lint/suspicious/noExplicitAny: the reservation is passed through exactly as the server sent it
    .consumeSeatReservation(seat as any, RoomState)
    .then(
      (room) => ({ joined: true as const, room }),
      (e: { code?: number; message?: string }) => ({ joined: false as const, code: e.code, message: e.message }),
    );

// Its own file: Colyseus's matchmaker is one per process.
describe("a seat reserved before a check changes cannot be used after it", () => {
  let server: TestServer;
  let owner: TestUser;

  beforeAll(async () => {
    server = await startTestServer({ kickCooldownS: 60, roomIdleS: 1 });
    owner = await registerUser(server.url, "host");
  });
  afterAll(() => server.stop());

  it("a kick: the held seat is refused like any rejoin", async () => {
    const host = await owner.client.join("lobby");
    const target = await registerUser(server.url, "holder");
    const room = await target.client.join("lobby");
    const seat = await reserveSeat(server.url, "lobby", target.token);
    host.kick(target.participant.id);
    await waitFor("kicked", () => room.closedWith === 4003);
    const used = await useSeat(server.url, seat);
    expect(used.joined).toBe(false);
    // Gone with the kick, and not back through the held seat.
    await waitFor("gone", () => !host.participant(target.participant.id));
    await ticksPass(host, 5);
    expect(host.participant(target.participant.id)).toBeUndefined();
    await host.leave();
  });

  it("a logout: the held seat dies with the session", async () => {
    const target = await registerUser(server.url, "leaver");
    const seat = await reserveSeat(server.url, "lobby", target.token);
    await target.rest.logout();
    const used = await useSeat(server.url, seat);
    expect(used.joined).toBe(false);
  });

  it("a role without view_rooms: the held seat is refused", async () => {
    await owner.rest.request("POST", "/api/roles", { name: "blind", priority: 10, permissions: [] });
    const target = await registerUser(server.url, "demoted");
    const seat = await reserveSeat(server.url, "lobby", target.token);
    await owner.rest.request("PUT", `/api/participants/${target.participant.id}/role`, { role: "blind" });
    const used = await useSeat(server.url, seat);
    expect(used.joined).toBe(false);
  });

  it("two tabs of one login joining at the same moment both get in", async () => {
    const user = await registerUser(server.url, "two-tabs");
    const tabs = await Promise.all([1, 2, 3].map(() => user.client.join("lobby")));
    expect(tabs).toHaveLength(3);
    for (const tab of tabs) await tab.leave();
  });

  it("a seat reserved and never used does not keep a room running", async () => {
    await owner.rest.request("POST", "/api/rooms", { id: "ghost-town", name: "Ghost town" });
    const user = await registerUser(server.url, "never-comes");
    await reserveSeat(server.url, "ghost-town", user.token);
    expect(server.services.rooms.get("ghost-town")).toBeDefined();
    // Colyseus drops the unused reservation after its timeout (15 s) without telling the room.
    await waitFor("stopped once the reservation lapsed", () => !server.services.rooms.get("ghost-town"), 40_000);
  }, 60_000);

  it("a refused join leaves the room free to stop", async () => {
    await owner.rest.request("POST", "/api/rooms", { id: "closed-door", name: "Closed door" });
    const user = await registerUser(server.url, "refused-at-the-door");
    await user.rest.postMessage("closed-door", { text: "started by REST" });
    const [listing] = (await matchMaker.query({ name: ROOM_TYPE })).filter(
      (r) => (r.metadata as { room?: string } | undefined)?.room === "closed-door",
    );
    // Into closed-door's instance while naming the lobby: refused in onJoin, after the seat was taken.
    const wrong = await new Client(server.url)
      .joinById(listing.roomId, { room: "lobby", token: user.token })
      .then(() => "joined", (e: { code?: number }) => e.code);
    expect(wrong).toBe(JoinErrorCode.AuthFailed);
    await waitFor("stopped", () => !server.services.rooms.get("closed-door"), 5000);
  });
});
