import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorsOf, registerUser, restRefusal, startTestServer, type TestServer, type TestUser, waitFor } from "./harness.ts";


describe("permissions at the moment of use", () => {
  let server: TestServer;
  let owner: TestUser;
  let admin: TestUser;
  let moderator: TestUser;
  let member: TestUser;
  let spectator: TestUser;

  const setRole = (by: TestUser, target: TestUser, role: string) =>
    by.rest.request("PUT", `/api/participants/${target.participant.id}/role`, { role });

  beforeAll(async () => {
    server = await startTestServer();
    owner = await registerUser(server.url, "boss");
    admin = await registerUser(server.url, "adam");
    moderator = await registerUser(server.url, "mod");
    member = await registerUser(server.url, "mem");
    spectator = await registerUser(server.url, "spec");
    await setRole(owner, admin, "admin");
    await setRole(owner, moderator, "moderator");
    await setRole(owner, spectator, "spectator");
  });
  afterAll(() => server.stop());

  describe("REST, route by route", () => {
    it("refuses requests without or with a forged token", async () => {
      const res = await fetch(`${server.url}/api/rooms`);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: { code: "unauthorized", message: expect.any(String) } });
      const forged = await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${owner.token}x` } });
      expect(forged.status).toBe(401);
    });

    it.each([
      ["spectator", "POST", "/api/rooms", { id: "spec-room", name: "x" }],
      ["member", "PATCH", "/api/rooms/lobby", { topic: "mine now" }],
      ["moderator", "DELETE", "/api/rooms/lobby", undefined],
      ["member", "POST", "/api/roles", { name: "cool", priority: 10, permissions: [] }],
      ["member", "GET", "/api/audit", undefined],
      ["moderator", "GET", "/api/audit", undefined],
      ["spectator", "POST", "/api/rooms/lobby/messages", { text: "let me speak" }],
    ])("%s: %s %s → 403 forbidden", async (who, method, path, body) => {
      const user = { spectator: () => spectator, member: () => member, moderator: () => moderator }[who as "member"]();
      expect(await restRefusal(user.rest.request(method, path, body))).toMatchObject({ status: 403, code: "forbidden" });
    });

    it("lets each role do what the table allows", async () => {
      await member.rest.request("POST", "/api/rooms", { id: "members-room", name: "Members" });
      await moderator.rest.request("PATCH", "/api/rooms/members-room", { topic: "tidied" });
      const audit = await admin.rest.request<{ entries: unknown[]; verified: { ok: boolean } }>(
        "GET",
        "/api/audit?verify=true",
      );
      expect(audit.verified.ok).toBe(true);
      expect(audit.entries.length).toBeGreaterThan(0);
      await owner.rest.request("DELETE", "/api/rooms/members-room");
    });

    it("never lets a custom role hold what its creator lacks", async () => {
      const beyond = admin.rest.request("POST", "/api/roles", { name: "kingmaker", priority: 100, permissions: ["manage_mesh"] });
      expect(await restRefusal(beyond)).toMatchObject({ status: 403, code: "forbidden" });
      const above = admin.rest.request("POST", "/api/roles", { name: "boss2", priority: 950, permissions: [] });
      expect(await restRefusal(above)).toMatchObject({ status: 403, code: "forbidden" });
      const ok = await admin.rest.request<{ name: string }>("POST", "/api/roles", {
        name: "helper",
        priority: 200,
        permissions: ["view_rooms", "send_messages"],
      });
      expect(ok.name).toBe("helper");
    });

    it("refuses role changes on equal or higher priority", async () => {
      expect(await restRefusal(setRole(admin, owner, "member"))).toMatchObject({ status: 403, code: "forbidden" });
      const other = await registerUser(server.url, "adam2");
      await setRole(owner, other, "admin");
      expect(await restRefusal(setRole(admin, other, "member"))).toMatchObject({ status: 403, code: "forbidden" });
      expect(await restRefusal(setRole(admin, member, "admin"))).toMatchObject({ status: 403, code: "forbidden" });
    });
  });

  describe("realtime, message by message", () => {
    it("refuses a spectator's send and move, storing nothing", async () => {
      const room = await spectator.client.join("lobby");
      const errors = errorsOf(room);
      const before = await owner.rest.history("lobby");
      room.send("can I talk?", { nonce: "s1" });
      room.sendRaw("move", { x: 1, z: 1 });
      await waitFor("two forbidden errors", () => errors.length >= 2);
      expect(errors.map((e) => [e.code, e.ref])).toEqual([
        ["forbidden", "send_message:s1"],
        ["forbidden", "move"],
      ]);
      expect(await owner.rest.history("lobby")).toEqual(before);
      await room.leave();
    });

    it("refuses a member's kick, and a moderator's kick of an admin", async () => {
      const adminRoom = await admin.client.join("lobby");
      const memberRoom = await member.client.join("lobby");
      const modRoom = await moderator.client.join("lobby");
      const memberErrors = errorsOf(memberRoom);
      const modErrors = errorsOf(modRoom);
      memberRoom.kick(moderator.participant.id);
      modRoom.kick(admin.participant.id);
      await waitFor("both refused", () => memberErrors.length && modErrors.length);
      expect(memberErrors[0].code).toBe("forbidden");
      expect(modErrors[0].code).toBe("forbidden");
      expect(adminRoom.closedWith).toBeUndefined();
      expect(modRoom.closedWith).toBeUndefined();

      // The moderator may kick a member: that socket closes with the kick code.
      modRoom.kick(member.participant.id);
      await waitFor("member kicked", () => memberRoom.closedWith === 4003);
      await adminRoom.leave();
      await modRoom.leave();
    });

    it("applies a demotion to the very next send", async () => {
      const victim = await registerUser(server.url, "soon-spectator");
      const room = await victim.client.join("lobby");
      const errors = errorsOf(room);
      await room.sendAndWait("still allowed");
      await setRole(owner, victim, "spectator");
      room.send("not any more", { nonce: "after-demotion" });
      await waitFor("forbidden", () => errors.length > 0);
      expect(errors[0]).toMatchObject({ code: "forbidden", ref: "send_message:after-demotion" });
      const history = await owner.rest.history("lobby");
      expect(history.some((m) => m.text === "not any more")).toBe(false);
      await waitFor("state shows the new role", () => room.participant(victim.participant.id)?.role === "spectator");
      await room.leave();
    });

    it("closes the sockets of someone whose new role cannot view rooms", async () => {
      await owner.rest.request("POST", "/api/roles", { name: "shadow", priority: 10, permissions: ["send_messages"] });
      const target = await registerUser(server.url, "fading");
      const room = await target.client.join("lobby");
      await setRole(owner, target, "shadow");
      await waitFor("closed with 4005", () => room.closedWith === 4005);
      await expect(target.client.join("lobby")).rejects.toMatchObject({ code: 525 });
    });

    it("answers a mute of someone who does not exist with not_found", async () => {
      const modRoom = await moderator.client.join("lobby");
      const errors = errorsOf(modRoom);
      modRoom.mute("no-such-participant", 5);
      await waitFor("not_found", () => errors.length > 0);
      expect(errors[0].code).toBe("not_found");
      await modRoom.leave();
    });

    it("mutes: the muted member is refused until the mute ends", async () => {
      const target = await registerUser(server.url, "loud");
      const modRoom = await moderator.client.join("lobby");
      const room = await target.client.join("lobby");
      const errors = errorsOf(room);
      await waitFor("target present", () => modRoom.participant(target.participant.id));
      modRoom.mute(target.participant.id, 1);
      await waitFor("muted in state", () => room.participant(target.participant.id)?.muted);
      room.send("hello?");
      await waitFor("refused", () => errors.length > 0);
      expect(errors[0].code).toBe("forbidden");
      await waitFor("mute over", () => room.participant(target.participant.id)?.muted === false, 3000);
      await room.sendAndWait("back again");
      await room.leave();
      await modRoom.leave();
    });
  });
  it("records the privileged actions above in a verifiable audit log", async () => {
    const { entries, verified } = await owner.rest.request<{
      entries: { action: string; actorId: string; target: string }[];
      verified: { ok: boolean; count: number };
    }>("GET", "/api/audit?verify=true&limit=1000");
    expect(verified.ok).toBe(true);
    expect(verified.count).toBe(entries.length);
    const seen = (action: string, actorId: string, target: string) =>
      entries.some((e) => e.action === action && e.actorId === actorId && e.target === target);
    expect(seen("role.assign", owner.participant.id, moderator.participant.id)).toBe(true);
    expect(seen("kick", moderator.participant.id, member.participant.id)).toBe(true);
    expect(seen("role.create", admin.participant.id, "helper")).toBe(true);
    expect(entries.some((e) => e.action === "mute" && e.actorId === moderator.participant.id)).toBe(true);
  });
});
