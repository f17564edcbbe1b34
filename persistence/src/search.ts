import { err, type MessageData, ok, type Result } from "@mesh/schema";
import type BetterSqlite3 from "better-sqlite3";
import { MESSAGE_COLUMNS, type MessageRow, toMessage } from "./message-rows.ts";

/** Who searches and where: room messages of `roomIds`, and their own DMs in those rooms (a ban or lost invitation hides both); `room` narrows both. */
export interface SearchScope {
  participantId: string;
  /** Rooms whose messages the participant may read. */
  roomIds: readonly string[];
  room?: string;
  limit: number;
  offset: number;
}

export interface SearchHit {
  message: MessageData;
  /** Minus the message's relevance to the query: lower is a better match. Depends on this message's text and the query alone. */
  rank: number;
}

/** The trigram tokenizer can match nothing shorter. */
const MIN_TERM_LENGTH = 3;
/**
 * Search ranks at most this many matches: the most recently stored ones in the caller's scope.
 * Older matches are not reached (paging ends there); more terms or `room` narrow the search to them.
 */
export const SEARCH_CANDIDATES = 500;

interface SearchParams {
  query: string;
  participant: string;
  rooms: string;
  room: string | null;
  candidates: number;
}

/** What ranking reads of a matching row. */
interface Candidate {
  rowid: number;
  text: string;
  ts: number;
  seq: number;
}

/**
 * Full-text search over message text (the messages_fts trigram index), always literal. New
 * messages are found once `indexPending` has indexed them; edits and deletes apply at once.
 * Ranking never uses the index's statistics (bm25): they count every room and every DM, so a
 * score built on them would tell a caller about messages they may not read.
 */
export class SearchRepo {
  private readonly ranked: (terms: readonly string[], scope: SearchScope) => SearchHit[];
  private readonly indexBatch: (maxRows: number, maxChars: number) => number;

  constructor(db: BetterSqlite3.Database) {
    const through = db.prepare<[], number>("SELECT through FROM messages_fts_progress").pluck();
    // Indexing costs with the text's length (a trigram per character), so a call is bounded in both.
    const nextRows = db.prepare<[number, number], { rowid: number; chars: number }>(
      "SELECT rowid, length(text) AS chars FROM messages WHERE rowid > ? ORDER BY rowid LIMIT ?",
    );
    const add = db.prepare<[number, number]>(
      "INSERT INTO messages_fts (rowid, text) SELECT rowid, text FROM messages WHERE rowid > ? AND rowid <= ?",
    );
    const advance = db.prepare<[number]>("UPDATE messages_fts_progress SET through = ?");
    // Rows and watermark move together, so a crash leaves the rows above it to the next call.
    const index = db.transaction((maxRows: number, maxChars: number): number => {
      const from = through.get() ?? 0;
      let n = 0;
      let last: number | undefined;
      let chars = 0;
      for (const row of nextRows.iterate(from, maxRows)) {
        chars += row.chars;
        // At least one row a call, however long, or a long message would stall indexing for good.
        if (n > 0 && chars > maxChars) break;
        n++;
        last = row.rowid;
      }
      if (last === undefined) return 0;
      add.run(from, last);
      advance.run(last);
      return n;
    });
    // IMMEDIATE: it reads, then writes on what it read; another process must not write between.
    this.indexBatch = (maxRows, maxChars) => index.immediate(maxRows, maxChars);
    // Newest stored first, straight off the index (FTS5 walks rowids backwards), stopping at
    // the cap: which rows come back depends on the rows in scope only. Only what ranking needs:
    // whole rows for all candidates cost more than the search itself.
    const candidates = db.prepare<[SearchParams], Candidate>(
      `SELECT m.rowid AS rowid, m.text, m.ts, m.seq
       FROM messages_fts CROSS JOIN messages AS m ON m.rowid = messages_fts.rowid
       WHERE messages_fts MATCH @query AND m.deleted = 0
         AND (@room IS NULL OR m.room_id = @room)
         AND ((m.to_id = '' AND m.room_id IN (SELECT value FROM json_each(@rooms)))
              OR (m.to_id <> '' AND (m.author_id = @participant OR m.to_id = @participant)
                  AND m.room_id IN (SELECT value FROM json_each(@rooms))))
       ORDER BY messages_fts.rowid DESC
       LIMIT @candidates`,
    );
    const byRowid = db.prepare<[number], MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE rowid = ?`);
    // One read transaction: the page's rows are the candidates just ranked, whoever else writes.
    this.ranked = db.transaction((terms: readonly string[], scope: SearchScope): SearchHit[] => {
      const rows = candidates.all({
        query: ftsQuery(terms),
        participant: scope.participantId,
        rooms: JSON.stringify(scope.roomIds),
        room: scope.room ?? null,
        candidates: SEARCH_CANDIDATES,
      });
      const folded = terms.map(fold);
      // Stable: among equal score, ts and seq, the newer stored stays first, as SQL gave them.
      const best = rows
        .map((row) => ({ rowid: row.rowid, ts: row.ts, seq: row.seq, score: relevance(row.text, folded) }))
        .sort((a, b) => b.score - a.score || b.ts - a.ts || b.seq - a.seq);
      const offset = Math.max(0, Math.floor(scope.offset));
      const limit = Math.max(0, Math.floor(scope.limit));
      return best.slice(offset, offset + limit).flatMap(({ rowid, score }) => {
        const row = byRowid.get(rowid);
        return row ? [{ message: toMessage(row), rank: -score }] : [];
      });
    });
  }

  /**
   * Messages containing every whitespace-separated term of `q` (case- and diacritic-insensitive)
   * among the newest SEARCH_CANDIDATES such in scope, best match first (see `relevance`), then
   * newest; `limit` and `offset` page that list. Terms shorter than 3 characters are dropped; a
   * query left with none is bad_input. Whatever `q` holds is searched as text, never as FTS5 syntax.
   */
  search(q: string, scope: SearchScope): Result<SearchHit[]> {
    const terms = searchTerms(q);
    if (terms.length === 0) return err("bad_input", "search terms need at least 3 characters");
    return ok(this.ranked(terms, scope));
  }

  /**
   * Indexes up to `maxRows` stored messages that search does not find yet, oldest first, in one
   * transaction of its own, stopping before `maxChars` of text (at least one message always);
   * returns how many (0 means it has caught up). Each costs about what the index added to storing
   * it (its length, in trigrams), but many in one call cost far less apiece.
   */
  indexPending(maxRows: number, maxChars = Number.POSITIVE_INFINITY): number {
    if (!(maxRows >= 1)) return 0; // NaN too
    return this.indexBatch(Math.min(Math.floor(maxRows), Number.MAX_SAFE_INTEGER), maxChars);
  }
}

/** `q`'s whitespace-separated terms of 3 code points or more. NUL splits terms too: FTS5 would end the query there. */
function searchTerms(q: string): string[] {
  return q.split(/[\s\u0000]+/u).filter((term) => [...term].length >= MIN_TERM_LENGTH);
}

/** An FTS5 query that finds `terms` as plain text: each an FTS5 string ("..." with inner quotes doubled), all ANDed. */
function ftsQuery(terms: readonly string[]): string {
  return terms.map((term) => `"${term.replaceAll('"', '""')}"`).join(" AND ");
}

/** An FTS5 query that finds `q`'s terms as plain text, or undefined when it has none of 3 characters. */
export function literalQuery(q: string): string | undefined {
  const terms = searchTerms(q);
  return terms.length === 0 ? undefined : ftsQuery(terms);
}

/** How much a term's repeats count before they saturate (BM25's k1). */
const SATURATION = 1.2;
/** How much a longer message dilutes its matches (BM25's b). */
const LENGTH_WEIGHT = 0.75;
/** A fixed typical message length in code points: BM25 would use the index's average, which counts hidden messages. */
const TYPICAL_LENGTH = 80;

const ASCII = /^[\u0000-\u007f]*$/u;
const MARK = /\p{M}/u;
const MARKS = /\p{M}/gu;

/** Text compared as the trigram tokenizer compares it: lower case, accents and other combining marks gone. */
function fold(text: string): string {
  const lower = text.toLowerCase();
  if (ASCII.test(lower)) return lower; // most chat: nothing to decompose, skip the costly steps
  const decomposed = lower.normalize("NFD");
  return MARK.test(decomposed) ? decomposed.replace(MARKS, "") : decomposed;
}

/** Length in code points: a surrogate pair counts once. */
function codePoints(text: string): number {
  let count = text.length;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0xdc00 && text.charCodeAt(i) <= 0xdfff) count--;
  return count;
}

/**
 * BM25 without what it learns from other rows: per term, its occurrences in this text,
 * saturating, over the text's length against a fixed typical one. Higher is better. Each term
 * counts at least once (the row matched it), also where folding differs from the tokenizer's.
 */
function relevance(text: string, foldedTerms: readonly string[]): number {
  const folded = fold(text);
  const lengthFactor = 1 - LENGTH_WEIGHT + (LENGTH_WEIGHT * codePoints(folded)) / TYPICAL_LENGTH;
  let score = 0;
  for (const term of foldedTerms) {
    const count = Math.max(1, occurrences(folded, term));
    score += (count * (SATURATION + 1)) / (count + SATURATION * lengthFactor);
  }
  return score;
}

/** Non-overlapping occurrences of `term` in `text`; none for an empty term. */
function occurrences(text: string, term: string): number {
  if (term === "") return 0;
  let count = 0;
  for (let at = text.indexOf(term); at !== -1; at = text.indexOf(term, at + term.length)) count++;
  return count;
}
