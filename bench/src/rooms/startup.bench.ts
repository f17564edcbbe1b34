import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "@mesh/persistence";
import { DEFAULT_ROOM_SIZE } from "@mesh/schema";
import { startChild } from "../network/mesh-world.ts";
import { type BenchLine, progress } from "../report.ts";
import { sleep } from "../network/latency.ts";
import { round } from "../stats.ts";
import type { BenchOptions } from "../suite.ts";

interface Startup {
  readyMs: number;
  idleCpuPct: number;
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
const cpuSeconds = (pid: number): number => {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  // utime and stime are fields 14 and 15 of stat; after "pid (comm) " they are at 11 and 12.
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

/** Start a server process on a data folder holding `stored` rooms; time it until ready, then watch it idle. */
const startWith = async (stored: number, idleS: number): Promise<Startup> => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-bench-rooms-"));
  try {
    const db = openDatabase(path.join(dataDir, "mesh.sqlite"));
    db.sqlite.transaction(() => {
      for (let i = 0; i < stored; i++) {
        const room = { id: `room-${i}`, name: `Room ${i}`, topic: "", exits: {}, private: false, createdBy: "", createdAt: i };
        db.rooms.create({ ...room, width: DEFAULT_ROOM_SIZE, depth: DEFAULT_ROOM_SIZE });
      }
    })();
    db.close();
    const started = performance.now();
    const server = await startChild({ PORT: "0", HOST: "127.0.0.1", MESH_DATA_DIR: dataDir });
    try {
      const health = await fetch(`${server.url}/api/health`);
      if (!health.ok) throw new Error(`rooms bench: health answered ${health.status}`);
      const readyMs = performance.now() - started;
      if (server.pid === undefined) throw new Error("rooms bench: the server has no process id");
      const before = cpuSeconds(server.pid);
      await sleep(idleS * 1000);
      const idleCpuPct = ((cpuSeconds(server.pid) - before) / idleS) * 100;
      return { readyMs, idleCpuPct };
    } finally {
      await server.close();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
};

/**
 * A server with thousands of stored, unused rooms against one with none: rooms run only while
 * used, so both should become ready in about the same time and idle at about the same cost.
 */
export const startupBench = async (options: BenchOptions): Promise<BenchLine> => {
  const stored = options.quick ? 500 : 2000;
  const idleS = options.quick ? 2 : 5;
  progress(`rooms startup: a server with no stored rooms (baseline)`);
  const none = await startWith(0, idleS);
  progress(`rooms startup: a server with ${stored} stored rooms`);
  const many = await startWith(stored, idleS);
  return {
    bench: "rooms.startup",
    storedRooms: stored,
    readyMs: round(many.readyMs),
    baselineReadyMs: round(none.readyMs),
    readyRatio: round(many.readyMs / none.readyMs, 3),
    idleCpuPct: round(many.idleCpuPct, 3),
    baselineIdleCpuPct: round(none.idleCpuPct, 3),
  };
};
