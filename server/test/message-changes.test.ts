import { MESSAGE_WINDOW_BYTES, type MessageData } from "@mesh/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { restRefusal, startTestServer, type TestServer, ticksPass, waitFor } from "./harness.ts";
import { refusal, type Seat, shown, takeSeat } from "./seats.ts";

// Its own file: Colyseus's matchmaker is one per process, so its servers run one after another.
describe("threads, edits, deletes and pins", () => {
  let server: TestServer;
  let owner: Seat;
  let admin: Seat;
  let mod: Seat;
  let ann: Seat;
  let ben: Seat;
  let seats: Seat[];

  beforeAll(async () => {
    server = await startTestServer();
    owner = await takeSeat(server.url, "olga");
    admin = await takeSeat(server.url, "adam", { role: "admin", by: owner.user });
    mod = await takeSeat(server.url, "mona", { role: "moderator", by: owner.user });
    ann = await takeSeat(server.url, "ann");
    ben = await takeSeat(server.url, "ben");
    seats = [owner, admin, mod, ann, ben];
    await waitFor("everyone sees everyone", () => seats.every((s) => s.room.state.participants.size === seats.length));
  });
  afterAll(async () => {
    await Promise.all(seats.map((s) => s.room.leave().catch(() => undefined)));
    await server.stop();
  });

  const refused = (s: Seat, act: () => void) => refusal(seats, s, act);
  const history = async (query: { threadId?: string } = {}) => owner.user.rest.history("lobby", { after: 0, limit: 500, ...query });

  describe("threads", () => {
    it("a reply names a root message of this room; anything else is not_found to the sender and stores nothing", async () => {
      const root = await ann.room.sendAndWait("root of a thread");
      const reply = await ben.room.sendAndWait("first reply", { threadId: root.id });
      expect(reply.threadId).toBe(root.id);
      await waitFor("ann sees the reply in its thread", () => shown(ann, reply.id)?.threadId === root.id);

      await owner.user.rest.request("POST", "/api/rooms", { id: "annex", name: "Annex" });
      const elsewhere = await owner.user.rest.postMessage("annex", { text: "a root in another room" });
      const dm = await ann.room.sendDirectAndWait(ben.user.participant.id, "a private word");
      const bad: [string, string][] = [
        [reply.id, "reply to a reply"],
        ["no-such-message", "reply to nothing"],
        [elsewhere.id, "reply across rooms"],
        [dm.id, "reply to a DM"],
      ];
      for (const [threadId, text] of bad) {
        const error = await refused(ben, () => ben.room.sendRaw("send_message", { text, threadId, nonce: `bad-${text}` }));
        expect(error, text).toMatchObject({ code: "not_found", ref: `send_message:bad-${text}` });
      }
      const stored = (await history()).map((m) => m.text);
      for (const [, text] of bad) expect(stored).not.toContain(text);
      expect(await owner.user.rest.history("annex", { after: 0 })).toHaveLength(1);
    });

    it("thread history and the thread list show the replies, their count and the latest reply's time", async () => {
      const root = await ann.room.sendAndWait("what shall we eat?");
      await ann.room.sendAndWait("not in the thread");
      const replies = [
        await ben.room.sendAndWait("soup", { threadId: root.id }),
        await mod.room.sendAndWait("bread", { threadId: root.id }),
        await ben.user.rest.postMessage("lobby", { text: "cheese, over REST", threadId: root.id }),
      ];
      const thread = await history({ threadId: root.id });
      expect(thread.map((m) => [m.text, m.threadId])).toEqual(replies.map((m) => [m.text, root.id]));
      const listing = (await ann.user.rest.threads("lobby")).find((t) => t.root.id === root.id);
      expect(listing).toMatchObject({ root: { text: "what shall we eat?" }, replyCount: 3, lastReplyTs: replies[2].ts });
    });

    it("a locked thread refuses replies over both paths until it is unlocked; only lock_threads may lock", async () => {
      const root = await ann.room.sendAndWait("a heated topic");
      await ben.room.sendAndWait("opinion one", { threadId: root.id });

      // Members lack lock_threads (SPEC §5), even on a thread they started.
      expect(await refused(ann, () => ann.room.lockThread(root.id))).toMatchObject({ code: "forbidden", ref: "lock_thread" });
      await ticksPass(ben.room, 2);
      expect(shown(ben, root.id)?.locked).toBe(false);

      mod.room.lockThread(root.id);
      await waitFor("ben sees the lock", () => shown(ben, root.id)?.locked);
      const realtime = await refused(ben, () => ben.room.sendRaw("send_message", { text: "opinion two", threadId: root.id, nonce: "locked-1" }));
      expect(realtime).toMatchObject({ code: "forbidden", ref: "send_message:locked-1" });
      const overRest = await restRefusal(ben.user.rest.postMessage("lobby", { text: "opinion two, by REST", threadId: root.id }));
      expect(overRest).toMatchObject({ status: 403, code: "forbidden" });
      // The room itself still takes messages; a reply in the locked thread is not one of them.
      await ben.room.sendAndWait("outside the thread is fine");
      expect((await history({ threadId: root.id })).map((m) => m.text)).toEqual(["opinion one"]);

      // A lock belongs on the root: a reply cannot be locked on its own.
      const reply = (await history({ threadId: root.id }))[0];
      expect(await refused(mod, () => mod.room.lockThread(reply.id))).toMatchObject({ code: "bad_input", ref: "lock_thread" });

      admin.room.lockThread(root.id, false);
      await waitFor("ben sees it unlocked", () => shown(ben, root.id)?.locked === false);
      await ben.room.sendAndWait("opinion two, at last", { threadId: root.id });
      await ben.user.rest.postMessage("lobby", { text: "and three, by REST", threadId: root.id });
      expect((await history({ threadId: root.id })).map((m) => m.text)).toEqual(["opinion one", "opinion two, at last", "and three, by REST"]);
    });
  });

  describe("edits and deletes", () => {
    it("an author edits and deletes their own; the change shows in state and history, the seq stays", async () => {
      const original = await ann.room.sendAndWait("I wrote this");
      ann.room.edit(original.id, "I wrote this (edited)");
      const edited = await waitFor("ben sees the edit", () => shown(ben, original.id)?.text === "I wrote this (edited)" && shown(ben, original.id));
      expect(edited.editedTs).toBeGreaterThanOrEqual(original.ts);
      expect(edited.seq).toBe(original.seq);

      ben.room.react(original.id, "👍");
      await waitFor("reaction shows", () => shown(ann, original.id)?.reactions["👍"]);
      ann.room.delete(original.id);
      const gone = await waitFor("ben sees the delete", () => shown(ben, original.id)?.deleted && shown(ben, original.id));
      expect(gone).toMatchObject({ seq: original.seq, text: "", deleted: true, reactions: {} });
      const stored = (await history()).find((m) => m.id === original.id);
      expect(stored).toMatchObject({ seq: original.seq, text: "", deleted: true });

      // Gone for good: it cannot be edited, reacted to or deleted again.
      expect(await refused(ann, () => ann.room.edit(original.id, "undo?"))).toMatchObject({ code: "not_found", ref: "edit_message" });
      expect(await refused(ben, () => ben.room.react(original.id, "🎉"))).toMatchObject({ code: "not_found", ref: "add_reaction" });
      expect(await refused(ann, () => ann.room.delete(original.id))).toMatchObject({ code: "not_found", ref: "delete_message" });
      expect(shown(ben, original.id)).toMatchObject({ text: "", deleted: true, reactions: {} });
    });

    it("someone else's message only with manage_messages over a lower role", async () => {
      const annSays = await ann.room.sendAndWait("a member's message");
      const adminSays = await admin.room.sendAndWait("an admin's message");

      // A member may not touch another member's message.
      expect(await refused(ben, () => ben.room.edit(annSays.id, "ben was here"))).toMatchObject({ code: "forbidden", ref: "edit_message" });
      expect(await refused(ben, () => ben.room.delete(annSays.id))).toMatchObject({ code: "forbidden", ref: "delete_message" });
      // A moderator may not delete an admin's.
      expect(await refused(mod, () => mod.room.delete(adminSays.id))).toMatchObject({ code: "forbidden", ref: "delete_message" });
      expect(shown(ann, annSays.id)).toMatchObject({ text: "a member's message", deleted: false, editedTs: 0 });
      expect(shown(ann, adminSays.id)).toMatchObject({ text: "an admin's message", deleted: false });

      // A moderator may delete a member's; the owner may delete an admin's.
      mod.room.delete(annSays.id);
      owner.room.delete(adminSays.id);
      await waitFor("both deleted for ann", () => shown(ann, annSays.id)?.deleted && shown(ann, adminSays.id)?.deleted);
      const stored = (await history()).filter((m) => m.id === annSays.id || m.id === adminSays.id);
      expect(stored.map((m) => [m.text, m.deleted])).toEqual([
        ["", true],
        ["", true],
      ]);
    });

    it("a change to a message that left the 100-message window still reaches everyone", async () => {
      const old = await ann.room.sendAndWait("soon scrolled away");
      const doomed = await ann.room.sendAndWait("soon scrolled away, then deleted");
      // A burst from two senders: 112 messages push both out of the synced window.
      for (let i = 0; i < 56; i++) {
        owner.room.send(`filler o${i}`);
        admin.room.send(`filler a${i}`);
      }
      await waitFor("both out of ben's window", () => ben.room.state.messages.length === 100 && !shown(ben, doomed.id), 10_000);
      await waitFor("all fillers delivered", () => ben.room.lastSeq >= doomed.seq + 112, 10_000);

      const updates: MessageData[] = [];
      ben.room.onUpdate((m) => updates.push(m));
      ann.room.edit(old.id, "edited long after");
      mod.room.delete(doomed.id);
      await waitFor("ben hears of both changes", () => updates.length >= 2);
      expect(updates.find((m) => m.id === old.id)).toMatchObject({ seq: old.seq, text: "edited long after", deleted: false });
      expect(updates.find((m) => m.id === doomed.id)).toMatchObject({ seq: doomed.seq, text: "", deleted: true });
      expect(updates.find((m) => m.id === old.id)?.editedTs).toBeGreaterThan(0);

      const stored = await owner.user.rest.history("lobby", { after: old.seq - 1, limit: 2 });
      expect(stored.map((m) => [m.id, m.text, m.deleted])).toEqual([
        [old.id, "edited long after", false],
        [doomed.id, "", true],
      ]);
    }, 30_000);

    it("edits that lengthen messages keep the synced window within its byte cap", async () => {
      // 8,000 four-byte characters: 32 KB each, so five of them overflow the 128 KiB window.
      const long = "𝄞".repeat(8000);
      const sent: MessageData[] = [];
      for (let i = 0; i < 5; i++) sent.push(await ann.room.sendAndWait(`short ${i}`));
      for (const m of sent) ann.room.edit(m.id, long);
      await waitFor("the last edit shows", () => shown(ben, sent[4].id)?.text === long);
      await ticksPass(ben.room, 2);
      const bytes = (s: Seat) => s.room.state.messages.reduce((n, m) => n + Buffer.byteLength(m.text), 0);
      expect(bytes(ben)).toBeLessThanOrEqual(MESSAGE_WINDOW_BYTES);
      expect(ben.room.state.messages.at(-1)?.id).toBe(sent[4].id);
      // What a newcomer receives at join is bounded too; history keeps every edit.
      const late = await takeSeat(server.url, "late");
      seats.push(late);
      await late.room.ready();
      expect(bytes(late)).toBeLessThanOrEqual(MESSAGE_WINDOW_BYTES);
      const stored = await owner.user.rest.history("lobby", { after: sent[0].seq - 1, limit: 5 });
      expect(stored.map((m) => m.text === long)).toEqual([true, true, true, true, true]);
    });
  });

  describe("pins", () => {
    it("pin_messages pins and unpins; the pins list and the state follow; members may not", async () => {
      const notice = await ann.room.sendAndWait("meeting at noon");
      expect(await refused(ann, () => ann.room.pin(notice.id))).toMatchObject({ code: "forbidden", ref: "pin_message" });
      expect(await refused(ben, () => ben.room.pin(notice.id))).toMatchObject({ code: "forbidden", ref: "pin_message" });
      expect(shown(ben, notice.id)?.pinned).toBe(false);
      expect((await ben.user.rest.pins("lobby")).map((m) => m.id)).not.toContain(notice.id);

      mod.room.pin(notice.id);
      await waitFor("ben sees it pinned", () => shown(ben, notice.id)?.pinned);
      expect((await ben.user.rest.pins("lobby")).map((m) => [m.id, m.text, m.pinned])).toEqual([[notice.id, "meeting at noon", true]]);

      mod.room.pin(notice.id, false);
      await waitFor("ben sees it unpinned", () => shown(ben, notice.id)?.pinned === false);
      expect(await ben.user.rest.pins("lobby")).toEqual([]);

      // A deleted message leaves the pins, and cannot be pinned again.
      admin.room.pin(notice.id);
      await waitFor("pinned again", () => shown(ben, notice.id)?.pinned);
      ann.room.delete(notice.id);
      await waitFor("deleted", () => shown(ben, notice.id)?.deleted);
      expect(shown(ben, notice.id)?.pinned).toBe(false);
      expect(await ben.user.rest.pins("lobby")).toEqual([]);
      expect(await refused(mod, () => mod.room.pin(notice.id))).toMatchObject({ code: "not_found", ref: "pin_message" });
    });

    it("a direct message cannot be pinned, not even by its own moderator author", async () => {
      const dm = await mod.room.sendDirectAndWait(ann.user.participant.id, "between us");
      expect(await refused(mod, () => mod.room.pin(dm.id))).toMatchObject({ code: "bad_input", ref: "pin_message" });
      await waitFor("ann holds the DM", () => ann.room.state.direct.some((m) => m.id === dm.id));
      expect(ann.room.state.direct.find((m) => m.id === dm.id)?.pinned).toBe(false);
      expect(await owner.user.rest.pins("lobby")).toEqual([]);
    });
  });
});
