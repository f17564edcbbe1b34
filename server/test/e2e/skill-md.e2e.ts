import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { MeshRest } from "@mesh/bots";
import { afterAll, describe, expect, it } from "vitest";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** The `sh` blocks of SKILL.md, in order: exactly what an agent is told to run. */
export function shellBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * SKILL.md followed literally: its shell blocks, in order, in one bash, from an empty folder,
 * against a fresh clone of this repository's committed HEAD (git clone, npm install, npm start,
 * register, POST /api/bots, the SDK from the mesh, the hello bot). It ends with a bot that has
 * joined the lobby and said hello, which a client of the new mesh then reads.
 */
describe("SKILL.md, followed literally against a fresh clone", () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-skill-"));
  let group: number | undefined;

  afterAll(() => {
    // The script and the server it started in the background share one process group: ours.
    if (group !== undefined) {
      try {
        process.kill(-group, "SIGTERM");
      } catch {
        // already gone
      }
    }
    fs.rmSync(work, { recursive: true, force: true });
  });

  it("deploys, registers a bot, installs the served SDK and says hello in the lobby", async () => {
    const blocks = shellBlocks(fs.readFileSync(path.join(REPO, "SKILL.md"), "utf8"));
    expect(blocks.length).toBeGreaterThanOrEqual(5);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const script = path.join(work, "skill.sh");
    fs.writeFileSync(script, `set -euo pipefail\n${blocks.join("\n")}`);
    const child = spawn("bash", [script], {
      cwd: work,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        MESH_REPO: REPO,
        PORT: String(port),
        MESH_URL: url,
        MESH_USER: "skill_owner",
        MESH_PASSWORD: "correct horse battery",
        MESH_BOT: "skill-bot",
        // Loopback only, quiet logs, and npm's cache first: the CI machine installed the same packages.
        HOST: "127.0.0.1",
        LOG_LEVEL: "warn",
        npm_config_prefer_offline: "true",
        npm_config_audit: "false",
        npm_config_fund: "false",
        npm_config_update_notifier: "false",
      },
    });
    group = child.pid;
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code, `SKILL.md's commands failed:\n${output.slice(-4000)}`).toBe(0);
    expect(output).toMatch(/said #\d+ in lobby/);

    // Someone on the new mesh reads the lobby: the bot's hello is there, from a bot owned by the owner.
    const rest = new MeshRest(url);
    const session = await rest.login("skill_owner", "correct horse battery");
    const reader = new MeshRest(url, session.token);
    const hello = (await reader.history("lobby")).find((m) => m.text === "hello, I am skill-bot");
    expect(hello).toBeDefined();
    const bot = (await reader.participants()).find((p) => p.id === hello?.authorId);
    expect(bot).toMatchObject({ kind: "bot", name: "skill-bot" });
    const bots = (await (await fetch(`${url}/api/bots`, { headers: { authorization: `Bearer ${session.token}` } })).json()) as { bots: { name: string; ownerId: string }[] };
    expect(bots.bots).toEqual([expect.objectContaining({ name: "skill-bot", ownerId: session.participant.id })]);
  });
});
