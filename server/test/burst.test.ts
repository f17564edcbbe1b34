import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MessageData } from "@mesh/schema";
import { registerUser, startTestServer, type TestServer, waitFor } from "./harness.ts";

describe("a burst larger than the state's 100-message window", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it("reaches an SDK client complete, in order, without duplicates", async () => {
    const SENDERS = 20;
    const EACH = 50;
    const reader = await registerUser(server.url, "reader");
    const senders = await Promise.all(Array.from({ length: SENDERS }, (_, i) => registerUser(server.url, `sender${i}`)));
    const watching = await reader.client.join("lobby");
    const rooms = await Promise.all(senders.map((s) => s.client.join("lobby")));

    const got: MessageData[] = [];
    watching.onMessage((m) => got.push(m));
    // Everyone fires at once: well over 100 messages land in the same tick or two.
    for (let i = 0; i < EACH; i++) {
      for (const [s, room] of rooms.entries()) room.send(`${s}:${i}`);
    }

    await waitFor("all 1000 messages", () => got.length >= SENDERS * EACH, 20_000);
    await watching.settled();
    expect(got).toHaveLength(SENDERS * EACH);
    const seqs = got.map((m) => m.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0] + i));
    expect(new Set(got.map((m) => m.id)).size).toBe(SENDERS * EACH);
    // Each sender's own messages arrive in the order they were sent.
    for (let s = 0; s < SENDERS; s++) {
      const mine = got.filter((m) => m.text.startsWith(`${s}:`)).map((m) => Number(m.text.split(":")[1]));
      expect(mine).toEqual(Array.from({ length: EACH }, (_, i) => i));
    }
    // The window overflowed: the state never held more than 100 at once.
    expect(watching.state.messages.length).toBe(100);
    await Promise.all([...rooms, watching].map((r) => r.leave()));
  }, 60_000);
});
