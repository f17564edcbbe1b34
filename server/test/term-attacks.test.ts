import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, type ClientChannel } from "ssh2";
import { registerUser, startTestServer, type TestServer } from "./harness.ts";
import { sshShell } from "./ssh-shell.ts";

const PASSWORD = "correct horse battery";

/** ssh2's client as a hostile one: requests the ordinary API never sends on a channel already in use. */
interface RawProtocol {
  shell(chan: number, wantReply: boolean): void;
  exec(chan: number, cmd: string, wantReply: boolean): void;
}

/** Signed in with a pty'd shell, plus the raw protocol to send what a polite client would not. */
function rawShell(port: number, username: string): Promise<{ client: Client; channel: ClientChannel; proto: RawProtocol; output(): string }> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    client.on("error", reject);
    client.on("ready", () => {
      client.shell({ term: "xterm", cols: 80, rows: 24 }, (error, channel) => {
        if (error) return reject(error);
        let text = "";
        channel.on("data", (chunk: Buffer) => (text += chunk.toString()));
        channel.stderr.on("data", (chunk: Buffer) => (text += chunk.toString()));
        const proto = (client as unknown as { _protocol: RawProtocol })._protocol;
        resolve({ client, channel, proto, output: () => text });
      });
    });
    client.connect({ host: "127.0.0.1", port, username, password: PASSWORD, tryKeyboard: false, hostVerifier: () => true, readyTimeout: 10_000 });
  });
}

describe("attacks on the terminal front doors", () => {
  let server: TestServer;
  let port: number;
  beforeAll(async () => {
    server = await startTestServer({ sshPort: 0, authRatePerMin: 10_000 });
    port = server.ssh?.port ?? 0;
    await registerUser(server.url, "term-owner");
  });
  afterAll(() => server.stop());

  it("survives a second shell or an exec sent on a session channel that already runs the MUD", async () => {
    await registerUser(server.url, "twice");
    const first = await rawShell(port, "twice");
    const remote = (first.channel as unknown as { outgoing: { id: number } }).outgoing.id;
    first.proto.shell(remote, false);
    first.proto.exec(remote, "id", false);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The server is still up and still lets people in.
    const health = await fetch(`${server.url}/api/health`);
    expect(health.status).toBe(200);
    const again = await sshShell(port, { username: "twice", password: PASSWORD });
    await again.until("lobby> ");
    again.end();
    first.client.end();
  });

  it("opens no tunnel into the server's network (forwarding either way) and no file transfer", async () => {
    await registerUser(server.url, "tunneller");
    const { client } = await rawShell(port, "tunneller");
    const httpPort = Number(new URL(server.url).port);
    const outward = await new Promise<Error | undefined>((resolve) => client.forwardOut("127.0.0.1", 0, "127.0.0.1", httpPort, (error) => resolve(error)));
    expect(outward).toBeInstanceOf(Error); // direct-tcpip: the server's own loopback stays out of reach
    const inward = await new Promise<Error | undefined>((resolve) => client.forwardIn("127.0.0.1", 0, (error) => resolve(error)));
    expect(inward).toBeInstanceOf(Error); // tcpip-forward: no port opened on the server
    const sftp = await new Promise<Error | undefined>((resolve) => client.sftp((error) => resolve(error)));
    expect(sftp).toBeInstanceOf(Error); // one session per connection, and no sftp subsystem anyway
    client.end();
  });
});

/** A server that answers every request with `status` and an error whose words are hostile terminal control sequences. */
async function hostileServer(status: number): Promise<{ url: string; close(): Promise<void> }> {
  const http = await import("node:http");
  const server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { code: "unauthorized", message: "\u001b]0;owned\u0007\u001b[2Jgone\u009b31m" } }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as import("node:net").AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** mesh-term with piped standard input: its exit code and everything it wrote. */
async function meshTerm(args: string[], input: string, env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  const { spawn } = await import("node:child_process");
  const { MESH_TERM } = await import("./term-driver.ts");
  const child = spawn(process.execPath, [MESH_TERM, ...args], { stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, ...env } });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  child.stdin.end(input);
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { code, out };
}

describe("mesh-term against a server that sends hostile words", () => {
  it("shows a refused sign-in's reason as inert text, never raw control sequences", async () => {
    const hostile = await hostileServer(401);
    try {
      const { code, out } = await meshTerm(["--url", hostile.url, "--user", "ann"], "some password\n");
      expect(code).not.toBe(0);
      expect(out).toContain("Sign-in refused");
      expect(out).not.toMatch(/[\u001b\u0007\u009b]/);
      expect(out).toContain("␛]0;owned");
    } finally {
      await hostile.close();
    }
  });

  it("shows a session's end reason (a token the server will not take) as inert text", async () => {
    const hostile = await hostileServer(500);
    try {
      const { code, out } = await meshTerm(["--url", hostile.url], "", { MESH_TOKEN: "x.y.z" });
      expect(code).not.toBe(0);
      expect(out).not.toMatch(/[\u001b\u0007\u009b]/);
      expect(out).toContain("␛[2Jgone");
    } finally {
      await hostile.close();
    }
  });
});
