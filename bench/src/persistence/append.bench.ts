import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type MeshDatabase, openDatabase, pairOf } from "@mesh/persistence";
import type { MessageData } from "@mesh/schema";
import type BetterSqlite3 from "better-sqlite3";
import { progress, type BenchLine } from "../report.ts";
import { median, round, timeNs } from "../stats.ts";
import type { BenchOptions } from "../suite.ts";
import { indexNames, messagesShape, openRawDatabase, RAW_INSERT, type RawRow } from "./raw-table.ts";

/** Messages written per timed round, whatever the batch size, so rounds cost about the same. */
const MESSAGES_PER_ROUND = 2_000;
const ROOM = "lobby";

/** A realistic chat line: a nonce (clients always send one), a short text, no thread. */
export const messageAt = (seq: number): MessageData => ({
  id: `m-${seq}`,
  roomId: ROOM,
  seq,
  authorId: `u${seq % 10}`,
  authorName: `user ${seq % 10}`,
  text: `hello from the benchmark, line ${seq}`,
  threadId: "",
  to: "",
  ts: 1_700_000_000_000 + seq * 50,
  editedTs: 0,
  deleted: false,
  trust: "local",
  nonce: `n-${seq}`,
  reactions: {},
  attachments: [],
  pinned: false,
  locked: false,
});

const rawRowOf = (m: MessageData): RawRow => [
  m.id,
  m.roomId,
  m.seq,
  m.authorId,
  m.authorName,
  m.text,
  m.threadId,
  m.to,
  m.ts,
  m.editedTs,
  m.deleted ? 1 : 0,
  m.trust,
  m.nonce,
  JSON.stringify(m.reactions),
  m.to === "" ? "" : pairOf(m.authorId, m.to),
  JSON.stringify(m.attachments),
  m.pinned ? 1 : 0,
  m.locked ? 1 : 0,
];

/** Both sides, each in its own file in one temp folder; `close` removes the folder. */
const openPair = () => {
  const dir = mkdtempSync(join(tmpdir(), "mesh-bench-persistence-"));
  let mesh: MeshDatabase | undefined;
  let raw: BetterSqlite3.Database | undefined;
  const close = () => {
    mesh?.close();
    raw?.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    mesh = openDatabase(join(dir, "mesh.sqlite"));
    raw = openRawDatabase(join(dir, "raw.sqlite"));
    if (messagesShape(mesh.sqlite) !== messagesShape(raw) || indexNames(mesh.sqlite) !== indexNames(raw)) {
      throw new Error("persistence bench: the raw messages table no longer matches the real schema");
    }
  } catch (error) {
    close();
    throw error;
  }
  return { mesh, raw, close };
};

export const rounds = (options: BenchOptions) => ({ warmup: options.quick ? 1 : 3, measured: options.quick ? 5 : 15 });

/** MessageRepo.appendBatch vs a prepared INSERT in one BEGIN/COMMIT, batch by batch. */
export const appendBench = (batch: number, options: BenchOptions): BenchLine => {
  const { mesh, raw, close } = openPair();
  try {
    const insert = raw.prepare(RAW_INSERT);
    const begin = raw.prepare("BEGIN");
    const commit = raw.prepare("COMMIT");
    const batches = Math.ceil(MESSAGES_PER_ROUND / batch);
    let meshSeq = 0;
    let rawSeq = 0;
    // Inputs are built outside the timed part; each side gets the form it naturally takes.
    const meshRound = () => {
      const plan = Array.from({ length: batches }, () => Array.from({ length: batch }, () => messageAt(++meshSeq)));
      return timeNs(() => {
        for (const messages of plan) mesh.messages.appendBatch(messages);
      });
    };
    const rawRound = () => {
      const plan = Array.from({ length: batches }, () => Array.from({ length: batch }, () => rawRowOf(messageAt(++rawSeq))));
      return timeNs(() => {
        for (const rows of plan) {
          begin.run();
          for (const row of rows) insert.run(row);
          commit.run();
        }
      });
    };
    const { warmup, measured } = rounds(options);
    progress(`persistence.append: batch ${batch}, ${warmup} warm-up + ${measured} rounds of ${batches * batch} messages`);
    for (let r = 0; r < warmup; r++) {
      meshRound();
      rawRound();
    }
    const meshUs: number[] = [];
    const rawUs: number[] = [];
    // Interleaved so drift (thermal, GC, WAL checkpoints) hits both sides alike.
    for (let r = 0; r < measured; r++) {
      meshUs.push(meshRound() / 1000 / (batches * batch));
      rawUs.push(rawRound() / 1000 / (batches * batch));
    }
    if (mesh.messages.count(ROOM) !== meshSeq || (raw.prepare("SELECT count(*) AS n FROM messages").get() as { n: number }).n !== rawSeq) {
      throw new Error("persistence bench: a side stored fewer rows than it was given");
    }
    const meshMedian = median(meshUs);
    const rawMedian = median(rawUs);
    return {
      bench: "persistence.append",
      batch,
      mesh_us_per_msg: round(meshMedian),
      raw_us_per_msg: round(rawMedian),
      ratio: round(meshMedian / rawMedian, 3),
      rounds: measured,
      msgs_per_round: batches * batch,
    };
  } finally {
    close();
  }
};

/** Why the server batches: one autocommit transaction per row vs the same rows in batches. */
export const perRowTxBench = (batch: number, options: BenchOptions): BenchLine => {
  const { raw, close } = openPair();
  try {
    const insert = raw.prepare(RAW_INSERT);
    const insertAll = raw.transaction((rows: readonly RawRow[]) => {
      for (const row of rows) insert.run(row);
    });
    const batches = Math.ceil(MESSAGES_PER_ROUND / batch);
    let seq = 0;
    const plan = () => Array.from({ length: batches }, () => Array.from({ length: batch }, () => rawRowOf(messageAt(++seq))));
    const perRowRound = () => {
      const rows = plan().flat();
      return timeNs(() => {
        for (const row of rows) insert.run(row);
      });
    };
    const batchedRound = () => {
      const groups = plan();
      return timeNs(() => {
        for (const rows of groups) insertAll(rows);
      });
    };
    const { warmup, measured } = rounds(options);
    progress(`persistence.per_row_tx: ${warmup} warm-up + ${measured} rounds of ${batches * batch} rows`);
    for (let r = 0; r < warmup; r++) {
      perRowRound();
      batchedRound();
    }
    const perRow: number[] = [];
    const batched: number[] = [];
    for (let r = 0; r < measured; r++) {
      perRow.push(perRowRound() / 1000 / (batches * batch));
      batched.push(batchedRound() / 1000 / (batches * batch));
    }
    const perRowMedian = median(perRow);
    const batchedMedian = median(batched);
    return {
      bench: "persistence.per_row_tx",
      per_row_tx_us_per_msg: round(perRowMedian),
      batched_us_per_msg: round(batchedMedian),
      batch,
      ratio: round(perRowMedian / batchedMedian, 3),
      rounds: measured,
      msgs_per_round: batches * batch,
    };
  } finally {
    close();
  }
};
