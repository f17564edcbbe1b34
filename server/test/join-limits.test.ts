import { Client } from "@colyseus/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MeshJoinError, type MeshRoom } from "@mesh/bots";
import { JoinErrorCode, MAX_SOCKETS_PER_PARTICIPANT, ROOM_TYPE } from "@mesh/schema";
import { registerUser, startTestServer, type TestServer, ticksPass, waitFor } from "./harness.ts";

describe("joins a hostile client might abuse", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it("refuses a protocol version the server does not speak, and names both", async () => {
    const user = await registerUser(server.url, "time-traveller");
    const refused = await new Client(server.url)
      .joinOrCreate(ROOM_TYPE, { room: "lobby", token: user.token, protocol: 99 })
      .then(() => undefined, (e: { code: number; message: string }) => e);
    expect(refused).toMatchObject({ code: JoinErrorCode.ProtocolMismatch, message: expect.stringMatching(/99.*protocol 1/) });
    // Leaving the option out is fine: it is optional in the wire contract.
    const room = await new Client(server.url).joinOrCreate(ROOM_TYPE, { room: "lobby", token: user.token });
    await room.leave();
  });

  it(`caps one participant at ${MAX_SOCKETS_PER_PARTICIPANT} sockets in a room, and counts the rest right`, async () => {
    const user = await registerUser(server.url, "many-tabs");
    const watcher = await (await registerUser(server.url, "watcher")).client.join("lobby");
    const tabs: MeshRoom[] = [];
    for (let i = 0; i < MAX_SOCKETS_PER_PARTICIPANT; i++) tabs.push(await user.client.join("lobby"));
    const extra = await user.client.join("lobby").then(() => undefined, (e: unknown) => e);
    expect(extra).toBeInstanceOf(MeshJoinError);
    expect((extra as MeshJoinError).code).toBe(JoinErrorCode.TooMany);
    await waitFor("present", () => watcher.participant(user.participant.id));
    // The refused socket must not count as a departure: closing all but one keeps them present.
    for (const tab of tabs.slice(1)) await tab.leave();
    await ticksPass(watcher, 5);
    expect(watcher.participant(user.participant.id)).toBeDefined();
    await tabs[0].leave();
    await waitFor("gone after the last tab", () => !watcher.participant(user.participant.id));
    await watcher.leave();
  });

  it("slows down a participant who joins and leaves in a tight loop", async () => {
    const user = await registerUser(server.url, "churner");
    let refused: MeshJoinError | undefined;
    for (let i = 0; i < 60 && !refused; i++) {
      const room = await user.client.join("lobby").catch((e: unknown) => {
        refused = e as MeshJoinError;
        return undefined;
      });
      await room?.leave();
    }
    expect(refused?.code).toBe(JoinErrorCode.TooMany);
    // Others are not affected.
    const other = await registerUser(server.url, "patient");
    const room = await other.client.join("lobby");
    await room.leave();
  }, 30_000);
});
