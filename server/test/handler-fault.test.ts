import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorsOf, registerUser, startTestServer, type TestServer, type TestUser, ticksPass, waitFor } from "./harness.ts";

describe("a bug in an input handler", () => {
  let server: TestServer;
  let ann: TestUser;
  let ben: TestUser;

  beforeAll(async () => {
    server = await startTestServer();
    ann = await registerUser(server.url, "ann");
    ben = await registerUser(server.url, "ben");
  });
  afterAll(() => server.stop());

  it("costs its sender one internal error, never the room", async () => {
    const a = await ann.client.join("lobby");
    const b = await ben.client.join("lobby");
    const stored = await a.sendAndWait("edit me later");
    const errors = errorsOf(a);
    // Fault injection: the store's lookup throws while the edit is decided.
    const messages = server.services.db.messages;
    const get = messages.get;
    messages.get = () => {
      throw new Error("injected fault");
    };
    try {
      a.sendRaw("edit_message", { messageId: stored.id, text: "edited" });
      await waitFor("the internal error", () => errors.find((e) => e.ref === "edit_message"));
    } finally {
      messages.get = get;
    }
    expect(errors).toEqual([{ code: "internal", message: "the server could not handle that message", ref: "edit_message" }]);
    // The room ticks on, and the next edit goes through for everyone.
    await ticksPass(b, 2);
    a.edit(stored.id, "edited for real");
    await waitFor("Ben sees the edit", () => [...b.state.messages].find((m) => m.id === stored.id && m.text === "edited for real"));
    await a.leave();
    await b.leave();
  });
});
