import path from "node:path";
import { fileURLToPath } from "node:url";
import pty from "@lydell/node-pty";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const MESH_TERM = path.join(ROOT, "client-term", "bin", "mesh-term.js");

/** SGR and other CSI sequences, for reading the screen's words. */
const CSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

/** A program running in a real pseudo-terminal: what it wrote, keys to type, and its exit. */
export interface PtyRun {
  /** Everything written so far, raw (escape sequences included). */
  raw(): string;
  /** Written so far with CSI sequences removed and \r dropped. */
  text(): string;
  type(keys: string): void;
  /** Wait until the text written after `from` (default: the start) matches. */
  waitFor(pattern: RegExp | string, options?: { timeoutMs?: number; from?: number }): Promise<string>;
  /** The length of raw() now: pass as `from` to look only at what comes after. */
  mark(): number;
  exited: Promise<number>;
  kill(): void;
}

export function runInPty(file: string, args: string[], env: Record<string, string | undefined> = {}, size = { cols: 100, rows: 30 }): PtyRun {
  // A key set to undefined is left out (node-pty would pass the word "undefined").
  const merged: Record<string, string | undefined> = { ...process.env, TERM: "xterm-256color", NO_COLOR: undefined, FORCE_COLOR: undefined, ...env };
  const childEnv = Object.fromEntries(Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const child = pty.spawn(file, args, { cols: size.cols, rows: size.rows, cwd: ROOT, env: childEnv });
  let output = "";
  child.onData((data) => {
    output += data;
  });
  const exited = new Promise<number>((resolve) => child.onExit(({ exitCode }) => resolve(exitCode)));
  const clean = (s: string) => s.replace(CSI, "").replace(/\r/g, "");
  return {
    raw: () => output,
    text: () => clean(output),
    type: (keys) => child.write(keys),
    mark: () => output.length,
    exited,
    kill: () => {
      try {
        child.kill("SIGKILL");
      } catch {
        // gone already
      }
    },
    async waitFor(pattern, { timeoutMs = 10_000, from = 0 } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const seen = clean(output.slice(from));
        const match = typeof pattern === "string" ? seen.includes(pattern) : pattern.test(seen);
        if (match) return seen;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(pattern)}; the terminal shows:\n${seen.slice(-2000)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}
