import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { connect, MeshRest, type MeshRoom, type Session } from "@mesh/bots";
import { createLogger, loadConfig, type RunningServer, startServer } from "@mesh/server";

/** A real server in this process with its own data folder, and accounts made on demand. */
export interface MeshWorld {
  readonly server: RunningServer;
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

export const startMeshWorld = async (): Promise<MeshWorld> => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "mesh-bench-network-"));
  let server: RunningServer;
  try {
    const loaded = loadConfig({ PORT: "0", HOST: "127.0.0.1", MESH_DATA_DIR: dataDir, LOG_LEVEL: "silent" });
    if (!loaded.ok) throw new Error(loaded.errors.join("; "));
    // Every bench account registers from 127.0.0.1; the per-address sign-up limit is not under test.
    const config = { ...loaded.value, authRatePerMin: 100_000 };
    server = await startServer(config, createLogger(config.logLevel));
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
