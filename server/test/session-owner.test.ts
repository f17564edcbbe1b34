import { Client } from "@colyseus/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JoinErrorCode, ROOM_TYPE } from "@mesh/schema";
import { loadOrCreateSecret } from "../src/auth/keys.ts";
import { TokenService } from "../src/auth/tokens.ts";
import { registerUser, startTestServer, type TestServer, type TestUser } from "./harness.ts";

/** The `sid` claim of a session token (its payload is base64url JSON). */
function sessionIdOf(token: string): string {
  return (JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString()) as { sid: string }).sid;
}

// A token signed with the server's key (a leaked key, or a bug that mixes claims) must still
// name a session of its own subject: otherwise one live session vouches for any account.
describe("a token whose subject does not own its session", () => {
  let server: TestServer;
  let alice: TestUser;
  let bob: TestUser;
  let tokens: TokenService;

  beforeAll(async () => {
    server = await startTestServer();
    alice = await registerUser(server.url, "alice");
    bob = await registerUser(server.url, "bob");
    tokens = new TokenService(loadOrCreateSecret(server.dataDir), 3600);
  });
  afterAll(() => server.stop());

  const me = (token: string) => fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
  const join = (token: string) =>
    new Client(server.url).joinOrCreate(ROOM_TYPE, { room: "lobby", token }).then(
      async (room) => {
        await room.leave();
        return "joined";
      },
      (error: { code?: number }) => error.code,
    );

  it("is accepted when sub and sid agree (the test signs tokens as the server does)", async () => {
    const own = await tokens.sign({ userId: alice.participant.id, sid: sessionIdOf(alice.token) });
    expect(own).not.toBe(alice.token);
    expect((await me(own)).status).toBe(200);
    expect(await join(own)).toBe("joined");
  });

  it("is refused over REST and at join when sub is Alice and sid is Bob's", async () => {
    const mixed = await tokens.sign({ userId: alice.participant.id, sid: sessionIdOf(bob.token) });
    const res = await me(mixed);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: "unauthorized" } });
    expect(await join(mixed)).toBe(JoinErrorCode.AuthFailed);
    // Both real sessions still work.
    expect((await me(alice.token)).status).toBe(200);
    expect((await me(bob.token)).status).toBe(200);
  });
});
