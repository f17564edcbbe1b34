import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { connect, MeshJoinError, type MeshRest, type MeshRoom } from "@mesh/bots";
import { JoinErrorCode, type MessageData } from "@mesh/schema";
import { afterAll, describe, expect, it, onTestFinished } from "vitest";
import { killProcess, runServerProcess } from "./child-server.ts";
import { registerUser, restRefusal, searchUntil, type TestUser } from "./harness.ts";

/** Poll an async read until it gives something truthy: the server stored what was sent. */
async function stored<T>(what: string, read: () => Promise<T | undefined | false>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what} was stored`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Every file under `dir`, however deep. */
function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [full];
  });
}

/** The files under `dir` whose raw bytes hold `text` (UTF-8). */
function filesHolding(dir: string, text: string): string[] {
  const needle = Buffer.from(text, "utf8");
  return filesUnder(dir)
    .filter((file) => fs.readFileSync(file).includes(needle))
    .map((file) => path.relative(dir, file));
}

const byId = (messages: MessageData[], id: string) => messages.find((m) => m.id === id);

describe("a conversation survives kill -9 of the server", () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-kill-"));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it("threads, locks, DMs, edits, deletions, reactions, pins, read markers, uploads, invites and bans", { timeout: 90_000 }, async () => {
    const first = runServerProcess({ MESH_DATA_DIR: dataDir });
    onTestFinished(() => killProcess(first));
    const url = await first.ready;
    const run = randomBytes(6).toString("hex");
    const deletedMarker = `MARKER-DELETED-${run}`;
    const keptMarker = `MARKER-KEPT-${run}`;

    const owner = await registerUser(url, "keeper");
    const ann = await registerUser(url, "annika");
    const ben = await registerUser(url, "bengt");
    const eve = await registerUser(url, "evert");
    const ownerRoom = await owner.client.join("lobby");
    const annRoom = await ann.client.join("lobby");
    const benRoom = await ben.client.join("lobby");
    const eveRoom = await eve.client.join("lobby");
    const rooms: MeshRoom[] = [ownerRoom, annRoom, benRoom, eveRoom];
    onTestFinished(async () => {
      for (const room of rooms) await room.leave().catch(() => undefined);
    });

    // A thread with two replies, then locked.
    const root = await ownerRoom.sendAndWait("thread root about the harvest");
    const reply1 = await annRoom.sendAndWait("first reply in the thread", { threadId: root.id });
    const reply2 = await benRoom.sendAndWait("second reply in the thread", { threadId: root.id });
    ownerRoom.sendRaw("lock_thread", { threadId: root.id, locked: true });
    await stored("the lock", async () => (await owner.rest.threads("lobby")).find((t) => t.root.id === root.id && t.root.locked));

    // DMs both ways.
    const dm1 = await ann.rest.postMessage("lobby", { text: `dmsecret from annika ${run}`, to: ben.participant.id });
    const dm2 = await ben.rest.postMessage("lobby", { text: `dmsecret from bengt ${run}`, to: ann.participant.id });

    // An edit, a deletion, and a message that stays.
    const edited = await annRoom.sendAndWait("draftword before the edit");
    annRoom.sendRaw("edit_message", { messageId: edited.id, text: "finalword after the edit" });
    const deleted = await annRoom.sendAndWait(`please forget ${deletedMarker}`);
    const kept = await annRoom.sendAndWait(`please keep ${keptMarker}`);
    annRoom.sendRaw("delete_message", { messageId: deleted.id });
    await stored("the edit and the deletion", async () => {
      const history = await owner.rest.history("lobby", { limit: 500 });
      return byId(history, edited.id)?.text === "finalword after the edit" && byId(history, deleted.id)?.deleted;
    });

    // Reactions and a pin.
    benRoom.sendRaw("add_reaction", { messageId: root.id, emoji: "🎉" });
    annRoom.sendRaw("add_reaction", { messageId: root.id, emoji: "🎉" });
    annRoom.sendRaw("add_reaction", { messageId: kept.id, emoji: "👍" });
    ownerRoom.sendRaw("pin_message", { messageId: kept.id, pinned: true });
    await stored("the reactions and the pin", async () => {
      const history = await owner.rest.history("lobby", { limit: 500 });
      const pins = await owner.rest.pins("lobby");
      return (
        byId(history, root.id)?.reactions["🎉"]?.length === 2 &&
        byId(history, kept.id)?.reactions["👍"]?.length === 1 &&
        pins.some((m) => m.id === kept.id)
      );
    });

    // A read marker.
    const readSeq = await ben.rest.markRead("lobby", reply1.seq);
    expect(readSeq).toBe(reply1.seq);

    // An upload, attached to a message.
    const bytes = randomBytes(4096);
    const upload = await ann.rest.upload("lobby", "payload.bin", bytes);
    const withFile = await annRoom.sendAndWait("the file is attached", { attachments: [upload.id] });
    expect(withFile.attachments.map((a) => a.id)).toEqual([upload.id]);

    // A private room with an invitation, and a ban.
    await owner.rest.request("POST", "/api/rooms", { id: "vault", name: "Vault", private: true });
    await owner.rest.invite("vault", ann.participant.id);
    const vaultNote = await owner.rest.postMessage("vault", { text: `vaultword ${run}` });
    await owner.rest.ban("lobby", eve.participant.id, 3600);

    // The room stays running (it stops only when idle); the clients go, so their SDKs do not
    // spend the rest of the test retrying a dead port.
    for (const room of rooms.splice(0)) await room.leave();
    const killed = await killProcess(first).then(() => first.exited);
    expect(killed).toBe("SIGKILL");
    // The keep marker really is in the files, so the search for the deleted one could fail.
    expect(filesHolding(dataDir, keptMarker).length).toBeGreaterThan(0);
    expect(filesHolding(dataDir, deletedMarker)).toEqual([]);

    const second = runServerProcess({ MESH_DATA_DIR: dataDir });
    onTestFinished(() => killProcess(second));
    const url2 = await second.ready;
    const again = (user: TestUser): MeshRest => connect({ url: url2, token: user.token }).rest;
    const [ownerRest, annRest, benRest, eveRest] = [owner, ann, ben, eve].map(again);

    const history = await ownerRest.history("lobby", { limit: 500 });
    // Threads and the lock.
    const threads = await ownerRest.threads("lobby");
    expect(threads.map((t) => [t.root.id, t.replyCount, t.root.locked])).toEqual([[root.id, 2, true]]);
    expect((await ownerRest.history("lobby", { threadId: root.id })).map((m) => m.id)).toEqual([reply1.id, reply2.id]);
    expect(await restRefusal(annRest.postMessage("lobby", { text: "one more?", threadId: root.id }))).toMatchObject({
      status: 403,
      message: expect.stringMatching(/locked/),
    });
    // DMs: still there, still the pair's alone.
    const pair = [dm1.id, dm2.id];
    expect((await annRest.directHistory("lobby", ben.participant.id)).messages.map((m) => m.id)).toEqual(pair);
    expect((await benRest.directHistory("lobby", ann.participant.id)).messages.map((m) => m.id)).toEqual(pair);
    expect(await restRefusal(eveRest.directHistory("lobby", ann.participant.id))).toMatchObject({ status: 403 }); // banned there
    expect((await ownerRest.directHistory("lobby", ann.participant.id)).messages).toEqual([]);
    expect((await ownerRest.directHistory("lobby", ben.participant.id)).messages).toEqual([]);
    expect(history.some((m) => pair.includes(m.id))).toBe(false);
    expect((await searchUntil(annRest, "dmsecret", 2)).map((r) => r.message.id).sort()).toEqual([...pair].sort());
    expect(await ownerRest.search("dmsecret")).toEqual([]);
    // The edit and the deletion.
    expect(byId(history, edited.id)).toMatchObject({ text: "finalword after the edit", editedTs: expect.any(Number) });
    expect(byId(history, edited.id)?.editedTs).toBeGreaterThan(0);
    expect((await searchUntil(ownerRest, "finalword", 1)).map((r) => r.message.id)).toEqual([edited.id]);
    expect(await ownerRest.search("draftword")).toEqual([]);
    expect(byId(history, deleted.id)).toMatchObject({ deleted: true, text: "" });
    expect((await searchUntil(ownerRest, keptMarker, 1)).map((r) => r.message.id)).toEqual([kept.id]);
    expect(await ownerRest.search(deletedMarker)).toEqual([]);
    // Reactions and pins.
    expect(byId(history, root.id)?.reactions["🎉"]?.sort()).toEqual([ann.participant.id, ben.participant.id].sort());
    expect(byId(history, kept.id)?.reactions).toEqual({ "👍": [ann.participant.id] });
    expect((await ownerRest.pins("lobby")).map((m) => m.id)).toEqual([kept.id]);
    // The read marker.
    const lobby = (await benRest.rooms()).rooms.find((room) => room.id === "lobby");
    expect(lobby?.readSeq).toBe(reply1.seq);
    // The upload, attached and downloadable.
    expect(byId(history, withFile.id)?.attachments).toEqual([{ id: upload.id, name: "payload.bin", type: upload.type, size: 4096 }]);
    const download = await benRest.download(upload.id);
    expect(Buffer.from(download.bytes).equals(bytes)).toBe(true);
    // The invitation.
    expect((await ownerRest.invites("vault")).sort()).toEqual([owner.participant.id, ann.participant.id].sort());
    expect((await annRest.history("vault")).map((m) => m.id)).toEqual([vaultNote.id]);
    expect(await restRefusal(benRest.history("vault"))).toMatchObject({ status: 404 });
    // The ban.
    expect((await ownerRest.bans("lobby")).map((b) => b.participantId)).toEqual([eve.participant.id]);
    expect(await restRefusal(eveRest.history("lobby"))).toMatchObject({ status: 403, message: expect.stringMatching(/banned/) });
    const eveJoin = await connect({ url: url2, token: eve.token })
      .join("lobby")
      .then(
        (room) => room.leave().then(() => undefined),
        (error: unknown) => error,
      );
    expect(eveJoin).toBeInstanceOf(MeshJoinError);
    expect((eveJoin as MeshJoinError).code).toBe(JoinErrorCode.Banned);
    // Someone joining now sees the window as it was stored.
    const annBack = await connect({ url: url2, token: ann.token }).join("lobby");
    const window = annBack.messages();
    expect(window.find((m) => m.id === kept.id)?.text).toBe(`please keep ${keptMarker}`);
    expect(window.find((m) => m.id === deleted.id)).toMatchObject({ deleted: true, text: "" });
    await annBack.leave();

    // Nowhere in the data folder, whatever file: not the database, not its WAL, not the shared memory file.
    expect(filesUnder(dataDir).map((file) => path.basename(file))).toContain("mesh.sqlite");
    expect(filesHolding(dataDir, keptMarker).length).toBeGreaterThan(0);
    expect(filesHolding(dataDir, deletedMarker)).toEqual([]);
  });
});
