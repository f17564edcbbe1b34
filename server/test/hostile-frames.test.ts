import { Client } from "@colyseus/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MeshRoom } from "@mesh/bots";
import { ROOM_TYPE } from "@mesh/schema";
import { registerUser, startTestServer, type TestServer, type TestUser, ticksPass, waitFor } from "./harness.ts";

// Colyseus frame codes (shared-types Protocol): ROOM_DATA = 13.
const ROOM_DATA = 13;

describe("frames no client library would send", () => {
  let server: TestServer;
  let neighbour: TestUser;
  let watcher: MeshRoom;

  beforeAll(async () => {
    server = await startTestServer();
    neighbour = await registerUser(server.url, "calm");
    watcher = await neighbour.client.join("lobby");
  });
  afterAll(() => server.stop());

  const garbage: [string, number[]][] = [
    ["an empty frame", []],
    ["a lone ROOM_DATA code", [ROOM_DATA]],
    ["a type string with a length past the end", [ROOM_DATA, 0xdb, 0xff, 0xff, 0xff, 0xff]],
    ["an undecodable msgpack payload", [ROOM_DATA, 0xa4, 0x6d, 0x6f, 0x76, 0x65, 0xc1, 0xc1, 0xc1]],
    ["a truncated msgpack map", [ROOM_DATA, 0xa4, 0x6d, 0x6f, 0x76, 0x65, 0x82, 0xa1, 0x78]],
    ["an unknown protocol code", [250, 1, 2, 3]],
    ["random bytes", Array.from({ length: 512 }, (_, i) => (i * 7919 + 13) % 256)],
  ];

  it.each(garbage)("%s: the server survives, the room ticks, the neighbour is unaffected", async (_name, bytes) => {
    const hostile = await registerUser(server.url, `raw${Math.floor(Math.random() * 1e9)}`);
    const client = new Client(server.url);
    const room = await client.joinOrCreate(ROOM_TYPE, { room: "lobby", token: hostile.token });
    room.reconnection.enabled = false;
    room.onMessage("error", () => {});
    let closed: number | undefined;
    room.onLeave((code) => {
      closed = code;
    });
    await new Promise<void>((resolve) => room.onStateChange.once(() => resolve()));
    room.connection.send(new Uint8Array(bytes));
    await ticksPass(watcher, 3);
    const echo = await watcher.sendAndWait(`after ${_name}`);
    expect(echo.text).toBe(`after ${_name}`);
    expect(watcher.closedWith).toBeUndefined();
    const health = await (await fetch(`${server.url}/api/health`)).json();
    expect(health.ok).toBe(true);
    // Undecodable frames cost the sender its connection (Colyseus cannot know the type to
    // answer); anything it can parse leaves the connection open.
    if (closed === undefined) await room.leave();
  });

  it("a numeric message type gets bad_input, not silence", async () => {
    const hostile = await registerUser(server.url, "numeric");
    const room = await hostile.client.join("lobby");
    const errors: { code: string; ref: string }[] = [];
    room.onError((e) => errors.push(e));
    room.sendRaw(42 as unknown as string, { x: 1 });
    await waitFor("bad_input", () => errors.length > 0);
    expect(errors[0]).toMatchObject({ code: "bad_input", ref: "42" });
    await room.leave();
  });
});
