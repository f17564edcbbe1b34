import type { BenchSuite } from "../suite.ts";
import { startupBench } from "./startup.bench.ts";

/** What stored rooms cost a server that does not use them: start-up time and idle CPU, against none. */
export const roomsSuite: BenchSuite = {
  name: "rooms",
  description: "a server process with 2,000 stored, unused rooms vs one with none: time until ready and idle CPU",
  run: async (options, emit) => {
    emit(await startupBench(options));
  },
};
