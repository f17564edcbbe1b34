import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import type { MessageData } from "@mesh/schema";
import { afterAll, describe, expect, it, onTestFinished } from "vitest";
import { killProcess, runServerProcess } from "./child-server.ts";
import { registerUser, waitFor } from "./harness.ts";
import { MESH_TERM, runInPty } from "./term-driver.ts";

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** The server goes away under a terminal user: kill -9, back again, then gone for good. */
describe("mesh-term when the server goes away", () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-term-kill-"));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it("says so, comes back into the room after a restart, and exits with code 4 when the server stays gone", { timeout: 90_000 }, async () => {
    const port = await freePort();
    const env = { MESH_DATA_DIR: dataDir, PORT: String(port) };
    const first = runServerProcess(env);
    onTestFinished(() => killProcess(first));
    const url = await first.ready;
    await registerUser(url, "survivor-owner");
    const ann = await registerUser(url, "survivor");

    const run = runInPty(process.execPath, [MESH_TERM, "--url", url, "--token", ann.token, "--retries", "8"]);
    onTestFinished(() => run.kill());
    await run.waitFor("Lobby (lobby)");
    run.type("say before the crash\r");
    await run.waitFor("survivor says: before the crash");

    let from = run.mark();
    await killProcess(first);
    await run.waitFor("The connection dropped; reconnecting…", { from });

    const second = runServerProcess(env);
    onTestFinished(() => killProcess(second));
    expect(await second.ready).toBe(url);
    // Back in: the SDK resumes (or the session joins afresh) and what is typed next is said in the new server's lobby.
    const watcher = await (await registerUser(url, "survivor-watcher")).client.join("lobby");
    const heard: MessageData[] = [];
    watcher.onMessage((m) => heard.push(m));
    await waitFor("the survivor back in the lobby", () => watcher.participant(ann.participant.id), 30_000);
    run.type("say after the restart\r");
    await waitFor("the watcher hears the survivor", () => heard.find((m) => m.text === "after the restart"), 10_000);
    await watcher.leave();

    from = run.mark();
    await killProcess(second);
    await run.waitFor("The connection dropped; reconnecting…", { from });
    expect(await run.exited, run.text().slice(-600)).toBe(4);
    expect(run.text().slice(-400)).toMatch(/Cannot reach the server at http:\/\/127\.0\.0\.1:\d+\./);
  });
});
