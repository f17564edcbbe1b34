import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allowedBefore429, registerUser, startTestServer, type TestServer, type TestUser } from "./harness.ts";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * Second ways into what the web pages poll: every open start page asks for the room list and for
 * everyone's presence every few seconds, so a script asking the same routes in a loop must meet the
 * same reads allowance the room list and history meet.
 */
describe("what the pages poll is metered on every route to it", () => {
  let server: TestServer;
  let ann: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    server = await startTestServer();
    await registerUser(server.url, "owner");
    ann = await registerUser(server.url, "ann");
    bob = await registerUser(server.url, "bob");
  });
  afterAll(() => server.stop());

  const get = (user: TestUser, route: string) => fetch(`${server.url}${route}`, { headers: { authorization: `Bearer ${user.token}` } });

  it("the participant list (all members, presence in every room) spends reads like the room list", async () => {
    // Three reads each out of a burst of 100, refilled at 20 a second while the loop runs.
    const listed = await allowedBefore429(300, () => get(ann, "/api/participants"));
    expect(listed).toBeGreaterThanOrEqual(30);
    expect(listed).toBeLessThanOrEqual(45);
  });

  it("one room by id spends a read like a page of its history", async () => {
    const shown = await allowedBefore429(1000, () => get(bob, "/api/rooms/lobby"));
    expect(shown).toBeGreaterThanOrEqual(100);
    expect(shown).toBeLessThanOrEqual(200);
  });
});

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * `npm run dev` puts Vite in front of the server with the repository as its root, and the server's
 * data folder (./data by default) is inside it: Vite's file serving must not be a way to the
 * SQLite file, the signing key or the uploads that the server itself never hands out.
 */
describe("the dev server keeps the data folder to itself", () => {
  // Under test-results/ (ignored by git), as ./data would be under the repository.
  const dataDir = path.join(REPO, "test-results", `web-paths-data-${process.pid}`);
  let vite: ChildProcess | undefined;
  let base = "";

  beforeAll(async () => {
    fs.mkdirSync(path.join(dataDir, "uploads"), { recursive: true });
    fs.writeFileSync(path.join(dataDir, "mesh.sqlite"), "SQLite format 3\0");
    fs.writeFileSync(path.join(dataDir, "mesh.sqlite-wal"), "wal");
    fs.writeFileSync(path.join(dataDir, "uploads", "0123abcd"), "a private room's file");
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    vite = spawn(process.execPath, ["node_modules/vite/bin/vite.js", "--host", "127.0.0.1", "--strictPort"], {
      cwd: REPO,
      env: { ...process.env, MESH_DEV_PORT: String(port), MESH_DATA_DIR: dataDir },
      stdio: "ignore",
    });
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        if ((await fetch(`${base}/`)).ok) break;
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline) throw new Error("vite dev server did not start");
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }, 30_000);

  afterAll(() => {
    vite?.kill("SIGTERM");
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("refuses every file of the data folder, however it is named", async () => {
    const under = path.relative(REPO, dataDir).split(path.sep).join("/");
    for (const file of ["mesh.sqlite", "mesh.sqlite-wal", "uploads/0123abcd"]) {
      for (const url of [`/${under}/${file}`, `/@fs${dataDir.split(path.sep).join("/")}/${file}`, `/${under}/${file}?raw`]) {
        const res = await fetch(`${base}${url}`);
        const body = await res.text();
        expect(res.status, url).not.toBe(200);
        expect(body, url).not.toContain("SQLite format");
        expect(body, url).not.toContain("private room's file");
      }
    }
  });

  it("still serves the pages", async () => {
    expect((await fetch(`${base}/`)).status).toBe(200);
    expect((await fetch(`${base}/3d`)).status).toBe(200);
  });
});
