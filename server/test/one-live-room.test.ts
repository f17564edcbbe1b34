import { matchMaker } from "@colyseus/core";
import { Client } from "@colyseus/sdk";
import type { MessageData } from "@mesh/schema";
import { JoinErrorCode, ROOM_TYPE } from "@mesh/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerUser, startTestServer, type TestServer, type TestUser, waitFor } from "./harness.ts";

/** Live Colyseus instances serving one mesh room id. */
async function instancesOf(roomId: string): Promise<number> {
  const listed = await matchMaker.query({ name: ROOM_TYPE });
  // filterBy(["room"]) keeps the mesh room id in each listing's metadata.
  return listed.filter((room) => (room.metadata as { room?: unknown } | undefined)?.room === roomId).length;
}

const refusal = (call: Promise<unknown>) => call.then(() => undefined, (e: { code?: number; message?: string }) => e);

// Its own file: Colyseus's matchmaker is one per process.
describe("one live instance per mesh room, whatever the matchmaking path", () => {
  let server: TestServer;
  let owner: TestUser;
  let spectator: TestUser;
  const liveIds = () => server.services.rooms.all().map((r) => r.meshRoomId);

  beforeAll(async () => {
    server = await startTestServer({ kickCooldownS: 60 });
    owner = await registerUser(server.url, "keeper");
    spectator = await registerUser(server.url, "onlooker");
    await owner.rest.request("PUT", `/api/participants/${spectator.participant.id}/role`, { role: "spectator" });
  });
  afterAll(() => server.stop());

  it("refuses Colyseus's `create` for a room that is live, and for one that is not", async () => {
    const watcher = await owner.client.join("lobby");
    const live = await refusal(new Client(server.url).create(ROOM_TYPE, { room: "lobby", token: spectator.token }));
    expect(live).toBeDefined();
    expect(live?.message).toMatch(/invalid method/);
    await owner.rest.request("POST", "/api/rooms", { id: "cellar", name: "Cellar" });
    const dormant = await refusal(new Client(server.url).create(ROOM_TYPE, { room: "cellar", token: spectator.token }));
    expect(dormant?.message).toMatch(/invalid method/);
    expect(liveIds().filter((id) => id === "lobby")).toHaveLength(1);
    expect(liveIds()).not.toContain("cellar");
    await watcher.leave();
  });

  it("refuses a second instance from any other path while one is live", async () => {
    const watcher = await owner.client.join("lobby");
    const second = await refusal(matchMaker.createRoom(ROOM_TYPE, { room: "lobby" }));
    expect(second).toMatchObject({ code: JoinErrorCode.Unavailable });
    expect(liveIds().filter((id) => id === "lobby")).toHaveLength(1);
    await watcher.leave();
  });

  it("starts exactly one instance when many joins and REST sends arrive at once for a stopped room", async () => {
    await owner.rest.request("POST", "/api/rooms", { id: "crowded", name: "Crowded" });
    const people = await Promise.all([1, 2, 3, 4].map((i) => registerUser(server.url, `rush${i}`)));
    const joins = people.map((p) => p.client.join("crowded"));
    const sends = people.map((p, i) => p.rest.postMessage("crowded", { text: `rush ${i}` }));
    const rooms = await Promise.all(joins);
    const stored = await Promise.all(sends);
    expect(liveIds().filter((id) => id === "crowded")).toHaveLength(1);
    expect(await instancesOf("crowded")).toBe(1);
    expect(stored.map((m) => m.seq).sort()).toEqual([1, 2, 3, 4]);
    for (const room of rooms) await room.leave();
  });

  it("joinById into one room cannot borrow the checks made for the room named in the options", async () => {
    await owner.rest.request("POST", "/api/rooms", { id: "study", name: "Study" });
    const intruder = await registerUser(server.url, "intruder");
    const ownerRoom = await new Client(server.url).joinOrCreate(ROOM_TYPE, { room: "study", token: owner.token });
    const intruderRoom = await intruder.client.join("study");
    // The owner kicks the intruder from the study: a cooldown that a join must respect.
    ownerRoom.send("kick", { participantId: intruder.participant.id });
    await waitFor("kicked", () => intruderRoom.closedWith === 4003);
    await expect(intruder.client.join("study")).rejects.toMatchObject({ code: JoinErrorCode.Kicked });
    // Naming the lobby (where the intruder may go) while joining the study's instance by id.
    const sneaky = await refusal(new Client(server.url).joinById(ownerRoom.roomId, { room: "lobby", token: intruder.token }));
    expect(sneaky).toBeDefined();
    expect(sneaky?.message).toMatch(/not 'lobby'|kicked/);
    await waitFor("the refused socket is gone", () => server.services.rooms.get("study")?.online() === 1);
    await ownerRoom.leave();
  });

  it("after every attempt, REST and realtime talk in the same one room and everyone sees everything", async () => {
    const alice = await registerUser(server.url, "alice-one");
    const bob = await registerUser(server.url, "bob-one");
    const a = await alice.client.join("lobby");
    const b = await bob.client.join("lobby");
    const seenByA: MessageData[] = [];
    const seenByB: MessageData[] = [];
    a.onMessage((m) => seenByA.push(m));
    b.onMessage((m) => seenByB.push(m));
    // Another attempt at a second copy, mid-conversation.
    await refusal(new Client(server.url).create(ROOM_TYPE, { room: "lobby", token: spectator.token }));
    await refusal(matchMaker.createRoom(ROOM_TYPE, { room: "lobby" }));
    const overSocket = await a.sendAndWait("over the socket");
    const overRest = await bob.rest.postMessage("lobby", { text: "over REST" });
    expect(overRest.seq).toBe(overSocket.seq + 1);
    const texts = ["over the socket", "over REST"];
    await waitFor("alice sees both", () => texts.every((t) => seenByA.some((m) => m.text === t)));
    await waitFor("bob sees both", () => texts.every((t) => seenByB.some((m) => m.text === t)));
    const history = await owner.rest.history("lobby", { limit: 500 });
    for (const t of texts) expect(history.filter((m) => m.text === t)).toHaveLength(1);
    const seqs = history.map((m) => m.seq);
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0] + i)); // gap-free
    const health = await (await fetch(`${server.url}/api/health`)).json();
    expect(health.online).toBeGreaterThanOrEqual(2);
    expect(liveIds().filter((id) => id === "lobby")).toHaveLength(1);
    expect(await instancesOf("lobby")).toBe(1);
    await a.leave();
    await b.leave();
  });

  it("a seat held through a delete cannot get in, and the delete does not wait for it", async () => {
    await owner.rest.request("POST", "/api/rooms", { id: "condemned", name: "Condemned" });
    const stayer = await registerUser(server.url, "stayer");
    const holder = await registerUser(server.url, "seat-holder");
    const room = await stayer.client.join("condemned");
    const res = await fetch(`${server.url}/matchmake/joinOrCreate/${ROOM_TYPE}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ room: "condemned", token: holder.token }),
    });
    const seat = await res.json();
    await owner.rest.request("DELETE", "/api/rooms/condemned");
    await waitFor("closed with 4004", () => room.closedWith === 4004);
    // biome-ignore lint/suspicious/noExplicitAny: the reservation goes back exactly as the server sent it
    const used = await refusal(new Client(server.url).consumeSeatReservation(seat as any));
    expect(used).toBeDefined();
    // The id is free again at once: a new room of that name starts and takes messages.
    await owner.rest.request("POST", "/api/rooms", { id: "condemned", name: "Rebuilt" });
    const first = await holder.rest.postMessage("condemned", { text: "a fresh start" });
    expect(first.seq).toBe(1);
  });

  it("deleting a room stops its one instance, and a join meanwhile cannot start another", async () => {
    await owner.rest.request("POST", "/api/rooms", { id: "doomed", name: "Doomed" });
    const guest = await registerUser(server.url, "guest-doomed");
    const room = await guest.client.join("doomed");
    const deleting = owner.rest.request("DELETE", "/api/rooms/doomed");
    const rejoin = refusal(guest.client.join("doomed"));
    await deleting;
    await waitFor("closed with 4004", () => room.closedWith === 4004);
    expect(await rejoin).toBeDefined();
    expect(liveIds()).not.toContain("doomed");
    expect(await instancesOf("doomed")).toBe(0);
  });
});
