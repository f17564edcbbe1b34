import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type MeshDatabase, openDatabase, type SearchScope } from "@mesh/persistence";
import type { MessageData } from "@mesh/schema";
import { progress, type BenchLine } from "../report.ts";
import { lcg, round, timeNs } from "../stats.ts";
import type { BenchOptions } from "../suite.ts";
import { chatLine, RARE } from "./chat-text.ts";
import { percentile } from "./samples.ts";

const ROOMS = ["lobby", "dev", "design", "random"];
const BATCH = 1_000;
/** Rows per SearchRepo.indexPending call while catching up after the fill. */
const INDEX_BATCH = 1_000;
/** What GET /api/search returns by default. */
const LIMIT = 20;
/** The searcher may read three of the four rooms. */
const SCOPE: SearchScope = { participantId: "u1", roomIds: ROOMS.slice(0, 3), limit: LIMIT, offset: 0 };

type QueryKind = "common" | "rare" | "multi" | "unicode" | "none";
const QUERIES: readonly { kind: QueryKind; q: string }[] = [
  { kind: "common", q: "the" },
  { kind: "common", q: "deploy" },
  { kind: "common", q: "meeting" },
  { kind: "rare", q: RARE[0] },
  { kind: "rare", q: RARE[3] },
  { kind: "multi", q: "team review" },
  { kind: "multi", q: "coffee tomorrow morning" },
  { kind: "unicode", q: "cafe" },
  { kind: "unicode", q: "日本語" },
  { kind: "none", q: "xylophonequartz" },
];

/** Room messages spread over ROOMS, stored the way the server stores ticks: storeBatch (not yet searchable). */
const fill = (db: MeshDatabase, rows: number): number => {
  const rand = lcg(7);
  const seqs = new Map<string, number>();
  let stored = 0;
  return timeNs(() => {
    while (stored < rows) {
      const appended: MessageData[] = [];
      for (let i = 0; i < BATCH && stored < rows; i++, stored++) {
        const roomId = ROOMS[Math.floor(rand() * ROOMS.length)];
        const seq = (seqs.get(roomId) ?? 0) + 1;
        seqs.set(roomId, seq);
        const author = Math.floor(rand() * 40);
        appended.push({
          id: `m-${stored}`,
          roomId,
          seq,
          authorId: `u${author}`,
          authorName: `user ${author}`,
          text: chatLine(rand),
          threadId: "",
          to: "",
          ts: 1_700_000_000_000 + stored * 50,
          editedTs: 0,
          deleted: false,
          trust: "local",
          nonce: `n-${stored}`,
          reactions: {},
          attachments: [],
          pinned: false,
          locked: false,
        });
      }
      db.messages.storeBatch({ appended, amended: [] });
    }
  });
};

/** The same terms as LIKE patterns, each one a substring that must be there. */
const likeOf = (q: string) => {
  const terms = q.split(/\s+/u);
  return { sql: terms.map(() => "text LIKE ?").join(" AND "), params: terms.map((t) => `%${t}%`) };
};

interface Timings {
  mesh: number[];
  fts: number[];
  like: number[];
  /** SearchRepo.search p50 per query text, so one slow query shows by name. */
  perQuery: Map<string, number[]>;
}

const timings = (): Timings => ({ mesh: [], fts: [], like: [], perQuery: new Map() });

const summary = (t: Timings, extra: Record<string, string | number>): BenchLine => {
  const p = (xs: number[], n: number) => percentile(xs, n);
  return {
    bench: "conversation.search",
    ...extra,
    mesh_p50_ms: round(p(t.mesh, 50)),
    mesh_p99_ms: round(p(t.mesh, 99)),
    raw_fts_p50_ms: round(p(t.fts, 50)),
    raw_fts_p99_ms: round(p(t.fts, 99)),
    like_p50_ms: round(p(t.like, 50)),
    like_p99_ms: round(p(t.like, 99)),
    ratio_vs_raw_fts_p50: round(p(t.mesh, 50) / p(t.fts, 50), 3),
    ratio_vs_raw_fts_p99: round(p(t.mesh, 99) / p(t.fts, 99), 3),
    like_vs_mesh_p50: round(p(t.like, 50) / p(t.mesh, 50), 3),
    ...(extra.queries === "all" ? {} : { mesh_p50_ms_by_query: [...t.perQuery].map(([q, ms]) => `${q}:${round(p(ms, 50), 3)}`).join(" ") }),
    samples: t.mesh.length,
  };
};

/**
 * SearchRepo.search (FTS5 trigram MATCH joined to messages and scoped; its newest 500 matches
 * ranked in JS by a score from each row's own text) over `rows` room messages, against the same
 * MATCH on the bare index ranked by bm25 (no join, no access filter, no text read) and a LIKE
 * scan of the messages table (newest first, so it reads every row as a search with no index would).
 */
export const searchBench = (rows: number, options: BenchOptions): BenchLine[] => {
  const dir = mkdtempSync(join(tmpdir(), "mesh-bench-search-"));
  const db = openDatabase(join(dir, "mesh.sqlite"));
  try {
    progress(`conversation.search: storing ${rows} messages in batches of ${BATCH}`);
    const fillNs = fill(db, rows);
    const count = (db.sqlite.prepare("SELECT count(*) AS n FROM messages").get() as { n: number }).n;
    if (count !== rows) throw new Error(`conversation bench: stored ${count} rows, not ${rows}`);
    // Search finds what the indexer has indexed: catch it up as the server's indexer would.
    progress(`conversation.search: indexing ${rows} messages, ${INDEX_BATCH} per indexPending call`);
    let indexed = 0;
    const indexNs = timeNs(() => {
      let n: number;
      do {
        n = db.search.indexPending(INDEX_BATCH);
        indexed += n;
      } while (n === INDEX_BATCH);
    });
    if (indexed !== rows) throw new Error(`conversation bench: indexed ${indexed} rows, not ${rows}`);
    const rawFts = db.sqlite.prepare(
      "SELECT rowid, bm25(messages_fts) AS rank FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rank LIMIT ?",
    );
    const ftsQuery = (q: string) =>
      q
        .split(/\s+/u)
        .map((t) => `"${t}"`)
        .join(" AND ");
    const likes = QUERIES.map(({ q }) => {
      const { sql, params } = likeOf(q);
      return { statement: db.sqlite.prepare(`SELECT rowid FROM messages WHERE ${sql} ORDER BY ts DESC LIMIT ?`), params };
    });
    // How many rows each query matches in the whole table: the work a ranked search cannot skip.
    const matches = QUERIES.map(
      ({ q }) => (db.sqlite.prepare("SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH ?").get(ftsQuery(q)) as { n: number }).n,
    );
    for (const [i, { kind, q }] of QUERIES.entries()) {
      const hits = db.search.search(q, SCOPE);
      if (!hits.ok) throw new Error(`conversation bench: search '${q}' failed: ${hits.error.message}`);
      const n = hits.value.length;
      // A query that should match must match somewhere (maybe outside the scope); "none" nowhere.
      if (kind === "none" ? n !== 0 || matches[i] !== 0 : matches[i] === 0) throw new Error(`conversation bench: search '${q}' found ${n} of ${matches[i]}`);
      if (kind === "common" && n !== LIMIT) throw new Error(`conversation bench: common '${q}' found only ${n}`);
      if (hits.value.some((h) => !SCOPE.roomIds.includes(h.message.roomId))) throw new Error("conversation bench: a hit outside the scope");
      if (hits.value.some((h, j) => j > 0 && h.rank < hits.value[j - 1].rank)) throw new Error(`conversation bench: '${q}' not best first`);
    }
    const rounds = options.quick ? 3 : 8;
    progress(`conversation.search: ${rows} rows, ${QUERIES.length} queries × ${rounds} rounds (search, raw MATCH, LIKE)`);
    const byKind = new Map<QueryKind, Timings>();
    const all = timings();
    for (let r = -1; r < rounds; r++) {
      for (const [i, { kind, q }] of QUERIES.entries()) {
        const mesh = timeNs(() => db.search.search(q, SCOPE)) / 1e6;
        const fts = timeNs(() => rawFts.all(ftsQuery(q), LIMIT)) / 1e6;
        const like = timeNs(() => likes[i].statement.all(...likes[i].params, LIMIT)) / 1e6;
        if (r < 0) continue; // one warm-up round: page cache and statement plans
        const t = byKind.get(kind) ?? timings();
        byKind.set(kind, t);
        for (const into of [t, all]) {
          into.mesh.push(mesh);
          into.fts.push(fts);
          into.like.push(like);
          into.perQuery.set(q, [...(into.perQuery.get(q) ?? []), mesh]);
        }
      }
    }
    const matchesOf = (kind: QueryKind) => QUERIES.flatMap((query, i) => (query.kind === kind ? [matches[i]] : [])).join("/");
    return [
      summary(all, {
        queries: "all",
        rows,
        store_us_per_msg: round(fillNs / 1e3 / rows),
        index_us_per_msg: round(indexNs / 1e3 / rows),
      }),
      ...[...byKind].map(([kind, t]) => summary(t, { queries: kind, rows, matching_rows: matchesOf(kind) })),
    ];
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
};
