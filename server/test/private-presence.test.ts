import { visibleRooms } from "../src/http/routes/conversation.ts";
import { roomAccess } from "../src/realtime/room-access.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerUser, restRefusal, startTestServer, type TestServer, type TestUser, waitFor } from "./harness.ts";

type Listing = { participants: { id: string; status: string; rooms: string[] }[] };

describe("a private room's second paths", () => {
  let server: TestServer;
  let owner: TestUser;
  let mia: TestUser;
  let max: TestUser;
  let zoe: TestUser;

  beforeAll(async () => {
    server = await startTestServer();
    owner = await registerUser(server.url, "owner");
    mia = await registerUser(server.url, "mia");
    max = await registerUser(server.url, "max");
    zoe = await registerUser(server.url, "zoe");
  });
  afterAll(() => server.stop());

  it("presence across rooms never names a private room, nor who is in it, to someone it does not admit", async () => {
    await mia.rest.request("POST", "/api/rooms", { id: "hideout", name: "Hideout", private: true });
    const inside = await mia.client.join("hideout");
    const listing = (user: TestUser) => user.rest.request<Listing>("GET", "/api/participants");
    const miaSeen = async (user: TestUser) => (await listing(user)).participants.find((p) => p.id === mia.participant.id);
    await waitFor("mia present in the hideout", () => server.services.rooms.get("hideout")?.online() === 1);
    expect((await miaSeen(mia))?.rooms).toEqual(["hideout"]);
    // Max may list members, but may not see the hideout: Mia is not there for him.
    expect(await miaSeen(max)).toMatchObject({ status: "offline", rooms: [] });
    // The owner manages rooms, so sees it.
    expect((await miaSeen(owner))?.rooms).toEqual(["hideout"]);
    await inside.leave();
  });

  it("an invitee can uninvite only those ranked below, or themselves", async () => {
    await mia.rest.request("POST", "/api/rooms/hideout/invites", { participantId: max.participant.id });
    await mia.rest.request("POST", "/api/rooms/hideout/invites", { participantId: zoe.participant.id });
    // Max (member) may not throw out Zoe (member): equal rank.
    const refused = await restRefusal(max.rest.request("DELETE", `/api/rooms/hideout/invites/${zoe.participant.id}`));
    expect(refused).toMatchObject({ status: 403, code: "forbidden" });
    // Nor the room's creator.
    expect((await restRefusal(max.rest.request("DELETE", `/api/rooms/hideout/invites/${mia.participant.id}`))).status).toBe(403);
    // He may leave himself, and then the room is gone for him.
    await max.rest.request("DELETE", `/api/rooms/hideout/invites/${max.participant.id}`);
    expect((await restRefusal(max.rest.request("GET", "/api/rooms/hideout"))).status).toBe(404);
    // The owner outranks everyone.
    await owner.rest.request("DELETE", `/api/rooms/hideout/invites/${zoe.participant.id}`);
    expect((await restRefusal(zoe.rest.request("GET", "/api/rooms/hideout"))).status).toBe(404);
  });

  it("an exit into a private room is not shown to someone it does not admit", async () => {
    await owner.rest.request("PATCH", "/api/rooms/lobby", { exits: { down: "hideout" } });
    type Room = { id: string; exits: Record<string, string> };
    const lobbyFor = (user: TestUser) => user.rest.request<Room>("GET", "/api/rooms/lobby");
    expect((await lobbyFor(owner)).exits).toEqual({ down: "hideout" });
    expect((await lobbyFor(mia)).exits).toEqual({ down: "hideout" });
    expect((await lobbyFor(zoe)).exits).toEqual({});
    const listed = await zoe.rest.request<{ rooms: Room[] }>("GET", "/api/rooms");
    expect(listed.rooms.find((r) => r.id === "lobby")?.exits).toEqual({});
    expect(listed.rooms.some((r) => r.id === "hideout")).toBe(false);
  });

  it("a role change that ends someone's right to a private room closes their live socket there too", async () => {
    // Kai is a moderator: manage_rooms lets him into the hideout uninvited.
    const kai = await registerUser(server.url, "kai");
    await owner.rest.request("PUT", `/api/participants/${kai.participant.id}/role`, { role: "moderator" });
    const room = await kai.client.join("hideout", { reconnect: false });
    const seen: string[] = [];
    room.onMessage((m) => seen.push(m.text));
    await owner.rest.request("PUT", `/api/participants/${kai.participant.id}/role`, { role: "member" });
    await waitFor("closed as access revoked", () => room.closedWith === 4005);
    await mia.rest.postMessage("hideout", { text: "after kai left" });
    expect(seen).not.toContain("after kai left");
    expect((await restRefusal(kai.rest.postMessage("hideout", { text: "still here?" }))).status).toBe(404);
  });

  it("an exit cannot be pointed at a private room one may not see, and health counts only public rooms", async () => {
    const refused = await restRefusal(zoe.rest.request("POST", "/api/rooms", { id: "zoes", name: "Zoe's", exits: { down: "hideout" } }));
    expect(refused).toMatchObject({ status: 400, code: "bad_input" });
    expect(refused.message).toMatch(/does not exist/);
    const inside = await mia.client.join("hideout");
    await waitFor("mia inside", () => server.services.rooms.get("hideout")?.online() === 1);
    const health = (await (await fetch(`${server.url}/api/health`)).json()) as { rooms: number; online: number };
    expect(server.services.rooms.get("hideout")).toBeDefined();
    expect(health.rooms).toBe(server.services.rooms.all().filter((r) => r.meshRoomId !== "hideout").length);
    expect(health.online).toBe(server.services.rooms.all().filter((r) => r.meshRoomId !== "hideout").reduce((n, r) => n + r.online(), 0));
    await inside.leave();
  });

  it("the room list's fast path agrees with roomAccess room by room, for every kind of participant", async () => {
    await owner.rest.request("POST", "/api/rooms", { id: "banished", name: "Banished" });
    await owner.rest.request("POST", "/api/rooms/banished/bans", { participantId: zoe.participant.id, seconds: 600 });
    await mia.rest.request("POST", "/api/rooms", { id: "nook", name: "Nook", private: true });
    await mia.rest.request("POST", "/api/rooms/nook/invites", { participantId: max.participant.id });
    const { services } = server;
    for (const user of [owner, mia, max, zoe]) {
      const fast = visibleRooms(services, user.participant.id).map((r) => r.id).sort();
      const slow = services.db.rooms.list().filter((r) => roomAccess(services, user.participant.id, r.id).ok).map((r) => r.id).sort();
      expect(fast, user.participant.name).toEqual(slow);
    }
    expect(visibleRooms(services, zoe.participant.id).some((r) => r.id === "banished")).toBe(false);
    expect(visibleRooms(services, max.participant.id).some((r) => r.id === "nook")).toBe(true);
  });
});
