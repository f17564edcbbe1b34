import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it, onTestFinished } from "vitest";
import { killProcess, runServerProcess, stopProcess } from "./child-server.ts";
import { waitFor } from "./harness.ts";

describe("the server process, as a user runs it", () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-process-"));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it("prints every setting for --help and exits 0", async () => {
    const server = runServerProcess({ MESH_DATA_DIR: dataDir }, ["--help"]);
    expect(await server.exited).toBe(0);
    for (const name of ["PORT", "HOST", "MESH_DATA_DIR", "LOG_LEVEL", "MESH_RATE_PER_S"]) {
      expect(server.output()).toContain(name);
    }
  });

  it("starts with `npm start` and a log line naming its URL, and stops cleanly on SIGTERM", async () => {
    const server = runServerProcess({ MESH_DATA_DIR: dataDir }, [], "npm start");
    onTestFinished(() => killProcess(server)); // a failed expectation must not leave it running
    const url = await server.ready;
    const health = await (await fetch(`${url}/api/health`)).json();
    // Nothing runs until someone uses a room.
    expect(health).toMatchObject({ ok: true, tickHz: 20, rooms: 0 });
    const page = await (await fetch(url)).text();
    expect(page).toContain("<title>The Mesh");
    // Reached by a name it was not told about, it refuses, and the log says which setting to change.
    const byName = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${url}/api/health`, { headers: { Host: "mybox.lan" } }, (res) => resolve(res.statusCode ?? 0));
      req.on("error", reject);
      req.end();
    });
    expect(byName).toBe(403);
    await waitFor("host warning", () => /mybox\.lan.*MESH_ALLOWED_HOSTS/.test(server.output()));
    // Audit entries are logged with their chain hash, so the head of the chain lives outside the database too.
    await fetch(`${url}/api/auth/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "first", password: "correct horse battery" }),
    });
    await waitFor("audit line", () => /"audit":1,"hash":"[0-9a-f]{64}","action":"register"/.test(server.output()));
    // npm passes SIGTERM on to the server and then reports the signal as its own way out.
    expect([0, "SIGTERM"]).toContain(await stopProcess(server));
    await waitFor("the server's own clean exit", () => server.output().includes("stopped cleanly"));
    // Only the server's user may read the database (password hashes) and the signing key.
    expect(fs.statSync(path.join(dataDir, "mesh.sqlite")).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(dataDir, "jwt.key")).mode & 0o777).toBe(0o600);
    // The SQLite WAL was checkpointed into the main file on the way out.
    expect(fs.existsSync(path.join(dataDir, "mesh.sqlite-wal"))).toBe(false);
  });

  it("says clearly that the port is taken", async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const server = runServerProcess({ MESH_DATA_DIR: dataDir, PORT: String(port) });
      expect(await server.exited).toBe(1);
      expect(server.output()).toContain(`port ${port} is already in use`);
      expect(server.output()).not.toMatch(/\n\s+at /);
    } finally {
      blocker.close();
    }
  });

  it("says clearly that the data folder is not writable", async () => {
    const file = path.join(dataDir, "a-file");
    fs.writeFileSync(file, "");
    const server = runServerProcess({ MESH_DATA_DIR: path.join(file, "data") });
    expect(await server.exited).toBe(1);
    expect(server.output()).toMatch(/data folder .* is not writable/);
    expect(server.output()).not.toMatch(/\n\s+at /);
  });

  it("refuses a default role that does not exist", async () => {
    const server = runServerProcess({ MESH_DATA_DIR: dataDir, MESH_DEFAULT_ROLE: "wizard" });
    expect(await server.exited).toBe(1);
    expect(server.output()).toContain("MESH_DEFAULT_ROLE=wizard is not a role");
  });

  it("refuses a bad setting with the reason and exits 2", async () => {
    const server = runServerProcess({ MESH_DATA_DIR: dataDir, PORT: "eighty", LOG_LEVEL: "loud" });
    expect(await server.exited).toBe(2);
    expect(server.output()).toContain("PORT=eighty");
    expect(server.output()).toContain("LOG_LEVEL=loud");
  });
});
