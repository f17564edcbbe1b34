import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, MeshRest } from "@mesh/bots";
import { CloseCode } from "@mesh/schema";
import { registerUser, startTestServer, type TestServer, ticksPass, waitFor } from "./harness.ts";

// A sweep far slower than the test: only logout itself can close the socket in time.
describe("logout over REST", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({}, { sessionSweepMs: 60_000 });
  });
  afterAll(() => server.stop());

  it("closes that session's socket at once, and leaves the user's other session connected", async () => {
    const first = await registerUser(server.url, "two-devices");
    const secondRest = new MeshRest(server.url);
    const second = await secondRest.login("two-devices", "correct horse battery");
    const phone = await first.client.join("lobby");
    const laptop = await connect({ url: server.url, token: second.token }).join("lobby");

    expect(await first.rest.logout()).toEqual({ ok: true, closedSockets: 1 });
    await waitFor("the logged-out socket closed", () => phone.closedWith === CloseCode.SessionRevoked, 1000);

    await ticksPass(laptop, 3);
    expect(laptop.closedWith).toBeUndefined();
    const message = await laptop.sendAndWait("still here");
    expect(message.authorId).toBe(first.participant.id);
    await laptop.leave();
  });
});
