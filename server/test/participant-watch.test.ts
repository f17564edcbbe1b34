import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Participant } from "@mesh/schema";
import { registerUser, startTestServer, type TestServer, waitFor } from "./harness.ts";

/**
 * What a render loop gets from the SDK: per-participant callbacks with the synced objects
 * themselves (so a frame allocates nothing), across a server restart's rejoin too.
 */
describe("watching participants for a render loop", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it("tells who is here, who moved (only them), and who left", async () => {
    const viewer = await registerUser(server.url, "renderer");
    const walker = await registerUser(server.url, "walker");
    const idler = await registerUser(server.url, "idler");
    const idlerRoom = await idler.client.join("lobby");
    const room = await viewer.client.join("lobby");
    const added: string[] = [];
    const changed: string[] = [];
    const removed: string[] = [];
    const objects = new Map<string, Readonly<Participant>>();
    room.watchParticipants({
      added: (p) => {
        added.push(p.id);
        objects.set(p.id, p);
      },
      changed: (p) => changed.push(p.id),
      removed: (p) => removed.push(p.id),
    });
    await waitFor("the idler and me", () => added.includes(idler.participant.id) && added.includes(viewer.participant.id));

    const walkerRoom = await walker.client.join("lobby");
    await waitFor("the walker's arrival", () => added.includes(walker.participant.id));
    changed.length = 0;
    walkerRoom.moveTo(27, 27);
    await waitFor("the walker moving", () => changed.filter((id) => id === walker.participant.id).length >= 3);
    expect(changed).not.toContain(idler.participant.id);
    // The object handed out is the live synced one: it moves without being handed out again.
    const live = objects.get(walker.participant.id);
    await waitFor("the walker there", () => live && Math.hypot(live.x - 27, live.z - 27) < 0.01, 15_000);

    let counted = 0;
    room.forEachParticipant(() => counted++);
    expect(counted).toBe(3);
    expect(room.participantCount).toBe(3);

    await idlerRoom.leave();
    await waitFor("the idler's departure", () => removed.includes(idler.participant.id));
    expect(room.participantCount).toBe(2);
    expect(await room.ping()).toBeGreaterThanOrEqual(0);
    await walkerRoom.leave();
    await room.leave();
  });

  it("keeps a throwing watcher from breaking the connection: it is reported and the others still hear", async () => {
    const viewer = await registerUser(server.url, "fragile");
    const other = await registerUser(server.url, "mover");
    const room = await viewer.client.join("lobby");
    const faults: string[] = [];
    room.onError((e) => faults.push(e.ref ?? ""));
    const heard: string[] = [];
    room.watchParticipants({
      changed: () => {
        throw new Error("renderer bug");
      },
    });
    room.watchParticipants({ changed: (p) => heard.push(p.id) });
    const otherRoom = await other.client.join("lobby");
    otherRoom.moveTo(5, 5);
    await waitFor("the sound watcher hearing the move", () => heard.includes(other.participant.id));
    expect(faults.some((ref) => ref.startsWith("participant watcher"))).toBe(true);
    expect(room.connectionState).toBe("open");
    await otherRoom.leave();
    await room.leave();
  });
});
