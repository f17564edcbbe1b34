import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { replay } from "@mesh/sim";
import type { ReplayRecord } from "../src/index.ts";
import { registerUser, startTestServer, type TestServer, ticksPass, waitFor } from "./harness.ts";

describe("a live room is replayable from its recorded inputs", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it("re-running the checkpoint and input log gives exactly the live world", async () => {
    const owner = await registerUser(server.url, "owner");
    const guest = await registerUser(server.url, "guest");
    const a = await owner.client.join("lobby");
    const b = await guest.client.join("lobby");
    await waitFor("both present", () => a.participant(guest.participant.id));
    a.moveTo(5, 9);
    b.moveTo(60, 3);
    b.typing(true);
    await a.sendAndWait("recorded", { nonce: "r1" });
    await guest.rest.postMessage("lobby", { text: "via rest, recorded too", nonce: "r2" });
    a.mute(guest.participant.id, 2);
    await ticksPass(a, 10);
    await b.leave();
    await ticksPass(a, 3);

    const record = await owner.rest.request<ReplayRecord>("GET", "/api/rooms/lobby/replay");
    expect(record.log.length).toBeGreaterThan(0);
    const kinds = new Set(record.log.flatMap((entry) => entry.inputs.map((input) => input.kind)));
    for (const kind of ["join", "move", "typing", "say", "mute", "leave"]) expect(kinds).toContain(kind);
    const again = replay(record.options, record.snapshot, record.log, record.now.tick);
    expect(again.snapshot()).toEqual(record.now);

    await expect(guest.rest.request("GET", "/api/rooms/lobby/replay")).rejects.toMatchObject({ status: 403 });
    await a.leave();
  });
});
