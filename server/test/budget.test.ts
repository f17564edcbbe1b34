import { Client, type Room } from "@colyseus/sdk";
import { HISTORY_PAGE_BYTES, MAX_SOCKETS_PER_PARTICIPANT, MESSAGE_WINDOW_BYTES, ROOM_TYPE } from "@mesh/schema";
import { describe, expect, it } from "vitest";
import { registerUser, startTestServer, ticksPass } from "./harness.ts";

const RATE = 10;
const BURST = 20;

// Its own file: Colyseus's matchmaker is one per process, so its servers run one after another.
describe("every frame spends from its sender's budget", () => {
  it(`a flood of unknown types from ${MAX_SOCKETS_PER_PARTICIPANT} sockets draws replies within the budget, not one per frame`, async () => {
    const server = await startTestServer({ ratePerS: RATE, rateBurst: BURST });
    try {
      const flooder = await registerUser(server.url, "flooder");
      const calm = await registerUser(server.url, "bystander");
      const watcher = await calm.client.join("lobby");
      const sockets: Room[] = [];
      let replies = 0;
      for (let i = 0; i < MAX_SOCKETS_PER_PARTICIPANT; i++) {
        const room = await new Client(server.url).joinOrCreate(ROOM_TYPE, { room: "lobby", token: flooder.token });
        room.reconnection.enabled = false;
        room.onMessage("error", () => replies++);
        sockets.push(room);
      }
      const started = Date.now();
      let sent = 0;
      // 8 sockets × 40 frames every 50 ms, 40 times: 12,800 frames, well under the hard cutoff per socket.
      for (let round = 0; round < 40; round++) {
        for (const room of sockets) for (let k = 0; k < 40; k++, sent++) room.send(`no_such_type_${k}`, { k });
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const seconds = (Date.now() - started) / 1000 + 1;
      await ticksPass(watcher, 10);
      // The burst, the refill over the flood, and one rate_limited a second.
      const bound = BURST + RATE * seconds + seconds;
      expect(sent).toBe(12_800);
      expect(replies).toBeGreaterThan(0);
      expect(replies).toBeLessThanOrEqual(bound);
      // The bystander was never slowed, and the room kept ticking.
      const said = await watcher.sendAndWait("still here");
      expect(said.text).toBe("still here");
      for (const room of sockets) await room.leave();
      await watcher.leave();
    } finally {
      await server.stop();
    }
  }, 30_000);
});

describe("the state a join receives is bounded in bytes", () => {
  it(`keeps the message window under ${MESSAGE_WINDOW_BYTES / 1024} KiB of text however long the messages`, async () => {
    const server = await startTestServer({ ratePerS: 1000, rateBurst: 1000 });
    try {
      const author = await registerUser(server.url, "novelist");
      const long = "€".repeat(8000); // 24,000 bytes of UTF-8, at the character limit
      for (let i = 0; i < 20; i++) await author.rest.postMessage("lobby", { text: `${i}${long}`.slice(0, 8000) });
      const reader = await registerUser(server.url, "reader");
      const room = await reader.client.join("lobby");
      const texts = [...room.state.messages].map((m) => m.text);
      const bytes = texts.reduce((sum, t) => sum + Buffer.byteLength(t), 0);
      expect(bytes).toBeLessThanOrEqual(MESSAGE_WINDOW_BYTES);
      expect(texts.length).toBeGreaterThan(1);
      expect(texts.length).toBeLessThan(20);
      // The newest are the ones kept, in order; the rest are in REST history.
      const seqs = [...room.state.messages].map((m) => m.seq);
      expect(seqs.at(-1)).toBe(20);
      expect(seqs).toEqual(seqs.map((_, i) => 21 - seqs.length + i));
      // History pages are bounded the same way, and say there is more.
      const page = await reader.rest.request<{ messages: { seq: number; text: string }[]; hasMore: boolean }>(
        "GET",
        "/api/rooms/lobby/messages?after=0&limit=100",
      );
      expect(page.messages.reduce((sum, m) => sum + Buffer.byteLength(m.text), 0)).toBeLessThanOrEqual(HISTORY_PAGE_BYTES);
      expect(page.messages[0].seq).toBe(1);
      expect(page.messages.length).toBeLessThan(20);
      expect(page.hasMore).toBe(true);
      const rest = await reader.rest.history("lobby", { after: page.messages.at(-1)?.seq, limit: 100 });
      expect(rest[0].seq).toBe(page.messages.length + 1);
      // A live burst is trimmed the same way.
      for (let i = 0; i < 10; i++) void author.rest.postMessage("lobby", { text: long });
      await ticksPass(room, 10);
      const after = [...room.state.messages].reduce((sum, m) => sum + Buffer.byteLength(m.text), 0);
      expect(after).toBeLessThanOrEqual(MESSAGE_WINDOW_BYTES);
      await room.leave();
    } finally {
      await server.stop();
    }
  }, 30_000);
});

describe("history pages say whether there is more, both ways", () => {
  it("a full forward page from the start says there is more; the last one says there is not", async () => {
    const server = await startTestServer({ ratePerS: 1000, rateBurst: 1000 });
    try {
      const author = await registerUser(server.url, "counter");
      for (let i = 1; i <= 25; i++) await author.rest.postMessage("lobby", { text: `n${i}` });
      type Page = { messages: { seq: number }[]; hasMore: boolean };
      const page = (query: string) => author.rest.request<Page>("GET", `/api/rooms/lobby/messages?${query}`);
      const seen: number[] = [];
      let after = 0;
      for (;;) {
        const next = await page(`after=${after}&limit=10`);
        seen.push(...next.messages.map((m) => m.seq));
        if (!next.hasMore) break;
        after = next.messages.at(-1)?.seq ?? after;
      }
      expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
      expect((await page("after=0&limit=1")).hasMore).toBe(true);
      expect((await page("before=11&limit=10")).hasMore).toBe(false); // 1..10: nothing below
      expect((await page("before=12&limit=10")).hasMore).toBe(true);
    } finally {
      await server.stop();
    }
  });
});

describe("history reads are metered", () => {
  it("a reader hammering history gets 429 with Retry-After, and others read on", async () => {
    const server = await startTestServer();
    try {
      const reader = await registerUser(server.url, "hammer");
      const answers = await Promise.all(
        Array.from({ length: 200 }, () =>
          fetch(`${server.url}/api/rooms/lobby/messages?limit=10`, { headers: { authorization: `Bearer ${reader.token}` } }),
        ),
      );
      const statuses = answers.map((res) => res.status);
      const limited = answers.filter((res) => res.status === 429);
      expect(limited.length).toBeGreaterThan(0);
      expect(Number(limited[0].headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
      const other = await registerUser(server.url, "browser");
      expect(await other.rest.history("lobby")).toEqual([]);
    } finally {
      await server.stop();
    }
  });
});
