import fs from "node:fs";
import { MeshRest, type MeshRoom } from "@mesh/bots";
import { JoinErrorCode } from "@mesh/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger, loadConfig, startServer } from "../src/index.ts";
import { errorsOf, registerUser, restRefusal, startTestServer, type TestServer, type TestUser, ticksPass, waitFor } from "./harness.ts";

// Its own file: Colyseus's matchmaker is one per process, so its servers run one after another.
describe("mutes and kicks hold on every path", () => {
  let server: TestServer;
  let owner: TestUser;
  let moderator: TestUser;
  let modRoom: MeshRoom;

  beforeAll(async () => {
    server = await startTestServer({ kickCooldownS: 2 });
    owner = await registerUser(server.url, "chair");
    moderator = await registerUser(server.url, "warden");
    await owner.rest.request("PUT", `/api/participants/${moderator.participant.id}/role`, { role: "moderator" });
    modRoom = await moderator.client.join("lobby");
  });
  afterAll(async () => {
    await modRoom.leave().catch(() => undefined);
    await server.stop();
  });

  /** The stored sanction of `kind` on `who` in the lobby, if one is in force now. */
  const stored = (kind: "mute" | "kick", who: TestUser) =>
    server.services.db.sanctions.active("lobby", who.participant.id, kind, Date.now());
  /** A fresh admin, in the lobby. */
  const adminInLobby = async (name: string) => {
    const admin = await registerUser(server.url, name);
    await owner.rest.request("PUT", `/api/participants/${admin.participant.id}/role`, { role: "admin" });
    return admin.client.join("lobby");
  };

  it("a mute survives leaving and rejoining", async () => {
    const target = await registerUser(server.url, "rejoiner");
    let room = await target.client.join("lobby");
    await waitFor("present", () => modRoom.participant(target.participant.id));
    modRoom.mute(target.participant.id, 60);
    await waitFor("muted in state", () => room.participant(target.participant.id)?.muted);
    await room.leave();
    room = await target.client.join("lobby");
    const errors = errorsOf(room);
    await waitFor("shown muted again", () => modRoom.participant(target.participant.id)?.muted);
    room.send("I am back, unmuted?", { nonce: "evade" });
    await waitFor("refused", () => errors.length > 0);
    expect(errors[0]).toMatchObject({ code: "forbidden", ref: "send_message:evade" });
    expect(errors[0].message).toMatch(/muted/);
    await room.leave();
  });

  it("a muted participant may not edit, react or look as if typing, each refusal naming what it refuses; deleting stays possible", async () => {
    const target = await registerUser(server.url, "muted-editor");
    const room = await target.client.join("lobby");
    const mine = await room.sendAndWait("before the mute");
    await waitFor("present", () => modRoom.participant(target.participant.id));
    modRoom.mute(target.participant.id, 60);
    await waitFor("muted in state", () => room.participant(target.participant.id)?.muted);
    const errors = errorsOf(room);
    room.edit(mine.id, "after the mute");
    room.react(mine.id, "👍");
    room.typing(true);
    await waitFor("three refusals", () => errors.length >= 3);
    expect(errors.map((e) => [e.ref, e.code]).sort()).toEqual([
      ["add_reaction", "forbidden"],
      ["edit_message", "forbidden"],
      ["typing", "forbidden"],
    ]);
    const deleted = new Promise<void>((resolve) => room.onUpdate((m) => m.id === mine.id && m.deleted && resolve()));
    room.delete(mine.id);
    await deleted;
    await room.leave();
  });

  it("a mute holds over REST, also for someone who never joined", async () => {
    const target = await registerUser(server.url, "rest-only");
    modRoom.mute(target.participant.id, 60);
    await waitFor("mute stored", () => stored("mute", target));
    const refused = await restRefusal(target.rest.postMessage("lobby", { text: "from the outside" }));
    expect(refused?.status).toBe(403);
    expect(refused?.message).toMatch(/muted/);
    // Only in that room: elsewhere the participant still speaks.
    await owner.rest.request("POST", "/api/rooms", { id: "annex", name: "Annex" });
    const elsewhere = await target.rest.postMessage("annex", { text: "still heard here" });
    expect(elsewhere.seq).toBe(1);
    const history = await owner.rest.history("lobby", { limit: 500 });
    expect(history.some((m) => m.text === "from the outside")).toBe(false);
  });

  it("a kick keeps the kicked out for the cooldown, on joins and REST alike, then lets them back", async () => {
    const target = await registerUser(server.url, "kicked");
    const room = await target.client.join("lobby");
    await waitFor("present", () => modRoom.participant(target.participant.id));
    modRoom.kick(target.participant.id);
    await waitFor("closed with 4003", () => room.closedWith === 4003);
    const rejoin = await target.client.join("lobby").then(() => undefined, (e: { code: number; message: string }) => e);
    expect(rejoin).toMatchObject({ code: JoinErrorCode.Kicked, message: expect.stringMatching(/kicked.*come back in \d+ s/) });
    const overRest = await restRefusal(target.rest.postMessage("lobby", { text: "let me in" }));
    expect(overRest?.status).toBe(403);
    await waitFor("cooldown over", () => !stored("kick", target), 4000);
    const back = await target.client.join("lobby");
    await back.sendAndWait("I behave now");
    await back.leave();
  });

  it("a shorter mute from someone else does not cut a longer one short", async () => {
    const adminRoom = await adminInLobby("senior");
    const target = await registerUser(server.url, "twice-muted");
    adminRoom.mute(target.participant.id, 600);
    await waitFor("long mute", () => stored("mute", target));
    modRoom.mute(target.participant.id, 1);
    await ticksPass(modRoom, 3);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const refused = await restRefusal(target.rest.postMessage("lobby", { text: "free already?" }));
    expect(refused.status).toBe(403);
    await adminRoom.leave();
  });

  it("a mute is lifted with 0 seconds, but not by someone ranked below whoever imposed it", async () => {
    const adminRoom = await adminInLobby("elder");
    const target = await registerUser(server.url, "pardoned");
    modRoom.mute(target.participant.id, 600);
    await waitFor("muted", () => stored("mute", target));
    modRoom.mute(target.participant.id, 0);
    await waitFor("lifted", () => !stored("mute", target));
    expect((await target.rest.postMessage("lobby", { text: "thank you" })).text).toBe("thank you");
    // The admin's mute is not the moderator's to lift.
    adminRoom.mute(target.participant.id, 600);
    await waitFor("muted again", () => stored("mute", target));
    const errors = errorsOf(modRoom);
    modRoom.mute(target.participant.id, 0);
    await waitFor("refused", () => errors.length > 0);
    expect(errors[0]).toMatchObject({ code: "forbidden", message: expect.stringMatching(/higher role/) });
    // Nor can the moderator take the mute over by re-imposing it for longer, then lift it.
    modRoom.mute(target.participant.id, 601);
    await ticksPass(modRoom, 2);
    modRoom.mute(target.participant.id, 0);
    await waitFor("refused again", () => errors.length > 1);
    expect(errors[1]).toMatchObject({ code: "forbidden" });
    expect((await restRefusal(target.rest.postMessage("lobby", { text: "still?" }))).status).toBe(403);
    adminRoom.mute(target.participant.id, 0);
    await waitFor("lifted by the admin", () => !stored("mute", target));
    await adminRoom.leave();
  });

  it("a muted participant cannot show others they are typing", async () => {
    const target = await registerUser(server.url, "silent-typist");
    const room = await target.client.join("lobby");
    const errors = errorsOf(room);
    await waitFor("present", () => modRoom.participant(target.participant.id));
    modRoom.mute(target.participant.id, 60);
    await waitFor("muted", () => room.participant(target.participant.id)?.muted);
    room.typing(true);
    await waitFor("refused", () => errors.length > 0);
    expect(errors[0]).toMatchObject({ code: "forbidden", ref: "typing" });
    await ticksPass(modRoom, 3);
    expect(modRoom.participant(target.participant.id)?.typing).toBe(false);
    await room.leave();
  });

  it("a mute survives a restart of the server", async () => {
    const target = await registerUser(server.url, "persistent");
    modRoom.mute(target.participant.id, 600);
    await waitFor("mute stored", () => stored("mute", target));
    await modRoom.leave();
    await server.close();
    const loaded = loadConfig({ PORT: "0", HOST: "127.0.0.1", MESH_DATA_DIR: server.dataDir, LOG_LEVEL: "silent" });
    if (!loaded.ok) throw new Error(loaded.errors.join("; "));
    const again = await startServer(loaded.value, createLogger("silent"));
    try {
      const rest = new MeshRest(again.url, target.token);
      const refused = await restRefusal(rest.postMessage("lobby", { text: "after the restart" }));
      expect(refused?.status).toBe(403);
    } finally {
      await again.close();
      fs.rmSync(server.dataDir, { recursive: true, force: true });
    }
  });
});

describe("moderators cannot be dodged by waiting a tick", () => {
  it("a muted participant's state shows muted from their first tick back", async () => {
    const server = await startTestServer();
    try {
      const owner = await registerUser(server.url, "host");
      const guest = await registerUser(server.url, "guest");
      const hostRoom = await owner.client.join("lobby");
      hostRoom.mute(guest.participant.id, 60);
      await waitFor("stored", () => server.services.db.sanctions.active("lobby", guest.participant.id, "mute", Date.now()));
      const room = await guest.client.join("lobby");
      await ticksPass(room, 2);
      expect(room.participant(guest.participant.id)?.muted).toBe(true);
      await room.leave();
      await hostRoom.leave();
    } finally {
      await server.stop();
    }
  });
});
