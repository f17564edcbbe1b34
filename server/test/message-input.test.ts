import { MAX_REACTIONS_PER_MESSAGE } from "@mesh/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer, ticksPass, waitFor } from "./harness.ts";
import { refusal, type Seat, shown, takeSeat } from "./seats.ts";

// Its own file: Colyseus's matchmaker is one per process, so its servers run one after another.
describe("reactions, bad input and text that must survive intact", () => {
  let server: TestServer;
  let owner: Seat;
  let mod: Seat;
  let ann: Seat;
  let ben: Seat;
  let cal: Seat;
  let seats: Seat[];

  beforeAll(async () => {
    server = await startTestServer();
    owner = await takeSeat(server.url, "olga");
    mod = await takeSeat(server.url, "mona", { role: "moderator", by: owner.user });
    ann = await takeSeat(server.url, "ann");
    ben = await takeSeat(server.url, "ben");
    cal = await takeSeat(server.url, "cal");
    seats = [owner, mod, ann, ben, cal];
    await waitFor("everyone sees everyone", () => seats.every((s) => s.room.state.participants.size === seats.length));
  });
  afterAll(async () => {
    await Promise.all(seats.map((s) => s.room.leave().catch(() => undefined)));
    await server.stop();
  });

  const refused = (s: Seat, act: () => void) => refusal(seats, s, act);
  const stored = async (id: string) => (await owner.user.rest.history("lobby", { after: 0, limit: 500 })).find((m) => m.id === id);

  describe("reactions", () => {
    it("one entry per participant and emoji; removing touches only your own", async () => {
      const m = await owner.room.sendAndWait("react to me");
      ann.room.react(m.id, "👍");
      ann.room.react(m.id, "👍");
      ben.room.react(m.id, "👍");
      ben.room.react(m.id, "🎉");
      await waitFor("cal sees three reactions", () => shown(cal, m.id)?.reactions["🎉"]);
      await ticksPass(cal.room, 2);
      expect(shown(cal, m.id)?.reactions).toEqual({ "👍": [ann.user.participant.id, ben.user.participant.id], "🎉": [ben.user.participant.id] });
      const reaction = cal.room.state.messages.find((x) => x.id === m.id)?.reactions.get("👍");
      expect(reaction?.emoji).toBe("👍");

      // Cal never reacted: removing does nothing. Ben removes his own, and only his own.
      cal.room.unreact(m.id, "👍");
      ben.room.unreact(m.id, "👍");
      ben.room.unreact(m.id, "🎉");
      await waitFor("ben's reactions gone", () => !shown(cal, m.id)?.reactions["🎉"]);
      await ticksPass(cal.room, 2);
      expect(shown(cal, m.id)?.reactions).toEqual({ "👍": [ann.user.participant.id] });
      expect((await stored(m.id))?.reactions).toEqual({ "👍": [ann.user.participant.id] });
      expect(seats.map((s) => s.errors.length)).toEqual([0, 0, 0, 0, 0]);
    });

    it("an emoji is one grapheme: ZWJ sequences, flags and skin tones pass; pairs, letters and nothing do not", async () => {
      const m = await owner.room.sendAndWait("which emoji count?");
      for (const emoji of ["👍👍", "ab", "", "👍🎉😀", "a", "1", "e\u0301"]) {
        expect(await refused(ann, () => ann.room.react(m.id, emoji)), JSON.stringify(emoji)).toMatchObject({ code: "bad_input", ref: "add_reaction" });
      }
      const good = ["👩‍👩‍👧", "🇫🇷", "👍🏽", "1️⃣"];
      for (const emoji of good) ann.room.react(m.id, emoji);
      await waitFor("all four shown", () => Object.keys(shown(cal, m.id)?.reactions ?? {}).length === good.length);
      expect(Object.keys(shown(cal, m.id)?.reactions ?? {}).sort()).toEqual([...good].sort());
      expect(Object.keys((await stored(m.id))?.reactions ?? {}).sort()).toEqual([...good].sort());
    });

    it(`at most ${MAX_REACTIONS_PER_MESSAGE} distinct emoji on one message; more people on one of them is fine`, async () => {
      const m = await owner.room.sendAndWait("a popular message");
      const emoji = [..."😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰😗😙🥲😚🙂🤗"];
      expect(emoji).toHaveLength(MAX_REACTIONS_PER_MESSAGE + 1);
      for (const e of emoji.slice(0, MAX_REACTIONS_PER_MESSAGE)) ann.room.react(m.id, e);
      await waitFor("twenty shown", () => Object.keys(shown(cal, m.id)?.reactions ?? {}).length === MAX_REACTIONS_PER_MESSAGE);
      const error = await refused(ben, () => ben.room.react(m.id, emoji[MAX_REACTIONS_PER_MESSAGE]));
      expect(error).toMatchObject({ code: "bad_input", ref: "add_reaction" });
      ben.room.react(m.id, emoji[0]);
      await waitFor("ben joins the first", () => shown(cal, m.id)?.reactions[emoji[0]]?.length === 2);
      const reactions = (await stored(m.id))?.reactions ?? {};
      expect(Object.keys(reactions)).toHaveLength(MAX_REACTIONS_PER_MESSAGE);
      expect(reactions[emoji[MAX_REACTIONS_PER_MESSAGE]]).toBeUndefined();
    });
  });

  describe("bad input to message changes", () => {
    it("each new type answers a malformed payload with bad_input to its sender alone, and stores nothing", async () => {
      const m = await ann.room.sendAndWait("leave me be");
      const threadRoot = await ann.room.sendAndWait("a thread to lock");
      const cases: [string, unknown][] = [
        ["edit_message", { messageId: m.id }],
        ["edit_message", { text: "no id" }],
        ["edit_message", { messageId: 42, text: "number id" }],
        ["edit_message", { messageId: m.id, text: "" }],
        ["edit_message", { messageId: m.id, text: "x".repeat(8001) }],
        ["edit_message", { messageId: m.id, text: "ok", extra: true }],
        ["delete_message", {}],
        ["delete_message", { messageId: "" }],
        ["delete_message", { messageId: ["x"] }],
        ["add_reaction", { messageId: m.id }],
        ["add_reaction", { messageId: m.id, emoji: 128077 }],
        ["remove_reaction", { emoji: "👍" }],
        ["remove_reaction", { messageId: m.id, emoji: null }],
        ["pin_message", { messageId: m.id }],
        ["pin_message", { messageId: m.id, pinned: "yes" }],
        ["lock_thread", { threadId: threadRoot.id }],
        ["lock_thread", { threadId: threadRoot.id, locked: 1 }],
        ["lock_thread", { messageId: threadRoot.id, locked: true }],
        ["send_message", { text: "reply", threadId: 7 }],
        ["send_message", { text: "reply", threadId: "" }],
        ["edit_message", null],
        ["add_reaction", "👍"],
        ["pin_message", [m.id, true]],
      ];
      for (const [type, payload] of cases) {
        // The moderator holds every permission these need: the payload alone is at fault.
        const error = await refused(mod, () => mod.room.sendRaw(type, payload));
        expect(error, `${type} ${JSON.stringify(payload)?.slice(0, 60)}`).toMatchObject({ code: "bad_input", ref: type });
        expect(error.message.length).toBeGreaterThan(0);
      }
      expect(await stored(m.id)).toMatchObject({ text: "leave me be", editedTs: 0, deleted: false, pinned: false, reactions: {} });
      expect(await stored(threadRoot.id)).toMatchObject({ locked: false });
      // The room ticks on and the others are served as before.
      await ticksPass(ben.room, 5);
      const after = await ben.room.sendAndWait("still here");
      expect(after.seq).toBe(threadRoot.seq + 1);
    }, 30_000);

    it("unknown ids and someone else's DM are not_found, without telling whether it exists", async () => {
      const dm = await ann.room.sendDirectAndWait(ben.user.participant.id, "for ben only");
      const unknown = "00000000-0000-0000-0000-000000000000";
      const cases: [string, Record<string, unknown>][] = [
        ["edit_message", { text: "x" }],
        ["delete_message", {}],
        ["add_reaction", { emoji: "👍" }],
        ["remove_reaction", { emoji: "👍" }],
        ["pin_message", { pinned: true }],
      ];
      for (const messageId of [unknown, dm.id]) {
        for (const [type, rest] of cases) {
          // The moderator outranks ann and may pin, yet cannot reach a DM between others.
          const error = await refused(mod, () => mod.room.sendRaw(type, { messageId, ...rest }));
          expect(error, `${type} on ${messageId === dm.id ? "ann's DM" : "nothing"}`).toMatchObject({ code: "not_found", ref: type });
          expect(error.message).not.toContain("for ben only");
        }
        expect(await refused(mod, () => mod.room.lockThread(messageId))).toMatchObject({ code: "not_found", ref: "lock_thread" });
      }
      const page = await ben.user.rest.directHistory("lobby", ann.user.participant.id, { after: 0 });
      expect(page.messages.find((m) => m.id === dm.id)).toMatchObject({ text: "for ben only", editedTs: 0, deleted: false, reactions: {} });
      // Its two participants still can: ben reacts, ann edits.
      ben.room.react(dm.id, "👀");
      ann.room.edit(dm.id, "for ben only (edited)");
      await waitFor("ben's copy changes", () => {
        const mine = ben.room.state.direct.find((m) => m.id === dm.id);
        return mine?.text === "for ben only (edited)" && mine.reactions.get("👀");
      });
      expect(cal.room.state.direct.length).toBe(0);
    });
  });

  describe("text round trips", () => {
    const texts = [
      "👩‍👩‍👧 family, 👍🏽 tone, 🇫🇷 flag",
      "שלום עולם",
      "مرحبا",
      "e\u0301 and \u00e9 differ",
      "mixed: hello שלום مرحبا 👋🏾 e\u0301\u0302",
      "'; DROP TABLE messages; --",
      'NEAR("a" b)',
      '"unbalanced',
      "a* OR b",
    ];

    it("sent, edited and read back exactly, over realtime and REST", async () => {
      for (const text of texts) {
        const sent = await ann.room.sendAndWait(text);
        await waitFor("cal sees it", () => shown(cal, sent.id));
        expect(shown(cal, sent.id)?.text).toBe(text);
        expect((await stored(sent.id))?.text).toBe(text);
        const viaRest = await ben.user.rest.postMessage("lobby", { text: `${text} (rest)` });
        expect(viaRest.text).toBe(`${text} (rest)`);
        ann.room.edit(sent.id, `edited: ${text}`);
        await waitFor("cal sees the edit", () => shown(cal, sent.id)?.text === `edited: ${text}`);
        expect((await stored(sent.id))?.text).toBe(`edited: ${text}`);
      }
      // Nothing was normalised: the combining accent stays two code points.
      const combining = (await owner.user.rest.history("lobby", { limit: 50 })).find((m) => m.text === "edited: e\u0301 and \u00e9 differ");
      expect(combining ? [...combining.text.slice(8, 10)] : []).toEqual(["e", "\u0301"]);
      // The table is still there, and searching finds SQL and FTS syntax as plain text.
      for (const [q, text] of [
        ["DROP TABLE messages;", "'; DROP TABLE messages; --"],
        ['"unbalanced', '"unbalanced'],
        ['NEAR("a"', 'NEAR("a" b)'],
      ]) {
        const results = await owner.user.rest.search(q, { room: "lobby" });
        expect(results.map((r) => r.message.text), q).toContain(`${text} (rest)`);
      }
    }, 30_000);
  });
});
