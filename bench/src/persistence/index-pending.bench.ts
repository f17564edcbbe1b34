import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "@mesh/persistence";
import { progress, type BenchLine } from "../report.ts";
import { median, round, timeNs } from "../stats.ts";
import type { BenchOptions } from "../suite.ts";
import { messageAt, rounds } from "./append.bench.ts";

/** Messages indexed per timed round, whatever the rows per call. */
const MESSAGES_PER_ROUND = 2_000;
/** Stored as a busy room's ticks store them, before each timed round. */
const TICK_BATCH = 20;

/**
 * SearchRepo.indexPending: what search indexing costs now that it runs off the tick, per
 * message and per call (how long one call holds the thread), by rows per call.
 */
export const indexPendingBench = (rowsPerCall: number, options: BenchOptions): BenchLine => {
  const dir = mkdtempSync(join(tmpdir(), "mesh-bench-index-"));
  const db = openDatabase(join(dir, "mesh.sqlite"));
  try {
    let seq = 0;
    const indexRound = () => {
      for (let stored = 0; stored < MESSAGES_PER_ROUND; stored += TICK_BATCH) {
        db.messages.appendBatch(Array.from({ length: TICK_BATCH }, () => messageAt(++seq)));
      }
      let indexed = 0;
      const ns = timeNs(() => {
        while (indexed < MESSAGES_PER_ROUND) indexed += db.search.indexPending(rowsPerCall);
      });
      if (indexed !== MESSAGES_PER_ROUND) throw new Error(`index bench: indexed ${indexed}, not ${MESSAGES_PER_ROUND}`);
      return ns;
    };
    const { warmup, measured } = rounds(options);
    progress(`persistence.index_pending: ${rowsPerCall} rows per call, ${warmup} warm-up + ${measured} rounds of ${MESSAGES_PER_ROUND} messages`);
    for (let r = 0; r < warmup; r++) indexRound();
    const us: number[] = [];
    for (let r = 0; r < measured; r++) us.push(indexRound() / 1000 / MESSAGES_PER_ROUND);
    const perMsg = median(us);
    return {
      bench: "persistence.index_pending",
      rows_per_call: rowsPerCall,
      us_per_msg: round(perMsg),
      ms_per_call: round((perMsg * rowsPerCall) / 1000),
      rounds: measured,
      msgs_per_round: MESSAGES_PER_ROUND,
    };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
};
