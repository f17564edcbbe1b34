import type { BenchSuite } from "../suite.ts";
import { fanoutBench } from "./fanout.bench.ts";
import { hopBench } from "./hop.bench.ts";
import { startMeshWorld } from "./mesh-world.ts";

/** End to end through a real in-process server and the SDK, against a raw `ws` relay. */
export const networkSuite: BenchSuite = {
  name: "network",
  description: "A→B move and message latency through a real server vs a raw ws relay; fan-out with 50 (and 200) walking clients",
  run: async (options, emit) => {
    const world = await startMeshWorld();
    try {
      const idleMoveP50 = await hopBench(world, options, emit);
      for (const clients of options.quick ? [50] : [50, 200]) emit(await fanoutBench(world, clients, idleMoveP50, options));
    } finally {
      await world.close();
    }
  },
};
