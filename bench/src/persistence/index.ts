import type { BenchSuite } from "../suite.ts";
import { appendBench, perRowTxBench } from "./append.bench.ts";

/** Storage: MessageRepo.appendBatch vs raw better-sqlite3, and per-row vs batched transactions. */
export const persistenceSuite: BenchSuite = {
  name: "persistence",
  description: "MessageRepo.appendBatch vs raw prepared INSERTs (batch 1, 20, 100); one transaction per row vs batched",
  run: (options, emit) => {
    for (const batch of [1, 20, 100]) emit(appendBench(batch, options));
    emit(perRowTxBench(100, options));
  },
};
