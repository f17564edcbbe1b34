import { describe, expect, it } from "vitest";
import { registerUser, startTestServer, waitFor } from "./harness.ts";

// Its own file: Colyseus's matchmaker is one per process, so one server per test file.
describe("a session that expires while connected", () => {
  it("loses its socket without any action of its own", async () => {
    // JWT times are whole seconds: 3 s leaves at least 2 s to register and join.
    const server = await startTestServer({ sessionTtlS: 3 });
    try {
      const user = await registerUser(server.url, "shortlived");
      const room = await user.client.join("lobby");
      expect(room.closedWith).toBeUndefined();
      await waitFor("closed as the session expires", () => room.closedWith === 4001, 8000);
      const res = await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${user.token}` } });
      expect(res.status).toBe(401);
    } finally {
      await server.stop();
    }
  });

  it("cannot act once expired, even before any sweep comes round", async () => {
    // The sweep is off (an hour): only the check made on each action can stop this session.
    const server = await startTestServer({ sessionTtlS: 3 }, { sessionSweepMs: 3_600_000 });
    try {
      const user = await registerUser(server.url, "lingering");
      const room = await user.client.join("lobby");
      await room.sendAndWait("while the session lasts");
      const expiresAt = JSON.parse(Buffer.from(user.token.split(".")[1], "base64url").toString()).exp * 1000;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now()) + 200));
      expect(room.closedWith).toBeUndefined(); // nothing swept it
      room.send("after the session ended", { nonce: "late" });
      room.moveTo(1, 1);
      await waitFor("closed on its next action", () => room.closedWith === 4001, 3000);
      // Everyone's session is short here: a fresh one shows the room goes on.
      const watcher = await (await registerUser(server.url, "witness")).client.join("lobby");
      await watcher.sendAndWait("the room goes on");
      const res = await fetch(`${server.url}/api/rooms/lobby/messages?limit=50`, {
        headers: { authorization: `Bearer ${(await registerUser(server.url, "auditor")).token}` },
      });
      const { messages } = (await res.json()) as { messages: { text: string }[] };
      expect(messages.some((m) => m.text === "after the session ended")).toBe(false);
      expect(messages.some((m) => m.text === "while the session lasts")).toBe(true);
      await watcher.leave();
    } finally {
      await server.stop();
    }
  });
});
