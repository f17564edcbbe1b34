import type { MessageData } from "@mesh/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, type MeshRoom } from "@mesh/bots";
import { cuttableProxy, registerUser, startTestServer, type TestServer, type TestUser, waitFor } from "./harness.ts";

const texts = (messages: readonly MessageData[]) => messages.map((m) => m.text);

describe("reconnection without loss", () => {
  let server: TestServer;
  let ann: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    server = await startTestServer();
    ann = await registerUser(server.url, "ann");
    bob = await registerUser(server.url, "bob");
  });
  afterAll(() => server.stop());

  it("a cut mid-conversation: both sides end with the same messages and DMs, in order, none doubled; the other side saw offline, then online, never a leave", async () => {
    const proxy = await cuttableProxy(new URL(server.url));
    try {
      // Ann reaches the server through the proxy; Bob directly.
      const a = await connect({ url: proxy.url, token: ann.token }).join("lobby");
      const b = await bob.client.join("lobby");
      await waitFor("both present", () => a.participant(bob.participant.id) && b.participant(ann.participant.id));

      const annGot: MessageData[] = [];
      const bobGot: MessageData[] = [];
      a.onMessage((m) => annGot.push(m));
      b.onMessage((m) => bobGot.push(m));
      const annStatus: string[] = [];
      const leaves: string[] = [];
      b.onChange(() => {
        const status = b.participant(ann.participant.id)?.status;
        if (status && annStatus[annStatus.length - 1] !== status) annStatus.push(status);
      });
      b.onPresence((event) => {
        if (event.kind === "leave") leaves.push(event.participant.id);
      });
      const drops: number[] = [];
      a.onDrop((code) => drops.push(code));

      const ROUNDS = 30;
      let cutDone = false;
      for (let i = 0; i < ROUNDS; i++) {
        a.send(`ann room ${i}`);
        b.send(`bob room ${i}`);
        a.sendDirect(bob.participant.id, `ann dm ${i}`);
        b.sendDirect(ann.participant.id, `bob dm ${i}`);
        if (i === 10) {
          // Both sides keep sending while the link is down.
          expect(proxy.cut()).toBeGreaterThan(0);
          cutDone = true;
          await waitFor("Bob sees Ann offline", () => b.participant(ann.participant.id)?.status === "offline", 10_000);
        }
        await new Promise((resolve) => setTimeout(resolve, 40));
      }
      expect(cutDone).toBe(true);
      await waitFor("Ann reconnected", () => a.connectionState === "open" && drops.length > 0, 20_000);
      await waitFor("Bob sees Ann online again", () => b.participant(ann.participant.id)?.status === "online", 10_000);

      const expectedRoom = Array.from({ length: ROUNDS }, (_, i) => [`ann room ${i}`, `bob room ${i}`]).flat();
      const expectedDms = Array.from({ length: ROUNDS }, (_, i) => [`ann dm ${i}`, `bob dm ${i}`]).flat();
      const sameSet = (got: readonly string[], want: readonly string[]) => [...got].sort().join("\n") === [...want].sort().join("\n");
      await waitFor("everyone has everything", () => {
        const annRoom = texts(annGot.filter((m) => m.to === ""));
        const bobRoom = texts(bobGot.filter((m) => m.to === ""));
        const annDms = texts(annGot.filter((m) => m.to !== ""));
        const bobDms = texts(bobGot.filter((m) => m.to !== ""));
        return sameSet(annRoom, expectedRoom) && sameSet(bobRoom, expectedRoom) && sameSet(annDms, expectedDms) && sameSet(bobDms, expectedDms);
      }, 20_000);

      // The same order on both sides, by seq, with no holes and no repeats.
      const roomOf = (got: MessageData[]) => got.filter((m) => m.to === "");
      expect(roomOf(annGot).map((m) => m.id)).toEqual(roomOf(bobGot).map((m) => m.id));
      const seqs = roomOf(annGot).map((m) => m.seq);
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0] + i));
      const dmsOf = (got: MessageData[]) => got.filter((m) => m.to !== "");
      expect(dmsOf(annGot).map((m) => m.id)).toEqual(dmsOf(bobGot).map((m) => m.id));
      const dmSeqs = dmsOf(annGot).map((m) => m.seq);
      expect(dmSeqs).toEqual(Array.from({ length: dmSeqs.length }, (_, i) => dmSeqs[0] + i));
      // Stored exactly once each, whatever was resent.
      const history = await bob.rest.request<{ messages: MessageData[] }>("GET", "/api/rooms/lobby/messages?after=0&limit=500");
      expect(texts(history.messages).sort()).toEqual([...expectedRoom].sort());

      // Ann was offline, then online; never gone.
      expect(annStatus).toContain("offline");
      expect(annStatus.slice(annStatus.indexOf("offline"))).toContain("online");
      expect(leaves).not.toContain(ann.participant.id);
      expect(a.pendingSends).toBe(0);
      await a.leave();
      await b.leave();
    } finally {
      await proxy.close();
    }
  });

  it("a kick, ban or logout while the connection is down closes the window: the resume is refused", async () => {
    const cases = [
      { name: "kick", act: (id: string) => ownerRoom().then((o) => o.kick(id)) },
      { name: "ban", act: (id: string) => ownerRoom().then((o) => o.ban(id, 60)) },
      { name: "logout", act: async (_id: string, user: TestUser) => void (await user.rest.request("POST", "/api/auth/logout")) },
    ];
    let owner: Awaited<ReturnType<TestUser["client"]["join"]>> | undefined;
    const ownerRoom = async () => {
      owner ??= await ann.client.join("lobby");
      return owner;
    };
    for (const { name, act } of cases) {
      const target = await registerUser(server.url, `dropped-${name}`);
      const proxy = await cuttableProxy(new URL(server.url));
      try {
        const room = await connect({ url: proxy.url, token: target.token }).join("lobby", { reconnect: { maxRetries: 6, minDelay: 300, maxDelay: 600 } });
        const watcher = await ownerRoom();
        await waitFor(`${name}: present`, () => watcher.participant(target.participant.id));
        proxy.cut();
        await waitFor(`${name}: offline`, () => watcher.participant(target.participant.id)?.status === "offline", 10_000);
        await act(target.participant.id, target);
        await waitFor(`${name}: gone at once, not after the window`, () => !watcher.participant(target.participant.id), 3_000);
        await waitFor(`${name}: the SDK's resume refused`, () => room.connectionState === "closed", 20_000);
        expect(watcher.participant(target.participant.id)).toBeUndefined();
      } finally {
        await proxy.close();
      }
    }
    await owner?.leave();
  }, 60_000);

  it("sockets waiting in their reconnection window do not count against the per-room socket cap", async () => {
    const many = await registerUser(server.url, "many-tabs");
    const proxy = await cuttableProxy(new URL(server.url));
    try {
      const tabs: MeshRoom[] = [];
      for (let i = 0; i < 8; i++) tabs.push(await connect({ url: proxy.url, token: many.token }).join("lobby", { reconnect: false }));
      proxy.cut();
      await waitFor("all eight dropped", () => tabs.every((t) => t.connectionState === "closed"), 10_000);
      // The participant is offline but still here (eight windows open); a fresh tab is let in.
      const fresh = await many.client.join("lobby");
      await waitFor("online again", () => fresh.participant(many.participant.id)?.status === "online");
      await fresh.leave();
    } finally {
      await proxy.close();
    }
  });

  it("past the window the participant leaves as before", async () => {
    const short = await startTestServerLike();
    {
      const proxy = await cuttableProxy(new URL(short.server.url));
      const a = await connect({ url: proxy.url, token: short.ann.token }).join("lobby", { reconnect: { maxRetries: 4, maxDelay: 500 } });
      const b = await short.bob.client.join("lobby");
      await waitFor("both present", () => b.participant(short.ann.participant.id));
      // No way back: the proxy stops listening, so every reconnection attempt fails.
      proxy.cut();
      await proxy.close();
      await waitFor("Ann offline", () => b.participant(short.ann.participant.id)?.status === "offline", 10_000);
      await waitFor("Ann gone after the 1 s window", () => !b.participant(short.ann.participant.id), 10_000);
      await waitFor("Ann's SDK gave up", () => a.connectionState === "closed", 20_000);
      await b.leave();
    }
  }, 40_000);

  /** A second server with a one-second window (after the first has stopped: one matchmaker per process); afterAll stops it. */
  async function startTestServerLike(): Promise<{ server: TestServer; ann: TestUser; bob: TestUser }> {
    await server.stop();
    const shortServer = await startTestServer({ reconnectS: 1 });
    server = shortServer;
    return { server: shortServer, ann: await registerUser(shortServer.url, "ann2"), bob: await registerUser(shortServer.url, "bob2") };
  }

  it("a server shutting down says 'reconnect' (4010), not the logout code: the SDK tries to come back", async () => {
    const user = await registerUser(server.url, "restarter");
    const room = await user.client.join("lobby", { reconnect: { maxRetries: 1, maxDelay: 200 } });
    const drops: number[] = [];
    room.onDrop((code) => drops.push(code));
    await server.stop();
    await waitFor("a drop the SDK retries", () => drops.length > 0, 10_000);
    expect(drops[0]).toBe(4010);
    await waitFor("given up once the server stays gone", () => room.connectionState === "closed", 20_000);
  });
});
