import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MessageData } from "@mesh/schema";
import { registerUser, startTestServer, type TestServer, type TestUser, ticksPass, waitFor } from "./harness.ts";

describe("walking and talking in the lobby", () => {
  let server: TestServer;
  let alice: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    server = await startTestServer();
    alice = await registerUser(server.url, "alice");
    bob = await registerUser(server.url, "bob");
  });
  afterAll(() => server.stop());

  it("makes the first account the owner and the next a member", () => {
    expect(alice.participant.role).toBe("owner");
    expect(bob.participant.role).toBe("member");
  });

  it("answers health", async () => {
    const health = await (await fetch(`${server.url}/api/health`)).json();
    expect(health).toMatchObject({ ok: true, tickHz: 20 });
    expect(typeof health.version).toBe("string");
  });

  it("shows each participant the other's movement within a few ticks", async () => {
    const a = await alice.client.join("lobby");
    const b = await bob.client.join("lobby");
    await waitFor("both present", () => a.participant(bob.participant.id) && b.participant(alice.participant.id));
    expect(b.participant(alice.participant.id)).toMatchObject({ name: "alice", role: "owner", kind: "human", online: true });

    const start = b.participant(alice.participant.id);
    if (!start) throw new Error("alice should be present");
    const sentAt = b.tick;
    a.moveTo(10, 12);
    // 4 units/s at 20 Hz: the trip from the middle (≈32, 32) to (10, 12) takes about 7.5 s.
    const seen = await waitFor("bob sees alice start moving", () => {
      const p = b.participant(alice.participant.id);
      return p && p.x < start.x && p.z < start.z && p;
    });
    // Heading points down both axes: atan2(dx < 0, dz < 0) lies in (-π, -π/2).
    expect(seen.heading).toBeLessThan(-Math.PI / 2);
    expect(seen.heading).toBeGreaterThan(-Math.PI);
    // Counted in ticks, not seconds: the move shows in the patch of the tick that applied it.
    expect(b.tick - sentAt).toBeLessThanOrEqual(5);
    await waitFor("alice arrives", () => {
      const p = b.participant(alice.participant.id);
      return p && Math.abs(p.x - 10) < 0.01 && Math.abs(p.z - 12) < 0.01;
    }, 15_000);

    // Clamped to the room's 64 × 64 floor.
    b.moveTo(1000, -50);
    await waitFor("bob clamped into the corner", () => {
      const p = a.participant(bob.participant.id);
      return p && p.x === 64 && p.z === 0;
    }, 20_000);
    await a.leave();
    await b.leave();
  }, 40_000);

  it("delivers messages in order with gap-free seq and keeps them in history", async () => {
    const a = await alice.client.join("lobby");
    const b = await bob.client.join("lobby");
    const got: MessageData[] = [];
    b.onMessage((m) => got.push(m));
    for (let i = 0; i < 10; i++) a.send(`hello ${i}`);
    await b.sendAndWait("hi alice");
    await waitFor("11 messages", () => got.length === 11);
    const fromAlice = got.filter((m) => m.authorId === alice.participant.id).map((m) => m.text);
    expect(fromAlice).toEqual(Array.from({ length: 10 }, (_, i) => `hello ${i}`));
    const seqs = got.map((m) => m.seq);
    expect(seqs).toEqual(Array.from({ length: 11 }, (_, i) => seqs[0] + i));
    expect(b.state.messages.at(-1)?.text).toBe("hi alice");

    const history = await alice.rest.history("lobby", { limit: 100 });
    expect(history.map((m) => m.seq)).toEqual(seqs);
    expect(history.at(-1)).toMatchObject({ text: "hi alice", authorName: "bob", trust: "local" });
    const older = await alice.rest.history("lobby", { before: seqs[5], limit: 3 });
    expect(older.map((m) => m.seq)).toEqual([seqs[2], seqs[3], seqs[4]]);
    await a.leave();
    await b.leave();
  });

  it("shows typing to others and turns it off by itself after 5 s", async () => {
    const a = await alice.client.join("lobby");
    const b = await bob.client.join("lobby");
    await waitFor("alice present for bob", () => b.participant(alice.participant.id));
    a.typing(true);
    await waitFor("bob sees alice typing", () => b.participant(alice.participant.id)?.typing);
    const since = b.tick;
    await waitFor("typing expires", () => b.participant(alice.participant.id)?.typing === false, 8000);
    // 5 s at 20 Hz is 100 ticks; allow a tick either way for where the renewal landed.
    expect(b.tick - since).toBeGreaterThanOrEqual(98);
    a.typing(true);
    await waitFor("typing again", () => b.participant(alice.participant.id)?.typing);
    a.typing(false);
    await waitFor("typing off on request", () => b.participant(alice.participant.id)?.typing === false);
    await a.leave();
    await b.leave();
  }, 15_000);

  it("tells who arrives and who leaves", async () => {
    const a = await alice.client.join("lobby");
    // The previous test's bob may still be on his way out.
    await waitFor("no bob yet", () => !a.participant(bob.participant.id));
    const events: string[] = [];
    a.onPresence((e) => events.push(`${e.kind} ${e.participant.name}`));
    const b = await bob.client.join("lobby");
    await waitFor("bob present", () => a.participant(bob.participant.id));
    await b.leave();
    await waitFor("bob gone", () => !a.participant(bob.participant.id));
    expect(events.filter((e) => e.endsWith("bob"))).toEqual(["join bob", "leave bob"]);
    await a.leave();
  });

  it("stores a resend with the same nonce only once", async () => {
    const a = await alice.client.join("lobby");
    const first = await a.sendAndWait("only once", { nonce: "n-1" });
    a.send("only once", { nonce: "n-1" });
    const again = await alice.rest.postMessage("lobby", { text: "only once", nonce: "n-1" });
    expect(again.seq).toBe(first.seq);
    await ticksPass(a, 3);
    const history = await alice.rest.history("lobby", { after: first.seq - 1 });
    expect(history.filter((m) => m.nonce === "n-1")).toHaveLength(1);
    await a.leave();
  });

  it("sends over REST into the live room", async () => {
    const a = await alice.client.join("lobby");
    const seen = new Promise<MessageData>((resolve) => a.onMessage((m) => m.text === "via rest" && resolve(m)));
    const stored = await bob.rest.postMessage("lobby", { text: "via rest" });
    expect((await seen).seq).toBe(stored.seq);
    await a.leave();
  });
});
