import type { BenchSuite } from "../suite.ts";
import { patchBench } from "./patch.bench.ts";
import { searchBench } from "./search.bench.ts";

/** Conversation features at scale: what DMs add to patch encoding, and full-text search latency. */
export const conversationSuite: BenchSuite = {
  name: "conversation",
  description:
    "applyPatches per tick at 500 sockets with DMs flowing (1, 10, 50/tick) vs none, vs a view per socket, vs no StateViews; SearchRepo.search over 100k messages vs raw FTS5 MATCH and a LIKE scan",
  run: (options, emit) => {
    for (const line of patchBench(500, [1, 10, 50], options)) emit(line);
    for (const line of searchBench(options.quick ? 20_000 : 100_000, options)) emit(line);
  },
};
