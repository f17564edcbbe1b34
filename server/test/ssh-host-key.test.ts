import { createHash } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Client } from "ssh2";
import { describe, expect, it, onTestFinished } from "vitest";
import { MeshRest } from "@mesh/bots";
import { type ChildServer, killProcess, runServerProcess, stopProcess } from "./child-server.ts";
import { sshShell } from "./ssh-shell.ts";

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** The fingerprint of the host key the server at `port` presents, as an ssh client computes it. */
function presentedFingerprint(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    client.on("error", () => {}); // the sign-in below is refused; the key is all we came for
    setTimeout(() => reject(new Error("no host key presented")), 10_000).unref();
    client.connect({
      host: "127.0.0.1",
      port,
      username: "nobody",
      password: "nothing at all",
      hostVerifier: (key: Buffer) => {
        resolve(`SHA256:${createHash("sha256").update(key).digest("base64").replace(/=+$/, "")}`);
        setImmediate(() => client.end());
        return true;
      },
    });
  });
}

/** The host key the server logged at start (main.ts), once it has. */
async function loggedFingerprint(server: ChildServer): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const match = /"hostKey":"(SHA256:[^"]+)"/.exec(server.output());
    if (match?.[1]) return match[1];
    if (Date.now() > deadline) throw new Error(`no SSH host key in the log:\n${server.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("the SSH host key", () => {
  it("is made on first run, 0600 in the data folder, the same after a restart, and refused when others may read it (in a real server process)", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-ssh-host-key-"));
    const sshPort = await freePort();
    const env = { MESH_DATA_DIR: dataDir, MESH_SSH_PORT: String(sshPort) };
    let current: ReturnType<typeof runServerProcess> | undefined;
    onTestFinished(async () => {
      if (current) await killProcess(current);
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    current = runServerProcess(env);
    await current.ready;
    const first = await loggedFingerprint(current);
    expect(await presentedFingerprint(sshPort)).toBe(first);
    const keyFile = path.join(dataDir, "ssh_host_ed25519_key");
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(keyFile, "utf8")).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----/);
    expect(await stopProcess(current)).toBe(0);

    current = runServerProcess(env);
    const url = await current.ready;
    expect(await loggedFingerprint(current)).toBe(first);
    expect(await presentedFingerprint(sshPort)).toBe(first);
    // The door in a real `npm start` process (plain Node ESM, not the test runner) lands in the MUD.
    await new MeshRest(url).register("ssh-process", "correct horse battery");
    const shell = await sshShell(sshPort, { username: "ssh-process", password: "correct horse battery" });
    await shell.until("lobby> ", 10_000);
    shell.type("quit\r");
    expect(await shell.exited).toBe(0);
    // Someone still connected when the server stops is told, and the server still stops cleanly.
    const staying = await sshShell(sshPort, { username: "ssh-process", password: "correct horse battery" });
    await staying.until("lobby> ", 10_000);
    expect(await stopProcess(current)).toBe(0);
    expect(await staying.exited).toBe(1);
    expect(staying.output()).toContain("The Mesh is shutting down");

    fs.chmodSync(keyFile, 0o644);
    current = runServerProcess(env);
    await expect(current.ready).rejects.toThrow(/can be read by other users \(mode 644\); run chmod 600/);
    expect(await current.exited).toBe(1);
  });
});
