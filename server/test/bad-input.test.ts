import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "@colyseus/sdk";
import { connect, MeshJoinError, type MeshRoom } from "@mesh/bots";
import { type ErrorPayload, MAX_TEXT_LENGTH, ROOM_TYPE } from "@mesh/schema";
import { registerUser, startTestServer, type TestServer, type TestUser, ticksPass, waitFor } from "./harness.ts";

describe("bad input from a careless or hostile client", () => {
  let server: TestServer;
  let offender: TestUser;
  let neighbour: TestUser;
  let bad: MeshRoom;
  let good: MeshRoom;
  const errors: ErrorPayload[] = [];

  beforeAll(async () => {
    server = await startTestServer({ ratePerS: 20, rateBurst: 40 });
    neighbour = await registerUser(server.url, "neighbour");
    offender = await registerUser(server.url, "offender");
    good = await neighbour.client.join("lobby");
    bad = await offender.client.join("lobby");
    bad.onError((e) => errors.push(e));
  });
  afterAll(() => server.stop());

  /** Send, expect exactly one error with `code` for `ref`, nothing stored, and a healthy room. */
  async function expectRefused(send: () => void, code: string, ref: string) {
    errors.length = 0;
    const historyBefore = await neighbour.rest.history("lobby");
    const neighbourErrors: ErrorPayload[] = [];
    const off = good.onError((e) => neighbourErrors.push(e));
    const tick = good.tick;
    send();
    await waitFor(`${code} error`, () => errors.length > 0);
    expect(errors[0]).toMatchObject({ code, ref });
    expect(errors[0].message.length).toBeGreaterThan(0);
    await ticksPass(good, 2);
    expect(good.tick).toBeGreaterThan(tick);
    // The neighbour saw no error, can still talk, and nothing of the bad input was stored.
    const echo = await good.sendAndWait(`still fine after ${ref}`);
    expect(neighbourErrors).toEqual([]);
    const historyAfter = await neighbour.rest.history("lobby");
    expect(historyAfter.slice(0, -1)).toEqual(historyBefore.slice(-(historyAfter.length - 1)));
    expect(historyAfter.at(-1)?.id).toBe(echo.id);
    off();
    // Stay under the rate limit between cases.
    await new Promise((resolve) => setTimeout(resolve, 150));
  }

  it("unknown message type", () => expectRefused(() => bad.sendRaw("launch_missiles", { now: true }), "bad_input", "launch_missiles"));
  it("wrong types", () => expectRefused(() => bad.sendRaw("send_message", { text: 42 }), "bad_input", "send_message"));
  it("missing fields", () => expectRefused(() => bad.sendRaw("move", { x: 3 }), "bad_input", "move"));
  it("a payload that is not an object", () => expectRefused(() => bad.sendRaw("send_message", "hi"), "bad_input", "send_message"));
  it("a null payload", () => expectRefused(() => bad.sendRaw("typing", null), "bad_input", "typing"));
  it.each([
    ["NaN", Number.NaN],
    ["Infinity", Number.POSITIVE_INFINITY],
    ["1e400", Number("1e400")],
    ["-Infinity", Number.NEGATIVE_INFINITY],
  ])("a %s coordinate", (_name, value) => expectRefused(() => bad.sendRaw("move", { x: value, z: 5 }), "bad_input", "move"));
  it("text over 8,000 characters", () =>
    expectRefused(() => bad.send("x".repeat(MAX_TEXT_LENGTH + 1), { nonce: "long" }), "bad_input", "send_message:long"));
  it("a lone surrogate (REST carries it intact)", async () => {
    const res = await fetch(`${server.url}/api/rooms/lobby/messages`, {
      method: "POST",
      headers: { authorization: `Bearer ${offender.token}`, "content-type": "application/json" },
      body: '{"text":"bad \\ud800 half"}',
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatchObject({ code: "bad_input", message: expect.stringMatching(/surrogate/) });
  });
  it("a lone surrogate over the socket never stores a broken string", async () => {
    errors.length = 0;
    bad.send("half \uD800 a pair", { nonce: "surrogate" });
    await ticksPass(good, 3);
    const stored = (await neighbour.rest.history("lobby")).find((m) => m.nonce === "surrogate");
    // Either refused, or the transport's UTF-8 encoding already replaced it with U+FFFD.
    if (stored) expect(stored.text).toBe("half \uFFFD a pair");
    else expect(errors[0]).toMatchObject({ code: "bad_input", ref: "send_message:surrogate" });
  });
  it("control characters are stripped, the rest is kept", async () => {
    const stored = await bad.sendAndWait("ring\u0007 the\u0000 bell\u001b[31m");
    expect(stored.text).toBe("ring the bell[31m");
  });

  it("a frame over 64 KiB closes only that connection, with 1009", async () => {
    const flooder = await registerUser(server.url, "bigframe");
    const room = await flooder.client.join("lobby");
    room.sendRaw("send_message", { text: "y".repeat(70 * 1024) });
    await waitFor("closed with 1009", () => room.closedWith === 1009);
    await good.sendAndWait("neighbour unaffected by the big frame");
    expect(good.closedWith).toBeUndefined();
    expect(bad.closedWith).toBeUndefined();
  });

  it("a flood over the rate limit gets rate_limited and stores at most the allowance", async () => {
    const flooder = await registerUser(server.url, "flooder");
    const room = await flooder.client.join("lobby");
    const floodErrors: ErrorPayload[] = [];
    room.onError((e) => floodErrors.push(e));
    for (let i = 0; i < 500; i++) room.send(`flood ${i}`);
    await waitFor("rate_limited", () => floodErrors.some((e) => e.code === "rate_limited"));
    await good.sendAndWait("neighbour unaffected by the flood");
    await ticksPass(good, 5);
    const stored = (await neighbour.rest.history("lobby", { limit: 500 })).filter((m) => m.authorId === flooder.participant.id);
    expect(stored.length).toBeGreaterThanOrEqual(40);
    expect(stored.length).toBeLessThan(500);
    // Fewer error replies than refused messages: a flood is not echoed back in full.
    expect(floodErrors.length).toBeLessThan(10);
    await room.leave();
  });

  it("a send refused for speed is always answered, even when typing frames used up the second's warning", async () => {
    const typist = await registerUser(server.url, "eager-typist");
    const room = await typist.client.join("lobby");
    const seen: ErrorPayload[] = [];
    room.onError((e) => seen.push(e));
    for (let i = 0; i < 60; i++) room.typing(i % 2 === 0);
    await waitFor("the typing flood's warning", () => seen.some((e) => e.code === "rate_limited" && e.ref.startsWith("typing")));
    // The person presses Enter now: they hear at once that it was refused, not after a timeout.
    const refused = await room.sendAndWait("did this go?").then(
      () => undefined,
      (error: { code?: string }) => error,
    );
    expect(refused?.code).toBe("rate_limited");
    await room.leave();
  });

  it("a flood far past any sane rate closes only that socket", async () => {
    const flooder = await registerUser(server.url, "torrent");
    const room = await flooder.client.join("lobby");
    for (let i = 0; i < 3000; i++) room.typing(i % 2 === 0);
    await waitFor("torrent closed", () => room.closedWith !== undefined);
    await good.sendAndWait("neighbour unaffected by the torrent");
    expect(good.closedWith).toBeUndefined();
  });

  it("a REST flood shares the same per-participant allowance and gets 429", async () => {
    const flooder = await registerUser(server.url, "restflood");
    const statuses = await Promise.all(
      Array.from({ length: 80 }, (_, i) =>
        flooder.rest.postMessage("lobby", { text: `rest flood ${i}` }).then(
          () => 201,
          (e: { status: number }) => e.status,
        ),
      ),
    );
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(40);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 201 || s === 429)).toBe(true);
    await good.sendAndWait("neighbour unaffected by the REST flood");
  });

  describe("tokens at join", () => {
    /** Join through the SDK, and straight through Colyseus, so the socket's own check is tested. */
    const joinWith = async (token: string, room = "lobby") => {
      const raw = new Client(server.url);
      const direct = await raw.joinOrCreate(ROOM_TYPE, { room, token }).then(
        () => undefined,
        (error: { code?: number; message?: string }) => error,
      );
      if (!direct) throw new Error("the socket accepted the join");
      try {
        await connect({ url: server.url, token }).join(room);
      } catch (error) {
        // The SDK reports the same code the socket refused with.
        expect((error as MeshJoinError).code).toBe(direct.code);
        return error;
      }
      throw new Error("join was accepted");
    };

    it("refuses a forged token", async () => {
      const error = await joinWith(`${offender.token.slice(0, -4)}AAAA`);
      expect(error).toBeInstanceOf(MeshJoinError);
      expect((error as MeshJoinError).unauthorized).toBe(true);
    });

    it("refuses an alg:none token", async () => {
      const [, payload] = offender.token.split(".");
      const header = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url");
      expect(((await joinWith(`${header}.${payload}.`)) as MeshJoinError).unauthorized).toBe(true);
    });

    it("refuses an expired token", async () => {
      const claims = await server.services.tokens.verify(offender.token);
      if (!claims) throw new Error("offender token should verify");
      const old = await server.services.tokens.sign(claims, Date.now() - 2 * server.services.tokens.ttlMs);
      expect(((await joinWith(old)) as MeshJoinError).unauthorized).toBe(true);
    });

    it("refuses an unknown room instead of creating it", async () => {
      const error = (await joinWith(offender.token, "no-such-room")) as MeshJoinError;
      expect(error).toBeInstanceOf(MeshJoinError);
      expect(error.message).toMatch(/unknown room/);
      const rooms = await neighbour.rest.rooms();
      expect(rooms.rooms.map((r) => r.id)).not.toContain("no-such-room");
    });

    it("logout revokes the token and closes its sockets within a second", async () => {
      const leaver = await registerUser(server.url, "leaver");
      const room = await leaver.client.join("lobby");
      const { closedSockets } = await leaver.rest.logout();
      expect(closedSockets).toBe(1);
      // SPEC: the socket closes within a second of logout.
      await waitFor("socket closed", () => room.closedWith === 4001, 1000);
      expect(((await joinWith(leaver.token)) as MeshJoinError).unauthorized).toBe(true);
      const res = await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${leaver.token}` } });
      expect(res.status).toBe(401);
    });
  });

  describe("REST bodies", () => {
    it("answers malformed JSON with bad_input", async () => {
      const res = await fetch(`${server.url}/api/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{not json",
      });
      expect(res.status).toBe(400);
      expect((await res.json()).error.code).toBe("bad_input");
    });

    it("answers an oversized body with payload_too_large", async () => {
      const res = await fetch(`${server.url}/api/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: "x", password: "p".repeat(100 * 1024) }),
      });
      expect(res.status).toBe(413);
      expect((await res.json()).error.code).toBe("payload_too_large");
    });

    it("answers an unknown route with not_found JSON", async () => {
      const res = await fetch(`${server.url}/api/nothing-here`);
      expect(res.status).toBe(404);
      expect((await res.json()).error.code).toBe("not_found");
    });
  });
});
