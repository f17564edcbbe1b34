import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { MeshRoom, ParticipantView } from "@mesh/bots";
import type { MessageData } from "@mesh/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerUser, startTestServer, type TestServer, type TestUser, waitFor } from "./harness.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const TSC = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");

/** The README's ten-line bot, exactly as a reader would copy it: the first ```js block. */
function readmeBot(): string {
  const readme = fs.readFileSync(path.join(ROOT, "bots", "README.md"), "utf8");
  const block = /```js\n([\s\S]*?)```/.exec(readme);
  if (!block) throw new Error("bots/README.md has no ```js block");
  return block[1];
}

/** Run a command to its end; `env` replaces the environment (no npm settings of the test runner leak in). */
function run(command: string, args: string[], cwd: string, env: Record<string, string>) {
  return new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

/** A plain environment: PATH and HOME, plus npm pointed at a registry that does not exist, so nothing is fetched. */
function plainEnv(folder: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: folder,
    npm_config_registry: "http://127.0.0.1:9/",
    npm_config_cache: path.join(folder, ".npm-cache"),
    npm_config_audit: "false",
    npm_config_fund: "false",
    npm_config_update_notifier: "false",
    ...extra,
  };
}

/**
 * A bot author with nothing but Node 20 (SPEC §7, issue 8): the mesh serves its SDK, npm installs
 * it from the mesh's URL into an empty folder outside the repository, the README's bot runs with
 * plain `node`, and a TypeScript consumer type-checks against the installed declarations.
 */
describe("the SDK as a bot author gets it", () => {
  let server: TestServer;
  let owner: TestUser;
  let folder: string;
  let bot: ChildProcess | undefined;
  let botToken: string;
  const botName = "hellobot";

  beforeAll(async () => {
    server = await startTestServer();
    owner = await registerUser(server.url, "ownerann");
    const created = await fetch(`${server.url}/api/bots`, {
      method: "POST",
      headers: { authorization: `Bearer ${owner.token}`, "content-type": "application/json" },
      body: JSON.stringify({ name: botName }),
    });
    expect(created.status).toBe(201);
    botToken = ((await created.json()) as { token: string }).token;
    folder = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-bot-author-"));
    expect(path.relative(ROOT, folder).startsWith("..")).toBe(true);
  });

  afterAll(async () => {
    if (bot?.pid !== undefined && bot.exitCode === null && bot.signalCode === null) bot.kill("SIGKILL");
    await server?.stop();
    if (folder) fs.rmSync(folder, { recursive: true, force: true });
  });

  it("serves the SDK, built once for concurrent first requests, with its content type and an ETag", { timeout: 180_000 }, async () => {
    const urls = ["mesh-bots.tgz", "mesh-bots.mjs", "mesh-bots.tgz", "mesh-bots.mjs"].map((f) => `${server.url}/sdk/${f}`);
    const answers = await Promise.all(urls.map((url) => fetch(url)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(answers[0].headers.get("content-type")).toBe("application/gzip");
    expect(answers[1].headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(answers[0].headers.get("etag")).toBe(answers[2].headers.get("etag"));
    expect(answers[1].headers.get("etag")).toBe(answers[3].headers.get("etag"));
    await Promise.all(answers.map((a) => a.arrayBuffer()));
    // One build for all four, and no scratch folder left behind.
    const cache = path.join(server.dataDir, "sdk-cache");
    const entries = fs.readdirSync(cache);
    expect(entries).toHaveLength(2);
    expect(entries.filter((e) => e !== "builds.log")).toEqual([expect.stringMatching(/^[0-9a-f]{16}$/)]);
    expect(fs.readFileSync(path.join(cache, "builds.log"), "utf8").trim().split("\n")).toHaveLength(1);

    const etag = answers[0].headers.get("etag")!;
    const again = await fetch(urls[0], { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get("cache-control")).toBe("no-cache");
  });

  it("npm installs the tarball from the mesh's URL into an empty folder, offline from any registry", { timeout: 120_000 }, async () => {
    const env = plainEnv(folder);
    expect((await run("npm", ["init", "-y"], folder, env)).code).toBe(0);
    const installed = await run("npm", ["install", `${server.url}/sdk/mesh-bots.tgz`], folder, env);
    expect(installed.output).not.toMatch(/ERR!/);
    expect(installed.code).toBe(0);
    const pkg = JSON.parse(fs.readFileSync(path.join(folder, "node_modules", "@the-mesh", "bots", "package.json"), "utf8"));
    expect(pkg).toMatchObject({ name: "@the-mesh/bots", type: "module" });
    expect(pkg.dependencies).toBeUndefined();
    expect(fs.readdirSync(path.join(folder, "node_modules")).filter((f) => !f.startsWith("."))).toEqual(["@the-mesh"]);
  });

  it("runs the README's bot with plain node: it joins, says hello, welcomes a newcomer, answers a mention, and stops on SIGTERM", { timeout: 60_000 }, async () => {
    const watcher = await registerUser(server.url, "watcher");
    const room: MeshRoom = await watcher.client.join("lobby");
    const heard: MessageData[] = [];
    const arrived: ParticipantView[] = [];
    const left: string[] = [];
    room.onMessage((m) => heard.push(m));
    room.onPresence((e) => (e.kind === "join" ? arrived.push(e.participant) : left.push(e.participant.name)));

    fs.writeFileSync(path.join(folder, "bot.mjs"), readmeBot());
    let output = "";
    bot = spawn(process.execPath, ["bot.mjs"], {
      cwd: folder,
      env: plainEnv(folder, { MESH_URL: server.url, MESH_TOKEN: botToken }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    bot.stdout?.on("data", (chunk) => (output += chunk));
    bot.stderr?.on("data", (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => bot?.on("exit", (code) => resolve(code)));
    const fromBot = (text: string) => heard.find((m) => m.authorName === botName && m.text === text);

    const joined = await waitFor("the bot joins as a bot owned by its owner", () => arrived.find((p) => p.name === botName), 20_000).catch((error) => {
      throw new Error(`${error.message}; bot output: ${output}`);
    });
    expect(joined).toMatchObject({ kind: "bot", ownerId: owner.participant.id });
    await waitFor("the bot says hello", () => fromBot("Hello, I am here."), 10_000);

    const newcomer = await registerUser(server.url, "newcomer");
    const newcomerRoom = await newcomer.client.join("lobby");
    await waitFor("the bot welcomes the newcomer", () => fromBot("Welcome, newcomer!"), 10_000);

    const question = await room.sendAndWait(`@${botName} are you there?`);
    const answer = await waitFor("the bot answers the mention", () => fromBot("Hello watcher, how can I help?"), 10_000);
    expect(answer.threadId).toBe(question.id);
    await room.sendAndWait("no mention here, nothing to answer");

    bot.kill("SIGTERM");
    expect(await exited).toBe(0);
    await waitFor("the bot leaves the room", () => left.includes(botName), 10_000);
    expect(heard.filter((m) => m.authorName === botName).map((m) => m.text)).toEqual([
      "Hello, I am here.",
      "Welcome, newcomer!",
      "Hello watcher, how can I help?",
    ]);
    expect(output).toBe("");
    await newcomerRoom.leave();
    await room.leave();
  });

  it("type-checks a TypeScript consumer against the installed package (node16 with @types/node, bundler with the DOM lib)", { timeout: 120_000 }, async () => {
    // The package is ESM only: a TypeScript project says so, as the README tells it to.
    expect((await run("npm", ["pkg", "set", "type=module"], folder, plainEnv(folder))).code).toBe(0);
    fs.writeFileSync(
      path.join(folder, "consumer.ts"),
      `import { createBot, type BotMessage, type BotOrder, MeshError } from "@the-mesh/bots";

const bot = createBot({ url: "http://localhost:4000", token: "t", room: "lobby" });
bot.onMessage(async (msg: BotMessage) => {
  if (msg.mentionsMe() && !msg.isDirect) {
    const stored = await bot.reply(msg, "hi");
    const seq: number = stored.seq;
    void seq;
  }
});
bot.onOrder((order: BotOrder) => {
  if (order.kind === "task") order.report("done", order.text);
});
bot.onError((error: MeshError) => {
  const code: string = error.code;
  void code;
});
bot.command(["a"], { kind: "follow", targetId: "b", distance: 2 });
// @ts-expect-error no such order kind
bot.command(["a"], { kind: "dance" });
// @ts-expect-error pending is the world's to set
bot.onOrder((order) => order.report("pending"));
// @ts-expect-error moveTo takes numbers
bot.moveTo("1", 2);
export const started: Promise<void> = bot.start();
`,
    );
    const configs = {
      "tsconfig.node16.json": { module: "node16", moduleResolution: "node16", lib: ["es2023"], types: ["node"], typeRoots: [path.join(ROOT, "node_modules", "@types")] },
      "tsconfig.bundler.json": { module: "esnext", moduleResolution: "bundler", lib: ["es2023", "dom"], types: [] },
    };
    // skipLibCheck off: the shipped declarations must stand on their own, with nothing else installed.
    const checks = Object.entries(configs).map(async ([name, options]) => {
      const compilerOptions = { target: "es2022", strict: true, noEmit: true, skipLibCheck: false, ...options };
      fs.writeFileSync(path.join(folder, name), JSON.stringify({ compilerOptions, files: ["consumer.ts"] }));
      return { name, ...(await run(process.execPath, [TSC, "-p", name], folder, plainEnv(folder))) };
    });
    for (const { name, code, output } of await Promise.all(checks)) {
      expect(output, name).toBe("");
      expect(code, name).toBe(0);
    }
  });

  it("serves the bare ES module, which plain node imports from a file", { timeout: 30_000 }, async () => {
    const answer = await fetch(`${server.url}/sdk/mesh-bots.mjs`);
    fs.writeFileSync(path.join(folder, "mesh-bots.mjs"), Buffer.from(await answer.arrayBuffer()));
    const script = `import { createBot, MeshError } from "./mesh-bots.mjs"; console.log(typeof createBot, typeof MeshError);`;
    const imported = await run(process.execPath, ["--input-type=module", "-e", script], folder, plainEnv(folder));
    expect(imported).toEqual({ code: 0, output: "function function\n" });
  });
});
