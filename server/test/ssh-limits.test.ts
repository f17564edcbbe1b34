import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerUser, startTestServer, type TestServer } from "./harness.ts";
import { sshRefusal, sshShell } from "./ssh-shell.ts";

const PASSWORD = "correct horse battery";

/** A raw TCP connection to the SSH port: resolves "open" once the server's SSH banner arrives, "cut" if it is closed first. */
function dial(port: number, localAddress = "127.0.0.1"): Promise<{ outcome: "open" | "cut"; socket: net.Socket }> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port, localAddress });
    socket.on("error", () => {});
    socket.once("data", (banner) => resolve({ outcome: banner.toString().startsWith("SSH-2.0-") ? "open" : "cut", socket }));
    socket.once("close", () => resolve({ outcome: "cut", socket }));
  });
}

/** The SSH door's limits: connections per address and in all, the sign-in allowance per address, idle sessions. */
describe("the SSH front door's limits", () => {
  let server: TestServer;
  let port: number;
  beforeAll(async () => {
    server = await startTestServer({ sshPort: 0, authRatePerMin: 8, sshIdleS: 1, sshConnectionsPerAddress: 3, sshMaxConnections: 4 });
    port = server.ssh?.port ?? 0;
  });
  afterAll(() => server.stop());

  it("closes an idle session with a sentence saying why", async () => {
    await registerUser(server.url, "idler"); // spends one sign-in from this address
    const shell = await sshShell(port, { username: "idler", password: PASSWORD });
    await shell.until("lobby> ");
    expect(await shell.exited).toBe(1);
    expect(shell.output()).toMatch(/Nothing typed for 1 seconds?: closing/);
  });

  it("cuts connections past the cap per address and in all, before any key exchange", async () => {
    const mine = await Promise.all([dial(port), dial(port), dial(port)]);
    expect(mine.map((c) => c.outcome)).toEqual(["open", "open", "open"]);
    expect((await dial(port)).outcome).toBe("cut"); // a fourth from this address
    const elsewhere = await dial(port, "127.0.0.2");
    expect(elsewhere.outcome).toBe("open"); // another address may still come in …
    expect((await dial(port, "127.0.0.3")).outcome).toBe("cut"); // … until the total is reached
    for (const { socket } of [...mine, elsewhere]) socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const again = await dial(port);
    expect(again.outcome).toBe("open");
    again.socket.destroy();
  });

  it("spends the per-address sign-in allowance REST login spends: past it, even the right password is refused", async () => {
    let wrong = 0;
    // 8 a minute from one address; registering "idler" and its sign-in took two, and each round here
    // spends one SSH try and one REST login from the same allowance: REST says 429 by the fourth.
    while (wrong < 20) {
      await sshRefusal(port, { username: "idler", password: `guess number ${wrong}` });
      wrong++;
      const login = await fetch(`${server.url}/api/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: "idler", password: "another guess" }),
      });
      if (login.status === 429) break;
    }
    expect(wrong).toBeLessThanOrEqual(5);
    await sshRefusal(port, { username: "idler", password: PASSWORD });
    const failed = server.services.db.audit.list({ limit: 100 }).filter((e) => e.action === "login.failed" && (e.detail as { via?: string }).via === "ssh");
    expect(failed.length).toBeGreaterThanOrEqual(wrong - 1);
  });
});
