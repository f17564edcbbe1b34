import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClientMessage, type ErrorPayload, type MessageData } from "@mesh/schema";
import { registerUser, startTestServer, type TestServer, ticksPass, waitFor } from "./harness.ts";

// A resend with the same nonce can arrive before the original is stored (same tick), while it
// is being stored (next tick), or long after; each path must keep exactly one copy.
describe("resending with the same nonce", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it("stores, shows and numbers one message, whether resent in the same tick, the next one, or over REST", async () => {
    const author = await registerUser(server.url, "repeater");
    const reader = await registerUser(server.url, "listener");
    const room = await author.client.join("lobby");
    const watching = await reader.client.join("lobby");
    const seen: MessageData[] = [];
    watching.onMessage((m) => seen.push(m));
    const errors: ErrorPayload[] = [];
    room.onError((e) => errors.push(e));

    const first = await room.sendAndWait("before the repeats");

    const payload = { text: "said once", nonce: "socket-twice" };
    room.sendRaw(ClientMessage.SendMessage, payload);
    room.sendRaw(ClientMessage.SendMessage, payload);
    await ticksPass(room, 1);
    room.sendRaw(ClientMessage.SendMessage, payload);
    await ticksPass(room, 1);
    room.sendRaw(ClientMessage.SendMessage, payload);

    // Over REST: two at once (one tick), one later, and one repeating the socket's nonce.
    const posted = await Promise.all([
      author.rest.postMessage("lobby", { text: "posted once", nonce: "rest-twice" }),
      author.rest.postMessage("lobby", { text: "posted once", nonce: "rest-twice" }),
    ]);
    await ticksPass(room, 1);
    const later = await author.rest.postMessage("lobby", { text: "posted once", nonce: "rest-twice" });
    const overRest = await author.rest.postMessage("lobby", payload);

    const last = await room.sendAndWait("after the repeats");
    await watching.settled();

    const viaSocket = first.seq + 1;
    const viaRest = first.seq + 2;
    expect(posted.map((m) => m.seq)).toEqual([viaRest, viaRest]);
    expect(later.seq).toBe(viaRest);
    expect(overRest.seq).toBe(viaSocket);
    expect(last.seq).toBe(first.seq + 3);
    expect(errors).toEqual([]);

    const history = await reader.rest.history("lobby", { after: first.seq - 1 });
    expect(history.map((m) => [m.seq, m.nonce])).toEqual([
      [first.seq, first.nonce],
      [viaSocket, "socket-twice"],
      [viaRest, "rest-twice"],
      [last.seq, last.nonce],
    ]);
    await waitFor("reader saw the last one", () => seen.some((m) => m.seq === last.seq));
    expect(seen.map((m) => m.seq)).toEqual([first.seq, viaSocket, viaRest, last.seq]);
    for (const nonce of ["socket-twice", "rest-twice"]) {
      expect(watching.state.messages.filter((m) => m.nonce === nonce)).toHaveLength(1);
    }
  });
});
