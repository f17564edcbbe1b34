import { Client } from "@colyseus/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { entrancePoint, JoinErrorCode, ROOM_TYPE } from "@mesh/schema";
import { registerUser, startTestServer, type TestServer, ticksPass, waitFor } from "./harness.ts";

/** Walking through an exit: the join's `entrance` puts the walker just inside the matching doorway. */
describe("arriving through a doorway", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    // The owner (first account) gives the lobby a north exit into a hall.
    const owner = await registerUser(server.url, "architect");
    await owner.rest.request("POST", "/api/rooms", { id: "hall", name: "The Hall" });
    await owner.rest.request("PATCH", "/api/rooms/lobby", { exits: { north: "hall" } });
  });
  afterAll(() => server.stop());

  it("spawns a newcomer just inside the doorway they name, and others see them there", async () => {
    const walker = await registerUser(server.url, "walker");
    const watcher = await (await registerUser(server.url, "door-watcher")).client.join("lobby");
    const room = await walker.client.join("lobby", { entrance: "north" });
    const expected = entrancePoint("north", 64, 64);
    const seen = await waitFor("the walker in the watcher's state", () => watcher.participant(walker.participant.id));
    expect(seen.x).toBeCloseTo(expected.x, 3);
    expect(seen.z).toBeCloseTo(expected.z, 3);
    await room.leave();
    await watcher.leave();
  });

  it("puts nobody against a wall that has no doorway: an entrance the room lacks means the middle", async () => {
    const walker = await registerUser(server.url, "wall-hugger");
    const watcher = await (await registerUser(server.url, "wall-watcher")).client.join("lobby");
    const room = await walker.client.join("lobby", { entrance: "east" });
    const seen = await waitFor("the walker in the watcher's state", () => watcher.participant(walker.participant.id));
    expect(Math.hypot(seen.x - 32, seen.z - 32)).toBeLessThan(3);
    await room.leave();
    await watcher.leave();
  });

  it("moves nobody already in the room: a second tab's entrance changes nothing", async () => {
    const walker = await registerUser(server.url, "two-tabs");
    const first = await walker.client.join("lobby");
    const before = await waitFor("the first tab in the room", () => first.participant(walker.participant.id));
    const second = await walker.client.join("lobby", { entrance: "east" });
    await ticksPass(first, 3);
    const after = first.participant(walker.participant.id);
    expect(after?.x).toBe(before?.x);
    expect(after?.z).toBe(before?.z);
    await second.leave();
    await first.leave();
  });

  it("refuses an entrance that is no exit direction, in words, and joins nothing", async () => {
    const walker = await registerUser(server.url, "lost-walker");
    const watcher = await (await registerUser(server.url, "gatekeeper")).client.join("lobby");
    for (const entrance of ["sideways", 7, { x: 1 }, "__proto__"]) {
      const refused = await new Client(server.url)
        .joinOrCreate(ROOM_TYPE, { room: "lobby", token: walker.token, entrance })
        .then(() => undefined, (e: { code: number; message: string }) => e);
      expect(refused, String(entrance)).toMatchObject({ code: JoinErrorCode.BadOption, message: expect.stringMatching(/north, south, east, west, up, down/) });
    }
    await ticksPass(watcher, 3);
    expect(watcher.participant(walker.participant.id)).toBeUndefined();
    await watcher.leave();
  });
});
