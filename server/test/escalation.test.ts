import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerUser, restRefusal, startTestServer, type TestServer, type TestUser } from "./harness.ts";


// Priority alone let an owner-made role that ranks low but holds manage_mesh be handed on,
// and its holder then make every new account an admin.
describe("roles that would lift someone above the one granting them", () => {
  let server: TestServer;
  let owner: TestUser;
  let admin: TestUser;
  let member: TestUser;
  let caretaker: TestUser;

  const setRole = (by: TestUser, target: TestUser, role: string) =>
    by.rest.request<{ participant: { role: string } }>("PUT", `/api/participants/${target.participant.id}/role`, { role });
  const setDefaultRole = (by: TestUser, defaultRole: string) =>
    by.rest.request<{ defaultRole: string }>("PATCH", "/api/settings", { defaultRole });
  const createRole = (name: string, priority: number, permissions: string[]) =>
    owner.rest.request("POST", "/api/roles", { name, priority, permissions });

  beforeAll(async () => {
    server = await startTestServer();
    owner = await registerUser(server.url, "founder");
    admin = await registerUser(server.url, "second");
    member = await registerUser(server.url, "third");
    caretaker = await registerUser(server.url, "keeper");
    await setRole(owner, admin, "admin");
    await createRole("steward", 800, ["view_rooms", "view_members", "manage_mesh"]);
    await createRole("caretaker", 500, ["view_rooms", "view_members", "manage_mesh"]);
    await setRole(owner, caretaker, "caretaker");
  });
  afterAll(() => server.stop());

  it("refuses an admin granting a lower-ranked role that holds manage_mesh, and names it", async () => {
    const refused = await restRefusal(setRole(admin, member, "steward"));
    expect(refused).toMatchObject({ status: 403, code: "forbidden", message: expect.stringContaining("manage_mesh") });
    expect((await member.rest.me()).participant.role).toBe("member");
  });

  it("still lets the admin grant a role within their own permissions, and the owner grant steward", async () => {
    expect((await setRole(admin, member, "moderator")).participant.role).toBe("moderator");
    expect((await setRole(owner, member, "steward")).participant.role).toBe("steward");
    await setRole(owner, member, "member");
  });

  it("refuses a default role at or above the changer, or holding what they lack; allows one below", async () => {
    expect(await restRefusal(setDefaultRole(caretaker, "admin"))).toMatchObject({ status: 403, code: "forbidden" });
    // member ranks below the caretaker (400 < 500) but holds far more than view_rooms and view_members.
    const wider = await restRefusal(setDefaultRole(caretaker, "member"));
    expect(wider).toMatchObject({ status: 403, code: "forbidden", message: expect.stringContaining("send_messages") });
    expect(await restRefusal(setDefaultRole(caretaker, "owner"))).toMatchObject({ status: 403, code: "forbidden" });
    expect((await owner.rest.request<{ defaultRole: string }>("GET", "/api/settings")).defaultRole).toBe("member");

    expect(await setDefaultRole(caretaker, "spectator")).toEqual({ defaultRole: "spectator" });
    const newcomer = await registerUser(server.url, "newcomer");
    expect(newcomer.participant.role).toBe("spectator");
  });

  it("lets the owner set any role but owner as the default", async () => {
    expect(await setDefaultRole(owner, "admin")).toEqual({ defaultRole: "admin" });
    expect(await restRefusal(setDefaultRole(owner, "owner"))).toMatchObject({ status: 403, code: "forbidden" });
    expect(await setDefaultRole(owner, "member")).toEqual({ defaultRole: "member" });
  });
});
