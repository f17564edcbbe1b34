import { MeshJoinError, type RoomListing } from "@mesh/bots";
import { CloseCode, JoinErrorCode } from "@mesh/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorsOf, registerUser, restRefusal, searchUntil, startTestServer, type TestServer, type TestUser, ticksPass, waitFor } from "./harness.ts";

/** The refusal a join ends in; fails the test if the join succeeds. */
async function joinRefused(user: TestUser, roomId: string): Promise<MeshJoinError> {
  try {
    const room = await user.client.join(roomId);
    await room.leave();
  } catch (error) {
    if (error instanceof MeshJoinError) return error;
    throw error;
  }
  throw new Error(`expected the join of '${roomId}' to be refused`);
}

/** Poll an async check until it holds; fail with `what` after `timeoutMs`. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const listed = async (user: TestUser): Promise<RoomListing[]> => (await user.rest.rooms()).rooms;
const ids = async (user: TestUser): Promise<string[]> => (await listed(user)).map((room) => room.id);

/** Every REST route that reads or writes one room: each must answer `status` for a caller who may not see it. */
function roomRoutes(user: TestUser, roomId: string): [string, () => Promise<unknown>][] {
  const r = user.rest;
  const bytes = new TextEncoder().encode("just some text");
  return [
    ["room", () => r.request("GET", `/api/rooms/${roomId}`)],
    ["history", () => r.history(roomId)],
    ["threads", () => r.threads(roomId)],
    ["pins", () => r.pins(roomId)],
    ["read marker", () => r.markRead(roomId, 1)],
    ["direct history", () => r.directHistory(roomId, user.participant.id)],
    ["upload", () => r.upload(roomId, "note.txt", bytes, "text/plain")],
    ["send", () => r.postMessage(roomId, { text: "let me in" })],
    ["search", () => r.search("anything", { room: roomId })],
  ];
}

async function expectAllRefused(user: TestUser, roomId: string, status: number): Promise<void> {
  for (const [what, call] of roomRoutes(user, roomId)) {
    expect(await restRefusal(call()), `${what} of '${roomId}'`).toMatchObject({ status });
  }
}

// Its own file: Colyseus's matchmaker is one per process, so its servers run one after another.
describe("private rooms, invitations, bans, unread counts and presence", () => {
  let server: TestServer;
  let owner: TestUser;
  let admin: TestUser;
  let moderator: TestUser;
  let ann: TestUser;
  let ben: TestUser;
  let eve: TestUser;

  beforeAll(async () => {
    server = await startTestServer({ awayS: 1, authRatePerMin: 1000 });
    owner = await registerUser(server.url, "accessowner");
    admin = await registerUser(server.url, "accessadmin");
    moderator = await registerUser(server.url, "accessmod");
    ann = await registerUser(server.url, "annabel");
    ben = await registerUser(server.url, "benedict");
    eve = await registerUser(server.url, "evelyn");
    await owner.rest.request("PUT", `/api/participants/${admin.participant.id}/role`, { role: "admin" });
    await owner.rest.request("PUT", `/api/participants/${moderator.participant.id}/role`, { role: "moderator" });
  });
  afterAll(() => server.stop());

  describe("private rooms and invitations", () => {
    it("a member's private room is theirs alone: hidden from the list, 404 on every route, the join refused", async () => {
      const created = await ann.rest.request<{ id: string; private: boolean }>("POST", "/api/rooms", {
        id: "hideout",
        name: "Hideout",
        private: true,
      });
      expect(created).toMatchObject({ id: "hideout", private: true });
      // The creator is invited automatically, so they can see what they made.
      expect(await ann.rest.invites("hideout")).toEqual([ann.participant.id]);
      expect(await ids(ann)).toContain("hideout");
      // Attached to a room message: anyone who may see the room may download it.
      const upload = await ann.rest.upload("hideout", "plan.txt", new TextEncoder().encode("the plan"), "text/plain");
      const secret = await ann.rest.postMessage("hideout", { text: "hideoutword kept among friends", attachments: [upload.id] });

      await searchUntil(ann.rest, "hideoutword", 1);
      expect(await ids(ben)).not.toContain("hideout");
      await expectAllRefused(ben, "hideout", 404);
      expect(await restRefusal(ben.rest.download(upload.id))).toMatchObject({ status: 404 });
      expect(await restRefusal(ben.rest.invites("hideout"))).toMatchObject({ status: 404 });
      expect(await ben.rest.search("hideoutword")).toEqual([]);
      const refused = await joinRefused(ben, "hideout");
      expect(refused.code).toBe(JoinErrorCode.UnknownRoom);
      // Indistinguishable from a room that does not exist.
      const missing = await restRefusal(ben.rest.request("GET", "/api/rooms/no-such-room"));
      const hidden = await restRefusal(ben.rest.request("GET", "/api/rooms/hideout"));
      expect(hidden.code).toBe(missing.code);
      expect((await joinRefused(ben, "no-such-room")).code).toBe(refused.code);

      // Invited: every route opens.
      await ann.rest.invite("hideout", ben.participant.id);
      expect((await ann.rest.invites("hideout")).sort()).toEqual([ann.participant.id, ben.participant.id].sort());
      expect(await ids(ben)).toContain("hideout");
      expect(await ben.rest.request("GET", "/api/rooms/hideout")).toMatchObject({ id: "hideout" });
      expect((await ben.rest.history("hideout")).map((m) => m.id)).toEqual([secret.id]);
      expect(await ben.rest.threads("hideout")).toEqual([]);
      expect(await ben.rest.pins("hideout")).toEqual([]);
      expect(new TextDecoder().decode((await ben.rest.download(upload.id)).bytes)).toBe("the plan");
      expect((await ben.rest.search("hideoutword")).map((r) => r.message.id)).toEqual([secret.id]);
      expect((await ben.rest.postMessage("hideout", { text: "thanks for having me" })).seq).toBe(2);
      const room = await ben.client.join("hideout");
      expect(room.state.name).toBe("Hideout");

      // Uninvited (by a higher rank: an equal one may not): the socket closes now, and the door shuts again.
      expect(await restRefusal(ann.rest.uninvite("hideout", ben.participant.id))).toMatchObject({ status: 403, code: "forbidden" });
      expect(room.closedWith).toBeUndefined();
      await moderator.rest.uninvite("hideout", ben.participant.id);
      await waitFor("ben's socket closed", () => room.closedWith !== undefined);
      expect(room.closedWith).toBe(CloseCode.AccessRevoked);
      expect((await joinRefused(ben, "hideout")).code).toBe(JoinErrorCode.UnknownRoom);
      expect(await ids(ben)).not.toContain("hideout");
      await expectAllRefused(ben, "hideout", 404);
      expect(await restRefusal(moderator.rest.uninvite("hideout", ben.participant.id))).toMatchObject({ status: 404 });
    });

    it("invitations need invite_to_rooms and a room one can see; only real participants are invited", async () => {
      await owner.rest.request("PUT", `/api/participants/${eve.participant.id}/role`, { role: "spectator" });
      try {
        await ann.rest.request("POST", "/api/rooms", { id: "clubhouse", name: "Clubhouse", private: true });
        await ann.rest.invite("clubhouse", eve.participant.id);
        // A spectator may be invited and see the room, but not invite others.
        expect(await ids(eve)).toContain("clubhouse");
        expect(await restRefusal(eve.rest.invite("clubhouse", ben.participant.id))).toMatchObject({ status: 403, code: "forbidden" });
        // Someone who cannot see the room cannot invite themselves into it.
        expect(await restRefusal(ben.rest.invite("clubhouse", ben.participant.id))).toMatchObject({ status: 404 });
        expect(await restRefusal(ann.rest.invite("clubhouse", "nobody-at-all"))).toMatchObject({ status: 404, code: "not_found" });
        expect(await restRefusal(ann.rest.request("POST", "/api/rooms/clubhouse/invites", { participantId: "" }))).toMatchObject({
          status: 400,
        });
      } finally {
        await owner.rest.request("PUT", `/api/participants/${eve.participant.id}/role`, { role: "member" });
      }
    });

    it("making a room private needs manage_rooms and closes the sockets of those who may no longer see it", async () => {
      await owner.rest.request("POST", "/api/rooms", { id: "plaza", name: "Plaza" });
      const annRoom = await ann.client.join("plaza");
      const benRoom = await ben.client.join("plaza");
      const modRoom = await moderator.client.join("plaza");
      expect(await restRefusal(ann.rest.request("PATCH", "/api/rooms/plaza", { private: true }))).toMatchObject({ status: 403 });
      await ticksPass(benRoom, 2);
      expect(benRoom.closedWith).toBeUndefined();

      // Ann is invited beforehand; the moderator manages rooms and needs no invitation.
      await moderator.rest.invite("plaza", ann.participant.id);
      await moderator.rest.request("PATCH", "/api/rooms/plaza", { private: true });
      await waitFor("ben's socket closed", () => benRoom.closedWith !== undefined);
      expect(benRoom.closedWith).toBe(CloseCode.AccessRevoked);
      await ticksPass(modRoom, 3);
      expect(annRoom.closedWith).toBeUndefined();
      expect(modRoom.closedWith).toBeUndefined();
      await waitFor("ben gone from the room", () => !modRoom.participant(ben.participant.id));
      expect((await joinRefused(ben, "plaza")).code).toBe(JoinErrorCode.UnknownRoom);
      await expectAllRefused(ben, "plaza", 404);
      expect(await ids(ben)).not.toContain("plaza");
      expect(await ids(ann)).toContain("plaza");
      expect(await ids(moderator)).toContain("plaza");

      // Public again: open to all.
      await moderator.rest.request("PATCH", "/api/rooms/plaza", { private: false });
      expect(await ids(ben)).toContain("plaza");
      const back = await ben.client.join("plaza");
      await back.leave();
      await annRoom.leave();
      await modRoom.leave();
    });
  });

  describe("bans", () => {
    it("a realtime ban kicks now (4006), refuses the join and every REST read and send, until lifted", async () => {
      await owner.rest.request("POST", "/api/rooms", { id: "arena", name: "Arena" });
      const adminRoom = await admin.client.join("arena");
      const benRoom = await ben.client.join("arena");
      await ben.rest.postMessage("arena", { text: "arenaword before the ban" });
      await searchUntil(admin.rest, "arenaword", 1);
      await waitFor("ben present", () => adminRoom.participant(ben.participant.id));

      adminRoom.sendRaw("ban", { participantId: ben.participant.id, seconds: 600 });
      await waitFor("ben's socket closed", () => benRoom.closedWith !== undefined);
      expect(benRoom.closedWith).toBe(CloseCode.Banned);
      await waitFor("ben gone from the room", () => !adminRoom.participant(ben.participant.id));

      const refused = await joinRefused(ben, "arena");
      expect(refused.code).toBe(JoinErrorCode.Banned);
      expect(refused.message).toMatch(/banned/);
      await expectAllRefused(ben, "arena", 403);
      expect(await ids(ben)).not.toContain("arena");
      expect(await ben.rest.search("arenaword")).toEqual([]);
      // Only in that room.
      expect((await ben.rest.postMessage("lobby", { text: "still welcome here" })).text).toBe("still welcome here");

      const bans = await admin.rest.bans("arena");
      expect(bans).toHaveLength(1);
      expect(bans[0]).toMatchObject({ participantId: ben.participant.id, byId: admin.participant.id, kind: "ban" });
      expect(bans[0].until).toBeGreaterThan(Date.now() + 590_000);

      await admin.rest.unban("arena", ben.participant.id);
      expect(await admin.rest.bans("arena")).toEqual([]);
      expect(await ids(ben)).toContain("arena");
      expect((await ben.rest.search("arenaword")).map((r) => r.message.text)).toEqual(["arenaword before the ban"]);
      const back = await ben.client.join("arena");
      await back.sendAndWait("back again");
      await back.leave();
      await adminRoom.leave();
    });

    it("a REST ban kicks now and ends by itself when its time is up", async () => {
      const eveRoom = await eve.client.join("arena");
      const ban = await admin.rest.ban("arena", eve.participant.id, 2);
      expect(ban).toMatchObject({ participantId: eve.participant.id, roomId: "arena" });
      await waitFor("eve's socket closed", () => eveRoom.closedWith !== undefined);
      expect(eveRoom.closedWith).toBe(CloseCode.Banned);
      expect((await joinRefused(eve, "arena")).code).toBe(JoinErrorCode.Banned);
      expect(await restRefusal(eve.rest.postMessage("arena", { text: "let me back" }))).toMatchObject({ status: 403 });
      await waitFor("ban over", () => !server.services.db.sanctions.active("arena", eve.participant.id, "ban", Date.now()), 4000);
      expect(await eve.rest.history("arena")).toEqual(expect.any(Array));
      const back = await eve.client.join("arena");
      await back.leave();
    });

    it("nobody bans an equal or higher rank, a moderator bans nobody, a lower rank lifts no higher rank's ban", async () => {
      const admin2 = await registerUser(server.url, "secondadmin");
      await owner.rest.request("PUT", `/api/participants/${admin2.participant.id}/role`, { role: "admin" });
      expect(await restRefusal(admin.rest.ban("arena", owner.participant.id, 60))).toMatchObject({ status: 403, code: "forbidden" });
      expect(await restRefusal(admin.rest.ban("arena", admin2.participant.id, 60))).toMatchObject({ status: 403, code: "forbidden" });
      expect(await restRefusal(moderator.rest.ban("arena", ben.participant.id, 60))).toMatchObject({ status: 403, code: "forbidden" });
      expect(await restRefusal(moderator.rest.bans("arena"))).toMatchObject({ status: 403 });
      expect(await restRefusal(ann.rest.ban("arena", ben.participant.id, 60))).toMatchObject({ status: 403 });

      const adminRoom = await admin.client.join("arena");
      const modRoom = await moderator.client.join("arena");
      const adminErrors = errorsOf(adminRoom);
      const modErrors = errorsOf(modRoom);
      adminRoom.sendRaw("ban", { participantId: admin2.participant.id, seconds: 60 });
      modRoom.sendRaw("ban", { participantId: ben.participant.id, seconds: 60 });
      await waitFor("both refused", () => adminErrors.length > 0 && modErrors.length > 0);
      expect(adminErrors[0]).toMatchObject({ code: "forbidden", ref: "ban" });
      expect(modErrors[0]).toMatchObject({ code: "forbidden", ref: "ban" });
      expect(await admin.rest.bans("arena")).toEqual([]);

      await owner.rest.ban("arena", ben.participant.id, 600);
      expect(await restRefusal(admin.rest.unban("arena", ben.participant.id))).toMatchObject({ status: 403 });
      expect((await admin.rest.bans("arena")).map((b) => b.participantId)).toEqual([ben.participant.id]);
      await owner.rest.unban("arena", ben.participant.id);
      expect(await admin.rest.bans("arena")).toEqual([]);
      await adminRoom.leave();
      await modRoom.leave();
    });
  });

  describe("unread counts and mentions", () => {
    it("counts others' live messages after the marker, and mentions of the caller; the marker never moves back", async () => {
      await owner.rest.request("POST", "/api/rooms", { id: "reading", name: "Reading room" });
      const inRoom = async (user: TestUser) => (await listed(user)).find((room) => room.id === "reading");
      expect(await inRoom(ann)).toMatchObject({ unread: 0, mentions: 0, readSeq: 0 });

      await ann.rest.postMessage("reading", { text: "my own words count for nothing" });
      await ben.rest.postMessage("reading", { text: "hello everyone" });
      await ben.rest.postMessage("reading", { text: "@annabel have a look" });
      await ben.rest.postMessage("reading", { text: "and @ANNABEL again, loudly" });
      await ben.rest.postMessage("reading", { text: "an email like x@annabel.com, and @annabelle, mention nobody here" });
      expect(await inRoom(ann)).toMatchObject({ unread: 4, mentions: 2, readSeq: 0 });
      expect(await inRoom(ben)).toMatchObject({ unread: 1, mentions: 0, readSeq: 0 });

      expect(await ann.rest.markRead("reading", 3)).toBe(3);
      expect(await inRoom(ann)).toMatchObject({ unread: 2, mentions: 1, readSeq: 3 });
      // Never backward.
      expect(await ann.rest.markRead("reading", 1)).toBe(3);
      expect(await inRoom(ann)).toMatchObject({ unread: 2, mentions: 1, readSeq: 3 });
      // Never past the last message: what comes next still counts.
      expect(await ann.rest.markRead("reading", 1000)).toBe(5);
      expect(await inRoom(ann)).toMatchObject({ unread: 0, mentions: 0, readSeq: 5 });
      expect(await restRefusal(ann.rest.markRead("reading", -1))).toMatchObject({ status: 400, code: "bad_input" });

      // A deleted message no longer counts, nor does its mention.
      const benRoom = await ben.client.join("reading");
      const mention = await benRoom.sendAndWait("@annabel this one goes away");
      await benRoom.sendAndWait("this one stays");
      expect(await inRoom(ann)).toMatchObject({ unread: 2, mentions: 1, readSeq: 5 });
      benRoom.sendRaw("delete_message", { messageId: mention.id });
      await waitFor("deleted", () => server.services.db.messages.get(mention.id)?.deleted);
      expect(await inRoom(ann)).toMatchObject({ unread: 1, mentions: 0, readSeq: 5 });
      // Nor do DMs.
      const annRoom = await ann.client.join("reading");
      await waitFor("ann present", () => benRoom.participant(ann.participant.id));
      await ben.rest.postMessage("reading", { text: "@annabel psst, privately", to: ann.participant.id });
      expect(await inRoom(ann)).toMatchObject({ unread: 1, mentions: 0 });
      await annRoom.leave();
      await benRoom.leave();
    });
  });

  describe("presence", () => {
    it("lists who is online, away or offline and where; a silent participant turns away, any input brings them back", async () => {
      await owner.rest.request("POST", "/api/rooms", { id: "porch", name: "Porch" });
      const annLobby = await ann.client.join("lobby");
      const annPorch = await ann.client.join("porch");
      const annHideout = await ann.client.join("hideout"); // private: ben is not invited
      const benPorch = await ben.client.join("porch");
      const presence = async (user: TestUser) => (await ben.rest.participants()).find((p) => p.id === user.participant.id);

      expect(await presence(ann)).toMatchObject({ status: expect.stringMatching(/^(online|away)$/) });
      // Only the rooms the caller may see: a private room stays hidden from the uninvited.
      expect((await presence(ann))?.rooms.sort()).toEqual(["lobby", "porch"]);
      const seenByOwner = (await owner.rest.participants()).find((p) => p.id === ann.participant.id);
      expect(seenByOwner?.rooms.sort()).toEqual(["hideout", "lobby", "porch"]);
      expect(await presence(eve)).toMatchObject({ status: "offline", rooms: [] });

      // Silent for MESH_AWAY_S (1 s here): away, in state and over REST.
      await waitFor("ann away in ben's state", () => benPorch.participant(ann.participant.id)?.status === "away", 4000);
      await until("ann away over REST", async () => (await presence(ann))?.status === "away");
      // Any input brings them back, in state and over REST (the porch, where she moved, is the liveliest).
      annPorch.moveTo(3, 3);
      await waitFor("ann online again", () => benPorch.participant(ann.participant.id)?.status === "online", 2000);
      await until("ann online over REST", async () => {
        annPorch.moveTo(3, 4); // keep her active: a slow machine must not let her turn away again meanwhile
        return (await presence(ann))?.status === "online";
      });
      await annPorch.leave();
      await annLobby.leave();
      await annHideout.leave();
      await waitFor("ann gone", () => !benPorch.participant(ann.participant.id));
      expect(await presence(ann)).toMatchObject({ status: "offline", rooms: [] });
      await benPorch.leave();
    });
  });
});
