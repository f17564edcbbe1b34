import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { connect, MeshRest, type MeshRoom, type Session } from "@mesh/bots";
import { createLogger, loadConfig, startServer } from "@mesh/server";

/** A real server with its own data folder, and accounts made on demand. */
export interface MeshWorld {
  readonly server: { readonly url: string };
  /** The first `n` accounts, registering any not made yet. */
  sessions(n: number): Promise<Session[]>;
  /** Each session joins the lobby through the SDK (a few at a time); close() leaves them all. */
  join(sessions: readonly Session[]): Promise<MeshRoom[]>;
  close(): Promise<void>;
}

/** Runs `work` over `items`, at most `limit` at once, keeping order. */
const mapLimited = async <T, R>(items: readonly T[], limit: number, work: (item: T, i: number) => Promise<R>): Promise<R[]> => {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
};

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

export interface Running {
  url: string;
  /** The server's process id when it runs in a child process. */
  pid?: number;
  close(): Promise<void>;
}

/** `npm start`'s entry point in a child process: the server gets a core of its own. */
export const startChild = (env: Record<string, string>): Promise<Running> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "server/src/main.ts"], {
      cwd: ROOT,
      // info: the start-up line carries the URL.
      env: { ...process.env, ...env, LOG_LEVEL: "info", LOG_FORMAT: "json" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const exited = new Promise<void>((done) => child.once("exit", () => done()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error("bench server did not report its URL within 30 s"));
    }, 30_000);
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"url":"(http:\/\/[^"]+)"/.exec(output);
      if (!match) return;
      output = "";
      clearTimeout(timer);
      resolve({
        url: match[1],
        pid: child.pid,
        close: async () => {
          child.kill("SIGTERM");
          await exited;
        },
      });
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error("bench server exited before it was ready"));
    });
  });

/**
 * `same`: the server runs in this process (next to an in-process raw relay, for the hop
 * comparison). `child`: in its own process, so many clients here do not starve its ticks.
 * `settings`: more environment settings (limits a bench must lift), over the defaults.
 */
export const startMeshWorld = async (where: "same" | "child" = "same", settings: Record<string, string> = {}): Promise<MeshWorld> => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "mesh-bench-network-"));
  // Every bench account registers from 127.0.0.1; the per-address sign-up limit is not under test.
  const env = { PORT: "0", HOST: "127.0.0.1", MESH_DATA_DIR: dataDir, LOG_LEVEL: "silent", MESH_AUTH_RATE_PER_MIN: "100000", ...settings };
  let server: Running;
  try {
    if (where === "child") server = await startChild(env);
    else {
      const loaded = loadConfig(env);
      if (!loaded.ok) throw new Error(loaded.errors.join("; "));
      server = await startServer(loaded.value, createLogger(loaded.value.logLevel));
    }
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const made: Session[] = [];
  const joined: MeshRoom[] = [];
  const sessions = async (n: number) => {
    const missing = Array.from({ length: Math.max(0, n - made.length) }, (_, i) => made.length + i);
    // Argon2 hashing makes sign-up slow on purpose; a few at a time keeps the box responsive.
    made.push(...(await mapLimited(missing, 8, (i) => new MeshRest(server.url).register(`bench${i}`, "correct horse battery"))));
    return made.slice(0, n);
  };
  const join = async (list: readonly Session[]) => {
    const rooms = await mapLimited(list, 10, (s) => connect({ url: server.url, token: s.token }).join("lobby"));
    joined.push(...rooms);
    return rooms;
  };
  const close = async () => {
    await Promise.allSettled(joined.map((room) => room.leave()));
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { server, sessions, join, close };
};

/** Leave every room, in parallel. */
export const leaveAll = async (rooms: readonly MeshRoom[]): Promise<void> => {
  await Promise.allSettled(rooms.map((room) => room.leave()));
};
