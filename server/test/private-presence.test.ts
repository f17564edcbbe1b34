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
});
