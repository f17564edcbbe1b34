import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { utils } from "ssh2";
import { registerUser, restCall, startTestServer, type TestServer, waitFor } from "./harness.ts";
import { sshRefusal, sshShell } from "./ssh-shell.ts";

const PASSWORD = "correct horse battery";

/** The SSH front door: `ssh -p PORT name@host` signs in and lands in the MUD, with the same rules as REST. */
describe("the SSH front door", () => {
  let server: TestServer;
  let port: number;
  beforeAll(async () => {
    server = await startTestServer({ sshPort: 0 });
    port = server.ssh?.port ?? 0;
    await registerUser(server.url, "ssh-owner"); // the first account is the owner; the rest are members
  });
  afterAll(() => server.stop());

  it("refuses a wrong password, and lets the right one into the lobby, where look names the room", async () => {
    await registerUser(server.url, "ann");
    const refused = await sshRefusal(port, { username: "ann", password: "not her password" });
    expect(refused.message).toMatch(/authentication methods failed/);
    const shell = await sshShell(port, { username: "ann", password: PASSWORD });
    await shell.until("Welcome to The Mesh, ann");
    await shell.until("Lobby");
    await shell.until("lobby> ");
    shell.type("quit\r");
    expect(await shell.exited).toBe(0);
  });

  it("carries what is said both ways: say reaches an SDK client, and the SDK client's words reach the terminal", async () => {
    await registerUser(server.url, "bea");
    const listener = await registerUser(server.url, "bea-listener");
    const room = await listener.client.join("lobby");
    const heard: string[] = [];
    room.onMessage((m) => heard.push(`${m.authorName}: ${m.text}`));
    const shell = await sshShell(port, { username: "bea", password: PASSWORD });
    await shell.until("lobby> ");
    shell.type("say hello from ssh\r");
    await waitFor("bea's line at the SDK client", () => heard.includes("bea: hello from ssh"));
    await room.sendAndWait("hello back, terminal");
    await shell.until("hello back, terminal");
    shell.end();
    await shell.exited;
    await room.leave();
  });
});

export { utils };
