import type { MeshRoom, SearchResult } from "@mesh/bots";
import { KeyedRateLimiter } from "../src/limits.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerUser, restRefusal, searchUntil, startTestServer, type TestServer, type TestUser, waitFor } from "./harness.ts";

/** GET /api/search as it comes off the wire: the status and the parsed body, whatever they are. */
async function searchRaw(server: TestServer, user: TestUser, query: Record<string, string>): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${server.url}/api/search?${new URLSearchParams(query)}`, {
    headers: { authorization: `Bearer ${user.token}` },
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const texts = (results: SearchResult[]) => results.map((r) => r.message.text);

// Its own file: Colyseus's matchmaker is one per process, so its servers run one after another.
describe("search finds what the caller may read, ranked and paged, whatever the query holds", () => {
  let server: TestServer;
  let owner: TestUser;
  let ann: TestUser;
  let ben: TestUser;
  let eve: TestUser;
  let annRoom: MeshRoom;
  let benRoom: MeshRoom;

  beforeAll(async () => {
    server = await startTestServer();
    // These tests search far faster than a person would; the reads allowance has tests of its own.
    server.services.limits.reads = new KeyedRateLimiter(1000, 10_000);
    owner = await registerUser(server.url, "searchowner");
    ann = await registerUser(server.url, "searchann");
    ben = await registerUser(server.url, "searchben");
    eve = await registerUser(server.url, "searcheve");
    annRoom = await ann.client.join("lobby");
    benRoom = await ben.client.join("lobby");
  });
  afterAll(async () => {
    await annRoom.leave().catch(() => undefined);
    await benRoom.leave().catch(() => undefined);
    await server.stop();
  });

  it("ranks the better match first and pages through every hit once", async () => {
    const loose = await ann.rest.postMessage("lobby", {
      text: "somewhere in this long and rambling sentence about the weather there is one zebra hiding among words",
    });
    const close = await ann.rest.postMessage("lobby", { text: "zebra zebra zebra" });
    const results = await searchUntil(eve.rest, "zebra", 2);
    expect(texts(results)).toEqual([close.text, loose.text]);
    expect(results[0].rank).toBeLessThan(results[1].rank); // lower is better

    const sent = new Set<string>();
    for (let i = 1; i <= 7; i++) sent.add((await ann.rest.postMessage("lobby", { text: `pagingword number ${i}` })).id);
    await searchUntil(eve.rest, "pagingword", 7, { limit: 100 });
    const pages = [
      await eve.rest.search("pagingword", { limit: 3, offset: 0 }),
      await eve.rest.search("pagingword", { limit: 3, offset: 3 }),
      await eve.rest.search("pagingword", { limit: 3, offset: 6 }),
      await eve.rest.search("pagingword", { limit: 3, offset: 9 }),
    ];
    expect(pages.map((page) => page.length)).toEqual([3, 3, 1, 0]);
    const seen = pages.flat().map((r) => r.message.id);
    expect(new Set(seen).size).toBe(7);
    expect(new Set(seen)).toEqual(sent);
    const ranks = pages.flat().map((r) => r.rank);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    // `room` narrows to one room.
    await owner.rest.request("POST", "/api/rooms", { id: "elsewhere", name: "Elsewhere" });
    expect(await eve.rest.search("pagingword", { room: "elsewhere" })).toEqual([]);
    expect(await eve.rest.search("pagingword", { room: "lobby", limit: 100 })).toHaveLength(7);
  });

  it("never shows a private room one is not invited to, nor a room one is banned from", async () => {
    await ann.rest.request("POST", "/api/rooms", { id: "hush", name: "Hush", private: true });
    await ann.rest.postMessage("hush", { text: "hiddenword behind closed doors" });
    await owner.rest.request("POST", "/api/rooms", { id: "barred", name: "Barred" });
    await ben.rest.postMessage("barred", { text: "barredword for the well behaved" });
    await owner.rest.ban("barred", eve.participant.id, 600);

    expect(texts(await searchUntil(ann.rest, "hiddenword", 1))).toEqual(["hiddenword behind closed doors"]);
    expect(await ben.rest.search("hiddenword")).toEqual([]);
    expect(await restRefusal(ben.rest.search("hiddenword", { room: "hush" }))).toMatchObject({ status: 404, code: "not_found" });
    // Someone who manages rooms sees private ones too.
    expect(texts(await owner.rest.search("hiddenword"))).toEqual(["hiddenword behind closed doors"]);

    expect(texts(await searchUntil(ben.rest, "barredword", 1))).toEqual(["barredword for the well behaved"]);
    expect(await eve.rest.search("barredword")).toEqual([]);
    expect(await restRefusal(eve.rest.search("barredword", { room: "barred" }))).toMatchObject({ status: 403, code: "forbidden" });

    // Invited: found. Ban lifted: found.
    await ann.rest.invite("hush", ben.participant.id);
    expect(texts(await ben.rest.search("hiddenword"))).toEqual(["hiddenword behind closed doors"]);
    await owner.rest.unban("barred", eve.participant.id);
    expect(texts(await eve.rest.search("barredword"))).toEqual(["barredword for the well behaved"]);
  });

  it("finds one's own DMs, sent or received, and never other people's", async () => {
    await waitFor("ben present", () => annRoom.participant(ben.participant.id));
    const dm = await ann.rest.postMessage("lobby", { text: "dmword between the two of us", to: ben.participant.id });
    const reply = await ben.rest.postMessage("lobby", { text: "dmword answered in private", to: ann.participant.id });
    const both = [dm.id, reply.id].sort();
    expect((await searchUntil(ann.rest, "dmword", 2)).map((r) => r.message.id).sort()).toEqual(both);
    expect((await ben.rest.search("dmword")).map((r) => r.message.id).sort()).toEqual(both);
    expect((await ann.rest.search("dmword", { room: "lobby" })).map((r) => r.message.id).sort()).toEqual(both);
    expect(await eve.rest.search("dmword")).toEqual([]);
    expect(await eve.rest.search("dmword", { room: "lobby" })).toEqual([]);
    // Not even the owner reads other people's DMs through search.
    expect(await owner.rest.search("dmword")).toEqual([]);
  });

  it("a deleted message is no longer found, an edited one only by its new text", async () => {
    const doomed = await annRoom.sendAndWait("vanishword soon to be gone");
    const changed = await annRoom.sendAndWait("oldwording before the edit");
    expect(texts(await searchUntil(eve.rest, "vanishword", 1))).toEqual([doomed.text]);
    expect(texts(await searchUntil(eve.rest, "oldwording", 1))).toEqual([changed.text]);

    annRoom.sendRaw("delete_message", { messageId: doomed.id });
    annRoom.sendRaw("edit_message", { messageId: changed.id, text: "newwording after the edit" });
    await waitFor("both stored", () => {
      const gone = server.services.db.messages.get(doomed.id);
      const edited = server.services.db.messages.get(changed.id);
      return gone?.deleted && edited?.editedTs;
    });
    const found = await searchUntil(eve.rest, "newwording", 1);
    expect(await eve.rest.search("vanishword")).toEqual([]);
    expect(await eve.rest.search("oldwording")).toEqual([]);
    expect(found.map((r) => [r.message.id, r.message.text])).toEqual([[changed.id, "newwording after the edit"]]);
    expect(found[0].message.editedTs).toBeGreaterThan(0);
  });

  it("FTS5 syntax in a query is either refused as bad_input or searched as plain text, never a 500", async () => {
    await ann.rest.postMessage("lobby", { text: "giraffe crossing the savanna" });
    await searchUntil(eve.rest, "giraffe", 1);
    const queries = [
      '"',
      "*",
      '"zebra',
      'zebra"',
      '"zebra" "',
      "zebra*",
      "NEAR(a b)",
      "NEAR(zebra giraffe)",
      "NEAR(zebra giraffe, 5)",
      "a OR b",
      "zebra OR giraffe",
      "zebra AND",
      "AND zebra",
      "zebra NOT giraffe",
      "(zebra",
      "zebra)",
      "col:x",
      "text:zebra",
      "{text}: zebra",
      "^x",
      "^zebra",
      "-x",
      "-zebra",
      "+zebra",
      "zebra -giraffe",
      "\u0000zebra",
      "zeb\u0000ra",
      "''''",
      "\\\\\\",
    ];
    for (const q of queries) {
      const { status, body } = await searchRaw(server, eve, { q });
      expect([200, 400], `status for ${JSON.stringify(q)}`).toContain(status);
      if (status === 400) expect(body, `error for ${JSON.stringify(q)}`).toMatchObject({ error: { code: "bad_input" } });
      else expect(body, `body for ${JSON.stringify(q)}`).toMatchObject({ results: expect.any(Array) });
    }
    // Literal, not FTS5: an OR that FTS5 would honour finds nothing, since no message holds both words.
    expect(await eve.rest.search("zebra OR giraffe")).toEqual([]);
    expect(await eve.rest.search("NEAR(zebra giraffe)")).toEqual([]);
    expect(await eve.rest.search("zebra*")).toEqual([]);
    expect(await eve.rest.search("text:zebra")).toEqual([]);
    // The words themselves are still found as words.
    expect(texts(await eve.rest.search("giraffe"))).toEqual(["giraffe crossing the savanna"]);
  });

  it("finds stored text that looks like query syntax or SQL by searching for it", async () => {
    const near = await ann.rest.postMessage("lobby", { text: 'a message with NEAR("x" in it' });
    const sql = await ann.rest.postMessage("lobby", { text: "'; DROP TABLE messages; --" });
    const quoted = await ann.rest.postMessage("lobby", { text: 'she said "quoted*stuff" OR else' });
    expect((await searchUntil(eve.rest, 'NEAR("x"', 1)).map((r) => r.message.id)).toEqual([near.id]);
    expect((await searchUntil(eve.rest, "'; DROP TABLE messages; --", 1)).map((r) => r.message.id)).toEqual([sql.id]);
    expect((await searchUntil(eve.rest, '"quoted*stuff"', 1)).map((r) => r.message.id)).toEqual([quoted.id]);
    // The table is still there and still answering.
    expect((await eve.rest.history("lobby", { limit: 500 })).some((m) => m.id === sql.id)).toBe(true);
    expect(texts(await eve.rest.search("giraffe"))).toEqual(["giraffe crossing the savanna"]);
  });

  it("finds unicode text and gives it back exactly as it was sent", async () => {
    const samples = [
      { text: "the 👩‍👩‍👧 went out", q: "👩‍👩‍👧" },
      { text: "שלום עולם", q: "שלום" },
      { text: "مرحبا بالعالم", q: "بالعالم" },
      { text: "un cafe\u0301 au lait", q: "cafe\u0301" },
    ];
    for (const { text } of samples) await ann.rest.postMessage("lobby", { text });
    for (const { text, q } of samples) {
      const results = await searchUntil(eve.rest, q, 1);
      expect(texts(results), `search for ${JSON.stringify(q)}`).toEqual([text]);
    }
    // The whole text as the query finds it too.
    expect(texts(await eve.rest.search("שלום עולם"))).toEqual(["שלום עולם"]);
  });

  it("refuses terms too short to search and queries past 500 characters, saying why", async () => {
    for (const q of ["ab", "ab cd", "a OR b", "   ", "👍"]) {
      const refused = await restRefusal(eve.rest.search(q));
      expect(refused, `refusal for ${JSON.stringify(q)}`).toMatchObject({ status: 400, code: "bad_input" });
      expect(refused.message).toMatch(/3 characters/);
    }
    expect(await restRefusal(eve.rest.search(""))).toMatchObject({ status: 400, code: "bad_input" });
    expect(await restRefusal(eve.rest.search("z".repeat(501)))).toMatchObject({ status: 400, code: "bad_input" });
    expect(await eve.rest.search("z".repeat(500))).toEqual([]);
    expect(await restRefusal(eve.rest.search("zebra", { limit: 0 }))).toMatchObject({ status: 400, code: "bad_input" });
    expect(await restRefusal(eve.rest.search("zebra", { limit: 101 }))).toMatchObject({ status: 400, code: "bad_input" });
    expect(await restRefusal(eve.rest.search("zebra", { offset: -1 }))).toMatchObject({ status: 400, code: "bad_input" });
  });
});
