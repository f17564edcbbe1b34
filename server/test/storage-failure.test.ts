import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ErrorPayload, MessageData } from "@mesh/schema";
import { registerUser, startTestServer, type TestServer, ticksPass, waitFor } from "./harness.ts";

describe("when SQLite refuses a tick's batch", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it("tells the author, shows nothing, keeps ticking, and keeps seq gap-free for the resend", async () => {
    const author = await registerUser(server.url, "author");
    const reader = await registerUser(server.url, "reader");
    const room = await author.client.join("lobby");
    const watching = await reader.client.join("lobby");
    const seen: MessageData[] = [];
    watching.onMessage((m) => seen.push(m));
    const errors: ErrorPayload[] = [];
    room.onError((e) => errors.push(e));

    const before = await room.sendAndWait("stored fine", { nonce: "ok-1" });
    const sqlite = server.services.db.sqlite;
    sqlite.pragma("query_only = ON"); // every write now fails, as on a full or read-only disk
    try {
      room.send("lost to the disk", { nonce: "retry-me" });
      await waitFor("internal error for the author", () => errors.length > 0);
      expect(errors[0]).toMatchObject({ code: "internal", ref: "send_message:retry-me" });
      const tick = watching.tick;
      await ticksPass(watching, 3);
      expect(watching.tick).toBeGreaterThan(tick);
      expect(watching.state.messages.some((m) => m.nonce === "retry-me")).toBe(false);
    } finally {
      sqlite.pragma("query_only = OFF");
    }

    const resent = await room.sendAndWait("lost to the disk", { nonce: "retry-me" });
    expect(resent.seq).toBe(before.seq + 1);
    await waitFor("reader saw both", () => seen.length >= 2);
    expect(seen.map((m) => m.seq)).toEqual([before.seq, before.seq + 1]);
    const history = await reader.rest.history("lobby");
    expect(history.filter((m) => m.nonce === "retry-me")).toHaveLength(1);
  });

  it("answers a REST sender with an error, not 201, and takes the resend", async () => {
    const author = await registerUser(server.url, "rest-author");
    const lastSeq = (await author.rest.history("lobby")).at(-1)?.seq ?? 0;
    const post = () =>
      fetch(`${server.url}/api/rooms/lobby/messages`, {
        method: "POST",
        headers: { authorization: `Bearer ${author.token}`, "content-type": "application/json" },
        body: JSON.stringify({ text: "posted to a full disk", nonce: "rest-retry" }),
      });
    const sqlite = server.services.db.sqlite;
    sqlite.pragma("query_only = ON");
    let refused: Response;
    try {
      refused = await post();
    } finally {
      sqlite.pragma("query_only = OFF");
    }
    expect(refused.status).toBe(500);
    expect(await refused.json()).toMatchObject({ error: { code: "internal" } });
    expect((await author.rest.history("lobby")).some((m) => m.nonce === "rest-retry")).toBe(false);

    const resent = await post();
    expect(resent.status).toBe(201);
    expect(((await resent.json()) as MessageData).seq).toBe(lastSeq + 1);
  });
});
