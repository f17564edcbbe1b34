import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/**
 * Servers this test process started; any still running when it exits are stopped with it. Each
 * runs in a process group of its own, and the whole group goes: killing `npm start` alone would
 * leave the server it started running.
 */
const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) killGroup(child);
});

function killGroup(child: ChildProcess): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
  } catch {
    child.kill("SIGKILL"); // the group is gone already, or was never made
  }
}

export interface ChildServer {
  process: ChildProcess;
  url: string;
  output(): string;
  /** Resolves with the exit code (or signal name) once the process has ended. */
  exited: Promise<number | string>;
}

/** Run `npm start`'s entry point in a child process, as a user would, and wait for its URL. */
export function runServerProcess(
  env: Record<string, string>,
  args: string[] = [],
  how: "node" | "npm start" = "node",
): ChildServer & { ready: Promise<string> } {
  // "npm start" is the README's own command; "node" skips npm so signals reach the server directly.
  const [command, argv] =
    how === "npm start"
      ? ["npm", ["start", "--silent", "--", ...args]]
      : [process.execPath, ["--import", "tsx", "server/src/main.ts", ...args]];
  const child = spawn(command, argv, {
    cwd: ROOT,
    env: { ...process.env, HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "info", LOG_FORMAT: "json", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  running.add(child);
  child.once("exit", () => running.delete(child));
  let output = "";
  const exited = new Promise<number | string>((resolve) =>
    child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown")),
  );
  const ready = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"url":"(http:\/\/[^"]+)"/.exec(output);
      if (match) resolve(match[1]);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    void exited.then((code) => reject(new Error(`server exited (${code}) before it was ready:\n${output}`)));
  });
  const server = { process: child, url: "", output: () => output, exited, ready };
  void ready.then((url) => {
    server.url = url;
  }, () => {});
  return server;
}

/** Stop a server a failed test left running: its whole process group, at once. */
export async function killProcess(server: ChildServer): Promise<void> {
  if (server.process.exitCode === null && server.process.signalCode === null) killGroup(server.process);
  await server.exited;
}

/** SIGTERM (or another signal) and wait for the exit. */
export async function stopProcess(server: ChildServer, signal: NodeJS.Signals = "SIGTERM"): Promise<number | string> {
  if (server.process.exitCode === null && server.process.signalCode === null) server.process.kill(signal);
  return server.exited;
}
