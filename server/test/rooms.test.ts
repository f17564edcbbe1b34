import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MeshJoinError, MeshRest, MeshRestError } from "@mesh/bots";
import { registerUser, startTestServer, type TestServer, type TestUser, waitFor } from "./harness.ts";

describe("rooms, settings and REST limits", () => {
  let server: TestServer;
  let owner: TestUser;
  let member: TestUser;

  beforeAll(async () => {
    server = await startTestServer({ authRatePerMin: 12 });
    owner = await registerUser(server.url, "owner");
    member = await registerUser(server.url, "member");
  });
  afterAll(() => server.stop());

  it("has the lobby after first start", async () => {
    const { rooms } = await member.rest.rooms();
    expect(rooms.map((r) => r.id)).toEqual(["lobby"]);
    expect(rooms[0]).toMatchObject({ name: "Lobby", width: 64, depth: 64 });
  });

  it("creates a room live, shows edits in state, and closes it on delete", async () => {
    const created = await member.rest.request<{ id: string; online: number }>("POST", "/api/rooms", {
      id: "workshop",
      name: "Workshop",
      topic: "tools",
      width: 20,
      depth: 10,
      exits: { north: "lobby" },
    });
    expect(created).toMatchObject({ id: "workshop", online: 0 });
    const room = await member.client.join("workshop");
    expect(room.state.name).toBe("Workshop");
    expect((await member.rest.request<{ online: number }>("GET", "/api/rooms/workshop")).online).toBe(1);

    room.moveTo(1000, 1000);
    await waitFor("clamped to 20 × 10", () => {
      const me = room.participant(member.participant.id);
      return me && me.x === 20 && me.z === 10;
    }, 15_000);

    const stats = await owner.rest.request<{ tick: number; participants: number; tickMs: { ticks: number } }>(
      "GET",
      "/api/rooms/workshop/stats",
    );
    expect(stats).toMatchObject({ participants: 1, sockets: 1 });
    expect(stats.tick).toBeGreaterThan(0);
    expect(stats.tickMs.ticks).toBeGreaterThan(0);
    await expect(member.rest.request("GET", "/api/rooms/workshop/stats")).rejects.toMatchObject({ status: 403 });

    await owner.rest.request("PATCH", "/api/rooms/workshop", { name: "Big Workshop", topic: "more tools" });
    await waitFor("renamed in state", () => room.state.name === "Big Workshop" && room.state.topic === "more tools");

    const resize = owner.rest.request("PATCH", "/api/rooms/workshop", { width: 100 });
    await expect(resize).rejects.toMatchObject({ status: 400, code: "bad_input" });

    const dup = member.rest.request("POST", "/api/rooms", { id: "workshop", name: "again" });
    await expect(dup).rejects.toMatchObject({ status: 409, code: "conflict" });

    await owner.rest.request("DELETE", "/api/rooms/workshop");
    await waitFor("socket closed as the room is deleted", () => room.closedWith === 4004);
    await expect(member.client.join("workshop")).rejects.toBeInstanceOf(MeshJoinError);
    await expect(member.rest.request("GET", "/api/rooms/workshop")).rejects.toMatchObject({ status: 404 });
    await expect(owner.rest.request("DELETE", "/api/rooms/lobby")).rejects.toMatchObject({ status: 409 });
  }, 30_000);

  it("cleans a room's name and topic before anyone's page shows them: one line, no controls, no direction overrides", async () => {
    const created = await member.rest.request<{ name: string; topic: string }>("POST", "/api/rooms", {
      id: "spoof",
      name: "Safe\u202eroom\u0000\u0007",
      topic: "line1\nline2\u2066",
    });
    expect(created).toMatchObject({ name: "Saferoom", topic: "line1 line2" });
    const patched = await owner.rest.request<{ name: string }>("PATCH", "/api/rooms/spoof", { name: "\u202dAgain" });
    expect(patched.name).toBe("Again");
    const refused = await member.rest.request("POST", "/api/rooms", { id: "spoof2", name: "bad\ud800" }).catch((e: MeshRestError) => e);
    expect(refused).toMatchObject({ status: 400, code: "bad_input" });
    await owner.rest.request("DELETE", "/api/rooms/spoof");
  });

  it("refuses invalid room bodies with the field named", async () => {
    const bad = member.rest.request("POST", "/api/rooms", { id: "Has Spaces", name: "" });
    const error = (await bad.catch((e: unknown) => e)) as MeshRestError;
    expect(error).toBeInstanceOf(MeshRestError);
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/^id:/);
  });

  it("lets the owner change the role new accounts get", async () => {
    await expect(member.rest.request("PATCH", "/api/settings", { defaultRole: "spectator" })).rejects.toMatchObject({
      status: 403,
    });
    await owner.rest.request("PATCH", "/api/settings", { defaultRole: "spectator" });
    const late = await registerUser(server.url, "latecomer");
    expect(late.participant.role).toBe("spectator");
    await owner.rest.request("PATCH", "/api/settings", { defaultRole: "member" });
    await expect(owner.rest.request("PATCH", "/api/settings", { defaultRole: "owner" })).rejects.toMatchObject({
      status: 403,
    });
  });

  it("slows a password guesser down with 429 and Retry-After", async () => {
    const guesser = new MeshRest(server.url);
    const statuses: number[] = [];
    for (let i = 0; i < 15; i++) {
      const status = await guesser.login("owner", `wrong password ${i}`).then(
        () => 200,
        (e: MeshRestError) => e.status,
      );
      statuses.push(status);
    }
    expect(statuses).toContain(401);
    expect(statuses.at(-1)).toBe(429);
    const res = await fetch(`${server.url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "owner", password: "correct horse battery" }),
    });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    // Without MESH_TRUST_PROXY, a forged X-Forwarded-For does not buy a fresh allowance.
    const spoofed = await fetch(`${server.url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": "203.0.113.9" },
      body: JSON.stringify({ username: "owner", password: "correct horse battery" }),
    });
    expect(spoofed.status).toBe(429);
  });
});
