import type { BenchSuite } from "../suite.ts";
import { appendBench, perRowTxBench } from "./append.bench.ts";
import { indexPendingBench } from "./index-pending.bench.ts";

/**
 * Storage: MessageRepo.appendBatch vs raw better-sqlite3, per-row vs batched transactions, and
 * what search indexing costs off the tick (SearchRepo.indexPending).
 */
export const persistenceSuite: BenchSuite = {
  name: "persistence",
  description:
    "MessageRepo.appendBatch vs raw prepared INSERTs (batch 1, 20, 100); one transaction per row vs batched; SearchRepo.indexPending per message and per call (100, 500, 2000 rows per call)",
  run: (options, emit) => {
    for (const batch of [1, 20, 100]) emit(appendBench(batch, options));
    emit(perRowTxBench(100, options));
    for (const rowsPerCall of [100, 500, 2_000]) emit(indexPendingBench(rowsPerCall, options));
  },
};
