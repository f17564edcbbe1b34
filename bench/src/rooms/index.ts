import type { BenchLine } from "../report.ts";
import type { BenchOptions, BenchSuite } from "../suite.ts";
import { roomOrdersBench } from "./orders.bench.ts";
import { startupBench } from "./startup.bench.ts";

/** The suite's benches by name; BENCH_ROOMS=orders (a comma list) runs only those named. */
const benches: Record<string, (options: BenchOptions) => Promise<BenchLine[]>> = {
  startup: async (options) => [await startupBench(options)],
  orders: roomOrdersBench,
};

/** What stored rooms cost a server that does not use them, and what bots' orders cost a room's tick. */
export const roomsSuite: BenchSuite = {
  name: "rooms",
  description:
    "a server process with 2,000 stored, unused rooms vs one with none: time until ready and idle CPU; a room's tick (world, state, patch) with 500 bots under orders vs none (BENCH_ROOMS=startup,orders picks)",
  run: async (options, emit) => {
    const only = (process.env.BENCH_ROOMS ?? "").split(",").filter(Boolean);
    const unknown = only.filter((name) => !(name in benches));
    if (unknown.length > 0) throw new Error(`BENCH_ROOMS: unknown bench(es) ${unknown.join(", ")}; known: ${Object.keys(benches).join(", ")}`);
    for (const [name, bench] of Object.entries(benches)) {
      if (only.length > 0 && !only.includes(name)) continue;
      for (const line of await bench(options)) emit(line);
    }
  },
};
