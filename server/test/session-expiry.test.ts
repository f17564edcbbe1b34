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
});
