import { Client, type Room } from "@colyseus/sdk";
import { PROTOCOL_VERSION, ROOM_TYPE, RoomState } from "@mesh/schema";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { errorsOf, registerUser, restRefusal, startTestServer, type TestServer, type TestUser, ticksPass, waitFor } from "./harness.ts";

/** A plain Colyseus client that keeps the raw bytes of every frame the server sends it. */
async function recordingClient(url: string, token: string, room: string): Promise<{ room: Room<unknown, RoomState>; frames: Buffer[] }> {
  const colyseus = new Client(url);
  const joined = await colyseus.joinOrCreate<RoomState>(ROOM_TYPE, { room, token, protocol: PROTOCOL_VERSION }, RoomState);
  joined.reconnection.enabled = false;
  const frames: Buffer[] = [];
  const ws = (joined.connection.transport as unknown as { ws: { addEventListener(type: string, fn: (e: { data: unknown }) => void): void } }).ws;
  ws.addEventListener("message", (event) => frames.push(Buffer.from(event.data as ArrayBuffer)));
  await new Promise<void>((resolve) => joined.onStateChange.once(() => resolve()));
  return { room: joined, frames };
}

describe("direct messages", () => {
  let server: TestServer;
  let ann: TestUser;
  let ben: TestUser;
  let eve: TestUser;

  /** What the clients' decoders complained of: a decoder out of step with the server prints, then misreads. */
  const decoderTrouble: string[] = [];

  beforeAll(async () => {
    for (const method of ["error", "warn", "log"] as const) {
      const original = console[method];
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        const text = args.map(String).join(" ");
        if (/refId|utf8Read|decode/i.test(text)) decoderTrouble.push(text.slice(0, 200));
        original(...args);
      });
    }
    server = await startTestServer();
    ann = await registerUser(server.url, "ann");
    ben = await registerUser(server.url, "ben");
    eve = await registerUser(server.url, "eve");
  });
  afterAll(() => server.stop());

  it("reach only their two participants, numbered per pair, never in room messages or anyone else's bytes", async () => {
    const a = await ann.client.join("lobby");
    const b = await ben.client.join("lobby");
    const spy = await recordingClient(server.url, eve.token, "lobby");
    await waitFor("all three present", () => a.state.participants.size === 3 && spy.room.state.participants?.size === 3);

    a.send("public hello");
    const secret = `the-secret-${"x".repeat(20)}-${Date.now()}`;
    a.sendRaw("send_message", { text: secret, to: ben.participant.id, nonce: "dm-1" });
    b.sendRaw("send_message", { text: `${secret}-reply`, to: ann.participant.id, nonce: "dm-2" });
    a.send("public after");

    await waitFor("ben holds both DMs", () => b.state.direct?.length === 2);
    await waitFor("ann holds both DMs", () => a.state.direct?.length === 2);
    const dms = [...b.state.direct].map((m) => [m.text, m.seq, m.authorId, m.to]);
    expect(dms).toEqual([
      [secret, 1, ann.participant.id, ben.participant.id],
      [`${secret}-reply`, 2, ben.participant.id, ann.participant.id],
    ]);
    // The room's seq has no holes where the DMs went.
    await waitFor("both public messages", () => a.state.messages.length === 2);
    expect([...a.state.messages].map((m) => [m.text, m.seq])).toEqual([
      ["public hello", 1],
      ["public after", 2],
    ]);
    await ticksPass(a, 3);
    expect(spy.room.state.direct?.length ?? 0).toBe(0);
    expect([...spy.room.state.messages].map((m) => m.text)).toEqual(["public hello", "public after"]);
    const everything = Buffer.concat(spy.frames);
    expect(everything.includes(Buffer.from("public after"))).toBe(true); // the recorder does see frames
    expect(everything.includes(Buffer.from("the-secret"))).toBe(false);

    // DM history over REST: the two of them only, by pair seq.
    const history = await ann.rest.request<{ messages: { text: string; seq: number }[] }>(
      "GET",
      `/api/rooms/lobby/direct/${ben.participant.id}?after=0`,
    );
    expect(history.messages.map((m) => [m.text, m.seq])).toEqual([
      [secret, 1],
      [`${secret}-reply`, 2],
    ]);
    const eveView = await eve.rest.request<{ messages: unknown[] }>("GET", `/api/rooms/lobby/direct/${ben.participant.id}?after=0`);
    expect(eveView.messages).toEqual([]);
    const roomHistory = await eve.rest.request<{ messages: { text: string }[] }>("GET", "/api/rooms/lobby/messages?after=0");
    expect(roomHistory.messages.map((m) => m.text)).toEqual(["public hello", "public after"]);
    spy.room.leave();
    await a.leave();
    await b.leave();
  });

  it("refuses a DM to someone absent, to yourself, or with a thread, with a clear error to the sender only", async () => {
    const a = await ann.client.join("lobby");
    const errors = errorsOf(a);
    a.sendRaw("send_message", { text: "hi", to: eve.participant.id, nonce: "absent" });
    a.sendRaw("send_message", { text: "hi", to: ann.participant.id, nonce: "self" });
    a.sendRaw("send_message", { text: "hi", to: "nobody-at-all", nonce: "nobody" });
    await waitFor("three refusals", () => errors.length >= 3);
    expect(errors.map((e) => [e.ref, e.code])).toEqual([
      ["send_message:absent", "not_found"],
      ["send_message:self", "bad_input"],
      ["send_message:nobody", "not_found"],
    ]);
    await ticksPass(a, 2);
    expect(a.state.direct?.length ?? 0).toBe(2); // only the two from before
    await a.leave();
  });

  it("a burst of more DMs than the window in one tick: the room keeps ticking and the SDK still gets every one, in order", async () => {
    const a = await ann.client.join("lobby");
    const b = await ben.client.join("lobby");
    const got: number[] = [];
    b.onMessage((m) => {
      if (m.to === ben.participant.id && m.text.startsWith("burst ")) got.push(Number(m.text.slice(6)));
    });
    const sentBy = (from: typeof a, to: string, tag: string) => {
      for (let i = 0; i < 55; i++) from.sendRaw("send_message", { text: `${tag}${i}`, to, nonce: `${tag}${i}` });
    };
    sentBy(a, ben.participant.id, "burst ");
    sentBy(b, ann.participant.id, "back ");
    await waitFor("every burst DM delivered to Ben", () => got.length === 55, 10_000);
    expect(got).toEqual(Array.from({ length: 55 }, (_, i) => i));
    const before = b.tick;
    await ticksPass(b, 3);
    expect(b.tick).toBeGreaterThan(before);
    expect(b.state.direct.length).toBeLessThanOrEqual(100);
    // Nothing someone else may not see slipped into the window.
    expect([...b.state.direct].every((m) => m.authorId === ben.participant.id || m.to === ben.participant.id)).toBe(true);
    await a.leave();
    await b.leave();
  });

  it("a DM over REST goes to the recipient's sockets and is refused when they are not there", async () => {
    const b = await ben.client.join("lobby");
    const stored = await ann.rest.request<{ seq: number; to: string }>("POST", "/api/rooms/lobby/messages", {
      text: "by rest",
      to: ben.participant.id,
      nonce: "rest-dm",
    });
    expect(stored).toMatchObject({ seq: 2 + 55 * 2 + 1, to: ben.participant.id }); // after the two and the burst
    await waitFor("ben sees it", () => [...b.state.direct].some((m) => m.text === "by rest"));
    await b.leave();
    await new Promise((resolve) => setTimeout(resolve, 300)); // the server sees the socket close
    const refused = await restRefusal(
      eve.rest.request("POST", "/api/rooms/lobby/messages", { text: "nobody home", to: ben.participant.id }),
    );
    expect(refused).toMatchObject({ status: 404, code: "not_found" });
  });

  it("a quiet DM holder's view stays right while other pairs' DMs come and go around it", async () => {
    const cara = await registerUser(server.url, "cara");
    const dan = await registerUser(server.url, "dan");
    const c = await cara.client.join("lobby");
    const d = await dan.client.join("lobby");
    await c.sendDirectAndWait(dan.participant.id, "cara to dan, before");
    // Ann and Ben churn the DM array (adds, and removals past their windows) while Cara is quiet.
    const a = await ann.client.join("lobby");
    const b = await ben.client.join("lobby");
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 20; i++) a.sendRaw("send_message", { text: `churn ${round}-${i}`, to: ben.participant.id });
      await ticksPass(a, 4);
    }
    await d.sendDirectAndWait(cara.participant.id, "dan to cara, after");
    const stored = await c.sendDirectAndWait(dan.participant.id, "to be edited");
    c.edit(stored.id, "edited");
    await waitFor("Cara's window matches what is stored", () => {
      const texts = [...c.state.direct].map((m) => m.text);
      return texts.join("|") === "cara to dan, before|dan to cara, after|edited" && texts;
    });
    expect([...d.state.direct].map((m) => m.text)).toEqual(["cara to dan, before", "dan to cara, after", "edited"]);
    for (const room of [a, b, c, d]) await room.leave();
  });

  it("every client decoded every patch: no decoder went out of step along the way", () => {
    expect(decoderTrouble).toEqual([]);
  });
});
