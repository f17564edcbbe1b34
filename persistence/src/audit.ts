import { createHash } from "node:crypto";
import type BetterSqlite3 from "better-sqlite3";
import { canonicalJson, toJsonValue } from "./canonical-json.ts";

export interface AuditEntry {
  seq: number;
  ts: number;
  actorId: string;
  action: string;
  target: string;
  detail: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export interface NewAuditEntry {
  actorId: string;
  action: string;
  target: string;
  detail?: Record<string, unknown>;
}

export type AuditVerification = { ok: true; count: number } | { ok: false; brokenAt: number };

export const GENESIS_HASH = "0".repeat(64);

interface AuditRow {
  seq: number;
  ts: number;
  actor_id: string;
  action: string;
  target: string;
  detail: string;
  prev_hash: string;
  hash: string;
}

const COLUMNS = "seq, ts, actor_id, action, target, detail, prev_hash, hash";

/**
 * Append-only, hash-chained log of privileged actions. Each entry's hash covers the previous
 * hash, so editing or removing any entry but the newest breaks `verify()` from there on;
 * SQL triggers refuse UPDATE and DELETE outright.
 */
export class AuditLog {
  private readonly insert: BetterSqlite3.Statement<[AuditRow]>;
  private readonly last: BetterSqlite3.Statement<[], { seq: number; hash: string }>;
  private readonly newest: BetterSqlite3.Statement<[{ before: number; limit: number }], AuditRow>;
  private readonly ascending: BetterSqlite3.Statement<[], AuditRow>;
  private readonly appendOne: (entry: NewAuditEntry) => AuditEntry;

  constructor(db: BetterSqlite3.Database) {
    this.insert = db.prepare(
      `INSERT INTO audit (${COLUMNS})
       VALUES (@seq, @ts, @actor_id, @action, @target, @detail, @prev_hash, @hash)`,
    );
    this.last = db.prepare("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1");
    this.newest = db.prepare(
      `SELECT ${COLUMNS} FROM audit WHERE seq < @before ORDER BY seq DESC LIMIT @limit`,
    );
    this.ascending = db.prepare(`SELECT ${COLUMNS} FROM audit ORDER BY seq`);
    const appendInTransaction = db.transaction((entry: NewAuditEntry) => this.write(entry));
    // IMMEDIATE: take the write lock before reading the chain head, so two processes cannot fork it.
    this.appendOne = (entry) => appendInTransaction.immediate(entry);
  }

  append(entry: NewAuditEntry): AuditEntry {
    return this.appendOne(entry);
  }

  /** Newest first; `before` is an exclusive seq bound for paging back. */
  list(query: { limit: number; before?: number }): AuditEntry[] {
    const limit = Math.max(0, Math.floor(query.limit));
    const before = query.before ?? Number.MAX_SAFE_INTEGER;
    return this.newest.all({ before, limit }).map(toEntry);
  }

  /** Recomputes the whole chain; `brokenAt` is the seq of the first entry that does not fit. */
  verify(): AuditVerification {
    let expectedSeq = 1;
    let prevHash = GENESIS_HASH;
    for (const row of this.ascending.iterate()) {
      const entry = toEntry(row);
      if (entry.seq !== expectedSeq || entry.prevHash !== prevHash || entry.hash !== hashEntry(entry)) {
        return { ok: false, brokenAt: entry.seq };
      }
      prevHash = entry.hash;
      expectedSeq += 1;
    }
    return { ok: true, count: expectedSeq - 1 };
  }

  private write(entry: NewAuditEntry): AuditEntry {
    const head = this.last.get();
    const unsigned = {
      seq: (head?.seq ?? 0) + 1,
      ts: Date.now(),
      actorId: entry.actorId,
      action: entry.action,
      target: entry.target,
      // Hash what will be read back: the JSON round trip of the detail.
      detail: toJsonValue(entry.detail ?? {}) as Record<string, unknown>,
      prevHash: head?.hash ?? GENESIS_HASH,
    };
    const stored: AuditEntry = { ...unsigned, hash: hashEntry(unsigned) };
    this.insert.run({
      seq: stored.seq,
      ts: stored.ts,
      actor_id: stored.actorId,
      action: stored.action,
      target: stored.target,
      detail: canonicalJson(stored.detail),
      prev_hash: stored.prevHash,
      hash: stored.hash,
    });
    return stored;
  }
}

/** sha256 hex of prevHash followed by the canonical JSON of the entry's content. */
export function hashEntry(entry: Omit<AuditEntry, "hash">): string {
  const { seq, ts, actorId, action, target, detail } = entry;
  const content = canonicalJson({ seq, ts, actorId, action, target, detail });
  return createHash("sha256").update(entry.prevHash).update(content).digest("hex");
}

function toEntry(row: AuditRow): AuditEntry {
  return {
    seq: row.seq,
    ts: row.ts,
    actorId: row.actor_id,
    action: row.action,
    target: row.target,
    detail: JSON.parse(row.detail) as Record<string, unknown>,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
