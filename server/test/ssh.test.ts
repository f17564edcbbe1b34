import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pty from "@lydell/node-pty";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allowedBefore429, registerBot, registerUser, restCall, startTestServer, type TestServer, type TestUser, waitFor } from "./harness.ts";
import { ed25519Pair } from "../src/ssh/keygen.ts";
import { sshRefusal, type SshShell, sshShell } from "./ssh-shell.ts";

const PASSWORD = "correct horse battery";

/** The SSH front door: `ssh -p PORT name@host` signs in and lands in the MUD, with the same rules as REST. */
describe("the SSH front door", () => {
  let server: TestServer;
  let port: number;
  let owner: TestUser;
  beforeAll(async () => {
    // Sign-in limits have a file of their own (ssh-limits.test.ts); here every test registers and signs in freely.
    server = await startTestServer({ sshPort: 0, authRatePerMin: 10_000 });
    port = server.ssh?.port ?? 0;
    owner = await registerUser(server.url, "ssh-owner"); // the first account is the owner; the rest are members
  });
  afterAll(() => server.stop());

  /** Signed in and standing in the lobby, prompt shown. */
  const arrive = async (credentials: Parameters<typeof sshShell>[1]): Promise<SshShell> => {
    const shell = await sshShell(port, credentials);
    await shell.until("lobby> ");
    return shell;
  };

  it("refuses a wrong password, and lets the right one into the lobby, where look names the room", async () => {
    await registerUser(server.url, "ann");
    const refused = await sshRefusal(port, { username: "ann", password: "not her password" });
    expect(refused.message).toMatch(/authentication methods failed/);
    expect(await sshRefusal(port, { username: "nobody-here", password: PASSWORD })).toBeInstanceOf(Error);
    const shell = await sshShell(port, { username: "ann", password: PASSWORD });
    await shell.until("Welcome to The Mesh, ann");
    await shell.until("Lobby");
    await shell.until("lobby> ");
    shell.type("quit\r");
    expect(await shell.exited).toBe(0);
    expect(shell.output()).toContain("Goodbye.");
    const audit = server.services.db.audit.list({ limit: 50 }).filter((e) => e.target === "ann" || e.actorId !== "");
    expect(audit.some((e) => e.action === "login.failed" && (e.detail as { via?: string }).via === "ssh")).toBe(true);
    expect(audit.some((e) => e.action === "login" && (e.detail as { via?: string }).via === "ssh")).toBe(true);
  });

  it("carries what is said both ways: say reaches an SDK client, and the SDK client's words reach the terminal", async () => {
    await registerUser(server.url, "bea");
    const listener = await registerUser(server.url, "bea-listener");
    const room = await listener.client.join("lobby");
    const heard: string[] = [];
    room.onMessage((m) => heard.push(`${m.authorName}: ${m.text}`));
    const shell = await arrive({ username: "bea", password: PASSWORD });
    await waitFor("bea in the listener's room", () => room.participants().some((p) => p.name === "bea"));
    shell.type("say hello from ssh\r");
    await waitFor("bea's line at the SDK client", () => heard.includes("bea: hello from ssh"));
    await room.sendAndWait("hello back, terminal");
    await shell.until("hello back, terminal");
    shell.end();
    await shell.exited;
    await room.leave();
  });

  it("shows hostile escape sequences from another participant as inert text, never raw", async () => {
    await registerUser(server.url, "cid");
    const hostile = await registerUser(server.url, "cid-hostile");
    const room = await hostile.client.join("lobby");
    const shell = await arrive({ username: "cid", password: PASSWORD });
    const from = shell.output().length;
    await room.sendAndWait("title \u001b]0;pwned\u0007 and clear \u001b[2J done\tX");
    await shell.until("done", 5000, from);
    const arrived = shell.output().slice(from);
    expect(arrived).toContain("pwned");
    expect(arrived).not.toContain("\u001b]0;");
    expect(arrived).not.toContain("\u001b[2J");
    expect(arrived).not.toContain("\u0007");
    shell.end();
    await room.leave();
  });

  it("signs in with a registered public key, and never with another account's key", async () => {
    const dee = await registerUser(server.url, "dee");
    const mallory = await registerUser(server.url, "mallory");
    const deeKey = ed25519Pair("dee@laptop");
    const malloryKey = ed25519Pair();
    expect((await restCall(server.url, dee.token, "POST", "/api/me/ssh-keys", { name: "laptop", key: deeKey.public })).status).toBe(201);
    expect((await restCall(server.url, mallory.token, "POST", "/api/me/ssh-keys", { name: "mine", key: malloryKey.public })).status).toBe(201);
    // Mallory's own key opens Mallory's account only; a key not registered opens nothing.
    await sshRefusal(port, { username: "dee", privateKey: malloryKey.private });
    await sshRefusal(port, { username: "dee", privateKey: ed25519Pair().private });
    const shell = await arrive({ username: "dee", privateKey: deeKey.private });
    expect(shell.output()).toContain("Welcome to The Mesh, dee");
    shell.type("quit\r");
    expect(await shell.exited).toBe(0);
    const listed = await restCall(server.url, dee.token, "GET", "/api/me/ssh-keys");
    const keys = listed.body.keys as Array<{ id: string; lastUsedAt: number }>;
    expect(keys).toHaveLength(1);
    expect(keys[0]?.lastUsedAt).toBeGreaterThan(0);
    // Removed, it opens nothing any more.
    expect((await restCall(server.url, dee.token, "DELETE", `/api/me/ssh-keys/${keys[0]?.id}`)).status).toBe(200);
    await sshRefusal(port, { username: "dee", privateKey: deeKey.private });
  });

  it("manages keys through the SDK too: add, list, refuse a private key in words, remove", async () => {
    const sid = await registerUser(server.url, "sdk-keys");
    const key = ed25519Pair("sid@desk");
    const added = await sid.rest.addSshKey("desk", key.public);
    expect(added).toMatchObject({ name: "desk", algo: "ssh-ed25519", fingerprint: expect.stringMatching(/^SHA256:/), lastUsedAt: 0 });
    expect((await sid.rest.sshKeys()).map((k) => k.id)).toEqual([added.id]);
    await expect(sid.rest.addSshKey("oops", key.private)).rejects.toMatchObject({ status: 400, code: "bad_input" });
    await sid.rest.removeSshKey(added.id);
    expect(await sid.rest.sshKeys()).toEqual([]);
    await expect(sid.rest.removeSshKey(added.id)).rejects.toMatchObject({ status: 404 });
  });

  it("manages keys over REST: own keys only, public keys only, no duplicates, ten at most, metered", async () => {
    const lee = await registerUser(server.url, "lee");
    const other = await registerUser(server.url, "lee-other");
    const key = ed25519Pair();
    const post = (token: string, body: unknown) => restCall(server.url, token, "POST", "/api/me/ssh-keys", body);
    expect((await restCall(server.url, "", "GET", "/api/me/ssh-keys")).status).toBe(401);
    expect((await post("nonsense", { name: "x", key: key.public })).status).toBe(401);
    expect((await post(lee.token, { name: "x", key: key.private })).body).toMatchObject({ error: { code: "bad_input", message: expect.stringMatching(/private key/) } });
    expect((await post(lee.token, { name: "x", key: "ssh-ed25519 garbage" })).status).toBe(400);
    expect((await post(lee.token, { name: "\u0000\u001b", key: key.public })).status).toBe(400);
    expect((await post(lee.token, { name: "x", key: key.public, extra: 1 })).status).toBe(400);
    const added = await post(lee.token, { name: "desk \u001b[2J top", key: `${key.public} lee@desk` });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ name: "desk [2J top", algo: "ssh-ed25519", fingerprint: expect.stringMatching(/^SHA256:/) });
    expect((await post(lee.token, { name: "again", key: key.public })).status).toBe(409);
    for (let i = 1; i < 10; i++) expect((await post(lee.token, { name: `k${i}`, key: ed25519Pair().public })).status).toBe(201);
    const eleventh = await post(lee.token, { name: "k11", key: ed25519Pair().public });
    expect(eleventh).toMatchObject({ status: 403, body: { error: { message: expect.stringMatching(/remove one first/) } } });
    // Someone else's key id is as unknown as a missing one, and stays.
    expect((await restCall(server.url, other.token, "DELETE", `/api/me/ssh-keys/${added.body.id}`)).status).toBe(404);
    expect((await restCall(server.url, other.token, "GET", "/api/me/ssh-keys")).body).toEqual({ keys: [] });
    expect(((await restCall(server.url, lee.token, "GET", "/api/me/ssh-keys")).body.keys as unknown[]).length).toBe(10);
    // Writes spend the inputs allowance like every other write.
    const allowed = await allowedBefore429(200, () =>
      fetch(`${server.url}/api/me/ssh-keys/none`, { method: "DELETE", headers: { authorization: `Bearer ${other.token}` } }).then((res) =>
        res.status === 404 ? new Response(null, { status: 200 }) : res,
      ),
    );
    expect(allowed).toBeLessThan(200);
  });

  it("ends the SSH session cleanly when its sign-in is revoked elsewhere, and revokes its own session when it ends", async () => {
    const eve = await registerUser(server.url, "eve");
    const watcher = await (await registerUser(server.url, "eve-watcher")).client.join("lobby");
    const shell = await arrive({ username: "eve", password: PASSWORD });
    await waitFor("eve in the room", () => watcher.participants().some((p) => p.name === "eve"));
    server.services.db.sessions.revokeAllForUser(eve.participant.id);
    expect(await shell.exited).toBe(1);
    expect(shell.output()).toMatch(/signed out/i);
    await waitFor("eve gone from the room", () => !watcher.participants().some((p) => p.name === "eve" && p.status !== "offline"), 5000);

    // A connection that ends (the user closes the terminal) leaves no live session behind.
    const before = new Set(sessionsOf(eve.participant.id).map((s) => s.id));
    const again = await arrive({ username: "eve", password: PASSWORD });
    const minted = sessionsOf(eve.participant.id).find((s) => !before.has(s.id));
    expect(minted?.revoked_at).toBeNull();
    again.end();
    await again.exited;
    await waitFor("the SSH session revoked", () => sessionsOf(eve.participant.id).find((s) => s.id === minted?.id)?.revoked_at);
    await watcher.leave();
  });

  it("ends a signed-in connection without a shell when its session is revoked, and gives one connection six tries at most", async () => {
    const { Client } = await import("ssh2");
    const nia = await registerUser(server.url, "nia");
    const idle = new Client();
    const closed = new Promise<void>((resolve) => idle.on("close", () => resolve()));
    await new Promise<void>((resolve, reject) => {
      idle.on("ready", () => resolve()).on("error", reject);
      idle.connect({ host: "127.0.0.1", port, username: "nia", password: PASSWORD });
    });
    server.services.db.sessions.revokeAllForUser(nia.participant.id);
    await closed; // the door's sweep (every 100 ms in tests) hangs up

    let tries = 0;
    const guesser = new Client();
    await new Promise<void>((resolve, reject) => {
      guesser.on("ready", () => reject(new Error("a guess got in")));
      guesser.on("error", () => {}).on("close", () => resolve());
      guesser.connect({
        host: "127.0.0.1",
        port,
        username: "nia",
        authHandler: (_left, _partial, next) => {
          tries++;
          next({ type: "password", username: "nia", password: `guess ${tries}` }); // the server, not the client, stops this
        },
      });
    });
    expect(tries).toBeLessThanOrEqual(8); // six refused, the seventh ends it (the client asks once more as it goes)
    const failed = server.services.db.audit.list({ limit: 200 }).filter((e) => e.action === "login.failed" && e.target === "nia");
    expect(failed).toHaveLength(6);
  });

  it("closes with one sentence for an account deleted mid-session", async () => {
    const fay = await registerUser(server.url, "fay");
    const shell = await arrive({ username: "fay", password: PASSWORD });
    server.services.db.users.delete(fay.participant.id);
    expect(await shell.exited).toBe(1);
    expect(shell.output()).toMatch(/signed out/i);
    await sshRefusal(port, { username: "fay", password: PASSWORD });
  });

  it("tells someone whose role may not view rooms, or who is banned from the lobby, in one sentence, and closes", async () => {
    const gus = await registerUser(server.url, "gus");
    const hal = await registerUser(server.url, "hal");
    expect((await restCall(server.url, owner.token, "POST", "/api/roles", { name: "shut_out", priority: 5, permissions: [] })).status).toBe(201);
    expect((await restCall(server.url, owner.token, "PUT", `/api/participants/${gus.participant.id}/role`, { role: "shut_out" })).status).toBe(200);
    const blind = await sshShell(port, { username: "gus", password: PASSWORD });
    expect(await blind.exited).toBe(1);
    // The MUD's join is refused by the room's own door; the user is told so (the wording is the MUD's).
    expect(blind.output()).toMatch(/refused|Could not enter lobby/);

    expect((await restCall(server.url, owner.token, "POST", "/api/rooms/lobby/bans", { participantId: hal.participant.id, seconds: 600 })).status).toBeLessThan(300);
    const banned = await sshShell(port, { username: "hal", password: PASSWORD });
    expect(await banned.exited).toBe(1);
    expect(banned.output()).toMatch(/Could not enter lobby/);
  });

  it("never lets a bot sign in, by password or by key", async () => {
    const bot = await registerBot(server.url, owner.token, { name: "ssh-bot" });
    expect(bot.token).toMatch(/^mesh_bot_/);
    await sshRefusal(port, { username: "ssh-bot", password: "!" });
    await sshRefusal(port, { username: "ssh-bot", password: PASSWORD });
    const key = ed25519Pair();
    const refused = await restCall(server.url, bot.token, "POST", "/api/me/ssh-keys", { name: "bot key", key: key.public });
    expect(refused.status).toBe(403);
  });

  it("refuses a command (exec) and a shell without a terminal, politely", async () => {
    await registerUser(server.url, "ivy");
    const { Client } = await import("ssh2");
    const run = (open: (client: InstanceType<typeof Client>, done: (text: string, code: number | undefined) => void) => void) =>
      new Promise<{ text: string; code: number | undefined }>((resolve, reject) => {
        const client = new Client();
        client.on("error", reject);
        client.on("ready", () => open(client, (text, code) => {
          client.end();
          resolve({ text, code });
        }));
        client.connect({ host: "127.0.0.1", port, username: "ivy", password: PASSWORD });
      });
    const collect = (client: InstanceType<typeof Client>, done: (text: string, code: number | undefined) => void) => (error: Error | undefined, channel: import("ssh2").ClientChannel) => {
      if (error) throw error;
      let text = "";
      let code: number | undefined;
      channel.on("data", (d: Buffer) => (text += d));
      channel.stderr.on("data", (d: Buffer) => (text += d));
      channel.on("exit", (c: number) => (code = c));
      channel.on("close", () => done(text, code));
      void client;
    };
    const exec = await run((client, done) => client.exec("look", collect(client, done)));
    expect(exec).toMatchObject({ code: 1, text: expect.stringMatching(/not a command runner/) });
    const noPty = await run((client, done) => client.shell(false, collect(client, done)));
    expect(noPty).toMatchObject({ code: 1, text: expect.stringMatching(/needs a terminal/) });
  });

  it("survives a 100,000-character line, keeps working, and follows window changes", async () => {
    await registerUser(server.url, "jay");
    const shell = await arrive({ username: "jay", password: PASSWORD });
    const from = shell.output().length;
    shell.type(`say ${"x".repeat(100_000)}\r`);
    await shell.until(/rest of it was dropped/, 5000, from);
    shell.resize(40, 10);
    shell.type("look\r");
    await shell.until("Lobby", 5000, from);
    shell.type("quit\r");
    expect(await shell.exited).toBe(0);
  });

  it("works with the real OpenSSH client in a pseudo-terminal: look, say, and an SDK client hears it", async () => {
    const ssh = process.env.SSH_PATH ?? "/usr/bin/ssh";
    if (!fs.existsSync(ssh)) throw new Error(`no OpenSSH client at ${ssh}: install Debian's openssh-client (.ci/run does) or set SSH_PATH`);
    const kit = await registerUser(server.url, "kit");
    const key = ed25519Pair();
    expect((await restCall(server.url, kit.token, "POST", "/api/me/ssh-keys", { name: "openssh", key: key.public })).status).toBe(201);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-openssh-"));
    const keyFile = path.join(dir, "id_ed25519");
    fs.writeFileSync(keyFile, key.private, { mode: 0o600 });
    const listener = await (await registerUser(server.url, "kit-listener")).client.join("lobby");
    const heard: string[] = [];
    listener.onMessage((m) => heard.push(`${m.authorName}: ${m.text}`));

    const args = ["-tt", "-F", "/dev/null", "-p", String(port), "-i", keyFile, "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none"];
    args.push("-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o", "LogLevel=ERROR", "kit@127.0.0.1");
    const terminal = pty.spawn(ssh, args, { cols: 100, rows: 30, env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, TERM: "xterm-256color" } });
    let screen = "";
    terminal.onData((data) => {
      screen += data;
    });
    const exited = new Promise<number>((resolve) => terminal.onExit(({ exitCode }) => resolve(exitCode)));
    try {
      await waitFor("the lobby prompt in the OpenSSH terminal", () => screen.includes("lobby> "), 10_000).catch((error: Error) => {
        throw new Error(`${error.message}; the terminal showed:\n${screen}`);
      });
      terminal.write("look\r");
      await waitFor("look's room name", () => screen.split("look").slice(1).join("").includes("Lobby"));
      terminal.write("say hello from openssh\r");
      await waitFor("kit's line at the SDK client", () => heard.includes("kit: hello from openssh"));
      await listener.sendAndWait("welcome, openssh");
      await waitFor("the SDK client's line in the OpenSSH terminal", () => screen.includes("welcome, openssh"));
      terminal.write("quit\r");
      expect(await exited).toBe(0);
    } finally {
      terminal.kill();
      fs.rmSync(dir, { recursive: true, force: true });
      await listener.leave();
    }
  });

  function sessionsOf(userId: string): Array<{ id: string; revoked_at: number | null }> {
    return server.services.db.sqlite.prepare("SELECT id, revoked_at FROM sessions WHERE user_id = ?").all(userId) as Array<{ id: string; revoked_at: number | null }>;
  }
});
