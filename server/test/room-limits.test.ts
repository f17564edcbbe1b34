import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { matchMaker } from "@colyseus/core";
import { openDatabase } from "@mesh/persistence";
import { MAX_ROOM_SIZE, ROOM_TYPE } from "@mesh/schema";
import { describe, expect, it } from "vitest";
import { registerUser, restRefusal, startTestServer, waitFor } from "./harness.ts";


const liveRooms = async () => (await matchMaker.query({ name: ROOM_TYPE })).length;

// Its own file: Colyseus's matchmaker is one per process, so its servers run one after another.
describe("room creation is bounded", () => {
  it("caps the rooms one member may create, but not the mesh's owner", async () => {
    const server = await startTestServer({ roomsPerMember: 2, roomCreatesPerMin: 100 });
    try {
      const owner = await registerUser(server.url, "founder");
      const member = await registerUser(server.url, "builder");
      await member.rest.request("POST", "/api/rooms", { id: "b1", name: "B1" });
      await member.rest.request("POST", "/api/rooms", { id: "b2", name: "B2" });
      const third = await restRefusal(member.rest.request("POST", "/api/rooms", { id: "b3", name: "B3" }));
      expect(third).toMatchObject({ status: 403, code: "forbidden" });
      expect(third.message).toMatch(/created 2 rooms.*\(2\)/);
      for (const id of ["o1", "o2", "o3"]) await owner.rest.request("POST", "/api/rooms", { id, name: id });
      // Deleting one makes room for another.
      await owner.rest.request("DELETE", "/api/rooms/b1");
      await member.rest.request("POST", "/api/rooms", { id: "b3", name: "B3" });
    } finally {
      await server.stop();
    }
  });

  it("limits how fast one participant creates rooms, with Retry-After", async () => {
    const server = await startTestServer({ roomCreatesPerMin: 3 });
    try {
      const owner = await registerUser(server.url, "hasty");
      for (let i = 0; i < 3; i++) await owner.rest.request("POST", "/api/rooms", { id: `r${i}`, name: `R${i}` });
      const res = await fetch(`${server.url}/api/rooms`, {
        method: "POST",
        headers: { authorization: `Bearer ${owner.token}`, "content-type": "application/json" },
        body: JSON.stringify({ id: "r3", name: "R3" }),
      });
      expect(res.status).toBe(429);
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      // Someone else is not slowed by it.
      const other = await registerUser(server.url, "patient-builder");
      await other.rest.request("POST", "/api/rooms", { id: "calm", name: "Calm" });
    } finally {
      await server.stop();
    }
  });

  it(`refuses floors larger than ${MAX_ROOM_SIZE} and exits that lead nowhere or back in`, async () => {
    const server = await startTestServer();
    try {
      const owner = await registerUser(server.url, "architect");
      const huge = await restRefusal(owner.rest.request("POST", "/api/rooms", { id: "huge", name: "Huge", width: 4096, depth: 4096 }));
      expect(huge).toMatchObject({ status: 400, code: "bad_input" });
      await owner.rest.request("POST", "/api/rooms", { id: "big", name: "Big", width: MAX_ROOM_SIZE, depth: MAX_ROOM_SIZE });
      const nowhere = await restRefusal(owner.rest.request("POST", "/api/rooms", { id: "hall", name: "Hall", exits: { north: "narnia" } }));
      expect(nowhere).toMatchObject({ status: 400, code: "bad_input", message: expect.stringMatching(/narnia.*does not exist/) });
      const loop = await restRefusal(owner.rest.request("POST", "/api/rooms", { id: "hall", name: "Hall", exits: { north: "hall" } }));
      expect(loop).toMatchObject({ status: 400, message: expect.stringMatching(/itself/) });
      await owner.rest.request("POST", "/api/rooms", { id: "hall", name: "Hall", exits: { north: "big" } });
      const patched = await restRefusal(owner.rest.request("PATCH", "/api/rooms/big", { exits: { down: "cellar" } }));
      expect(patched).toMatchObject({ status: 400, code: "bad_input" });
      await owner.rest.request("PATCH", "/api/rooms/big", { exits: { south: "hall" } });
      // Deleting a room takes away the exits into it.
      await owner.rest.request("DELETE", "/api/rooms/big");
      const hall = await owner.rest.request<{ exits: Record<string, string> }>("GET", "/api/rooms/hall");
      expect(hall.exits).toEqual({});
    } finally {
      await server.stop();
    }
  });
});

describe("a room runs only while it is used", () => {
  it("2,000 stored rooms: none starts with the server, a join opens one, idle stops it again", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-test-many-"));
    const db = openDatabase(path.join(dataDir, "mesh.sqlite"));
    const insert = db.sqlite.transaction(() => {
      for (let i = 0; i < 2000; i++) {
        db.rooms.create({ id: `room-${i}`, name: `Room ${i}`, topic: "", width: 64, depth: 64, exits: {}, private: false, createdBy: "", createdAt: i });
      }
    });
    insert();
    db.close();
    // What an idle server keeps running (timers), with no stored rooms but the lobby...
    const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length;
    const empty = await startTestServer({ roomIdleS: 1 });
    const emptyTimers = timers();
    await empty.stop();
    const server = await startTestServer({ dataDir, roomIdleS: 1 });
    try {
      // ...is what one with 2,000 stored rooms keeps running: no room ticks until it is used.
      expect(timers()).toBeLessThanOrEqual(emptyTimers);
      expect(server.services.rooms.all()).toHaveLength(0);
      expect(await liveRooms()).toBe(0);
      const health = await (await fetch(`${server.url}/api/health`)).json();
      expect(health.rooms).toBe(0);

      const user = await registerUser(server.url, "explorer");
      const listed = await user.rest.request<{ rooms: unknown[] }>("GET", "/api/rooms");
      expect(listed.rooms.length).toBe(2001); // and the lobby
      const room = await user.client.join("room-1234");
      expect(server.services.rooms.all().map((r) => r.meshRoomId)).toEqual(["room-1234"]);
      await room.sendAndWait("anyone here?");
      await room.leave();
      // Empty for the idle period: it stops, and costs nothing again.
      await waitFor("stopped when idle", () => server.services.rooms.all().length === 0, 5000);
      expect(await liveRooms()).toBe(0);

      // A REST send opens it from the database, numbering on from what is stored.
      const stored = await user.rest.postMessage("room-1234", { text: "over REST, while nobody is in" });
      expect(stored.seq).toBe(2);
      expect(server.services.rooms.all().map((r) => r.meshRoomId)).toEqual(["room-1234"]);
      await waitFor("stopped again", () => server.services.rooms.all().length === 0, 5000);
      const back = await user.client.join("room-1234");
      await waitFor("window loaded from the database", () => back.state.messages.length === 2);
      await back.leave();
    } finally {
      await server.stop();
    }
  }, 60_000);

  it("with no idle time at all, joins and REST sends still land, and the room stops as soon as it is empty", async () => {
    const server = await startTestServer({ roomIdleS: 0 });
    try {
      const user = await registerUser(server.url, "brief");
      for (let i = 0; i < 3; i++) {
        const stored = await user.rest.postMessage("lobby", { text: `quick ${i}` });
        expect(stored.seq).toBe(i + 1);
      }
      const room = await user.client.join("lobby");
      await room.sendAndWait("a visit");
      expect(server.services.rooms.get("lobby")).toBeDefined();
      await room.leave();
      await waitFor("stopped", () => server.services.rooms.all().length === 0);
      const again = await user.client.join("lobby");
      await waitFor("all four in the window", () => again.state.messages.length === 4);
      await again.leave();
      // Last words before leaving are stored, though the room stops right after that tick.
      for (let i = 0; i < 10; i++) {
        const room = await user.client.join("lobby");
        room.send(`parting ${i}`, { nonce: `parting-${i}` });
        await room.leave();
      }
      await waitFor("stopped after the last", () => server.services.rooms.all().length === 0);
      const history = await user.rest.history("lobby", { limit: 100 });
      for (let i = 0; i < 10; i++) expect(history.filter((m) => m.text === `parting ${i}`), `parting ${i}`).toHaveLength(1);
    } finally {
      await server.stop();
    }
  });

  it("REST sends cannot start rooms faster than joins can", async () => {
    const server = await startTestServer({ roomCreatesPerMin: 1000, rateBurst: 1000, ratePerS: 1000 });
    try {
      const owner = await registerUser(server.url, "opener");
      for (let i = 0; i < 40; i++) await owner.rest.request("POST", "/api/rooms", { id: `quiet-${i}`, name: `Quiet ${i}` });
      const sender = await registerUser(server.url, "door-knocker");
      const outcomes = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          sender.rest.postMessage(`quiet-${i}`, { text: "knock" }).then(() => 201, (e: { status: number }) => e.status),
        ),
      );
      expect(outcomes.filter((s) => s === 429).length).toBeGreaterThan(0);
      expect(server.services.rooms.all().length).toBeLessThan(40);
      // A room already running takes sends as usual.
      const running = outcomes.indexOf(201);
      expect((await sender.rest.postMessage(`quiet-${running}`, { text: "again" })).text).toBe("again");
    } finally {
      await server.stop();
    }
  });
});
