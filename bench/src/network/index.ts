import type { BenchSuite } from "../suite.ts";
import { fanoutBench, idleMoveP50 } from "./fanout.bench.ts";
import { hopBench } from "./hop.bench.ts";
import { startMeshWorld } from "./mesh-world.ts";

/**
 * End to end through a real server and the SDK: the A→B hop against a raw `ws` relay (both in
 * this process), then fan-out against a server in its own process, as it would be deployed.
 */
export const networkSuite: BenchSuite = {
  name: "network",
  description:
    "A→B move and message latency through a real server vs a raw ws relay; fan-out with 50 (and 200, 500) walking clients against a server in its own process",
  run: async (options, emit) => {
    const world = await startMeshWorld("same");
    try {
      await hopBench(world, options, emit);
    } finally {
      await world.close();
    }
    const apart = await startMeshWorld("child");
    try {
      const idle = await idleMoveP50(apart, options);
      for (const clients of options.quick ? [50] : [50, 200, 500]) emit(await fanoutBench(apart, clients, idle, options));
    } finally {
      await apart.close();
    }
  },
};
