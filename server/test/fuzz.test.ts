import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MeshRoom } from "@mesh/bots";
import { ClientMessage, type ErrorPayload, parseClientMessage, isClientMessageType } from "@mesh/schema";
import { registerUser, startTestServer, type TestServer, type TestUser, ticksPass } from "./harness.ts";

/** Small seeded generator, so a failure names a seed that reproduces it. */
function random(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const value = (depth: number): unknown => {
    switch (pick(["num", "str", "bool", "null", "obj", "arr", "special"] as const)) {
      case "num":
        return pick([0, -1, 1e308, -1e-308, 3.5, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY, next() * 1000]);
      case "str":
        return pick(["", "hi", "\u0000", "\uD800", "x".repeat(9000), "😀", "<script>", "'; DROP TABLE messages;--"]);
      case "bool":
        return next() < 0.5;
      case "null":
        return null;
      case "obj": {
        if (depth > 3) return {};
        const keys = ["text", "x", "z", "on", "nonce", "to", "threadId", "messageId", "emoji", "participantId", "seconds", "agentIds", "order", "__proto__", "constructor"];
        const obj: Record<string, unknown> = {};
        for (let i = 0; i < 1 + Math.floor(next() * 4); i++) obj[pick(keys)] = value(depth + 1);
        return obj;
      }
      case "arr":
        return depth > 3 ? [] : Array.from({ length: Math.floor(next() * 4) }, () => value(depth + 1));
      case "special":
        return pick([{ x: 1, z: 2 }, { text: "fuzz ok" }, { on: true }, { participantId: "nobody", seconds: 5 }]);
    }
  };
  return { next, pick, value };
}

const TYPES = [...Object.values(ClientMessage), "unknown_type", "", "__proto__", "constructor", "x".repeat(200)];

describe("fuzzed payloads", () => {
  it("validators return a Result for anything, and never throw", () => {
    const r = random(1);
    for (let i = 0; i < 20_000; i++) {
      const type = r.pick(Object.values(ClientMessage));
      const result = parseClientMessage(type, r.value(0));
      expect(typeof result.ok).toBe("boolean");
      if (!result.ok) expect(result.error.code).toBe("bad_input");
    }
    expect(isClientMessageType("__proto__")).toBe(false);
    expect(isClientMessageType("constructor")).toBe(false);
  });

  describe("over a real socket", () => {
    let server: TestServer;
    let fuzzer: TestUser;
    let neighbour: MeshRoom;

    beforeAll(async () => {
      server = await startTestServer({ ratePerS: 10_000, rateBurst: 10_000 });
      neighbour = await (await registerUser(server.url, "bystander")).client.join("lobby");
      fuzzer = await registerUser(server.url, "fuzzer");
    });
    afterAll(() => server.stop());

    it.each([7, 42, 1234])("seed %i: 400 random messages leave the server, room and neighbour fine", async (seed) => {
      const r = random(seed);
      const since = (await fuzzer.rest.history("lobby", { limit: 1 })).at(-1)?.seq ?? 0;
      const room = await fuzzer.client.join("lobby");
      const errors: ErrorPayload[] = [];
      room.onError((e) => errors.push(e));
      let valid = 0;
      for (let i = 0; i < 400; i++) {
        const type = r.pick(TYPES);
        const payload = r.value(0);
        if (type === ClientMessage.SendMessage && parseClientMessage(type, payload).ok) valid++;
        room.sendRaw(type, payload);
      }
      await ticksPass(neighbour, 4);
      const echo = await neighbour.sendAndWait(`still here after seed ${seed}`);
      expect(echo.seq).toBeGreaterThan(0);
      expect(neighbour.closedWith).toBeUndefined();
      expect(errors.length).toBeGreaterThan(0);
      expect(errors.every((e) => typeof e.code === "string" && typeof e.message === "string")).toBe(true);
      // Only the sends that were valid were stored.
      const stored = (await fuzzer.rest.history("lobby", { after: since, limit: 500 })).filter(
        (m) => m.authorId === fuzzer.participant.id,
      );
      expect(stored.length).toBeLessThanOrEqual(valid);
      expect(stored.every((m) => m.text.length > 0 && !m.text.includes("\u0000"))).toBe(true);
      if (room.closedWith === undefined) await room.leave();
    });
  });
});
