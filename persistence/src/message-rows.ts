import type { AttachmentData, MessageData, TrustLevel } from "@mesh/schema";

/** A messages row as SQLite holds it. */
export interface MessageRow {
  id: string;
  room_id: string;
  seq: number;
  author_id: string;
  author_name: string;
  text: string;
  thread_id: string;
  to_id: string;
  pair: string;
  ts: number;
  edited_ts: number;
  deleted: number;
  trust: string;
  nonce: string;
  reactions: string;
  attachments: string;
  pinned: number;
  locked: number;
}

export const MESSAGE_COLUMNS =
  "id, room_id, seq, author_id, author_name, text, thread_id, to_id, pair, ts, edited_ts, deleted, trust, nonce, reactions, attachments, pinned, locked";

/**
 * The key of a DM conversation: both participant ids in code point order (SQLite's binary
 * order, which the migration's backfill used), joined by one space. Either way round gives the same.
 */
export function pairOf(a: string, b: string): string {
  return compareCodePoints(a, b) <= 0 ? `${a} ${b}` : `${b} ${a}`;
}

function compareCodePoints(a: string, b: string): number {
  // UTF-8 bytes compare in code point order; UTF-16 units (JS's `<`) do not past U+FFFF.
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

export function toRow(message: MessageData): MessageRow {
  return {
    id: message.id,
    room_id: message.roomId,
    seq: message.seq,
    author_id: message.authorId,
    author_name: message.authorName,
    text: message.text,
    thread_id: message.threadId,
    to_id: message.to,
    pair: message.to === "" ? "" : pairOf(message.authorId, message.to),
    ts: message.ts,
    edited_ts: message.editedTs,
    deleted: message.deleted ? 1 : 0,
    trust: message.trust,
    nonce: message.nonce,
    reactions: JSON.stringify(message.reactions),
    attachments: JSON.stringify(message.attachments),
    pinned: message.pinned ? 1 : 0,
    locked: message.locked ? 1 : 0,
  };
}

export function toMessage(row: MessageRow): MessageData {
  return {
    id: row.id,
    roomId: row.room_id,
    seq: row.seq,
    authorId: row.author_id,
    authorName: row.author_name,
    text: row.text,
    threadId: row.thread_id,
    to: row.to_id,
    ts: row.ts,
    editedTs: row.edited_ts,
    deleted: row.deleted !== 0,
    trust: row.trust as TrustLevel,
    nonce: row.nonce,
    reactions: JSON.parse(row.reactions) as Record<string, string[]>,
    attachments: JSON.parse(row.attachments) as AttachmentData[],
    pinned: row.pinned !== 0,
    locked: row.locked !== 0,
  };
}

/**
 * Reads rows nearest-first until their texts pass `maxBytes` of UTF-8 (at least one always
 * comes), so a large limit over long messages costs what the page holds, not what was asked for.
 */
export function readWithin(rows: Iterable<MessageRow>, maxBytes: number): { rows: MessageRow[]; cut: boolean } {
  const kept: MessageRow[] = [];
  let bytes = 0;
  for (const row of rows) {
    bytes += Buffer.byteLength(row.text, "utf8");
    if (kept.length > 0 && bytes > maxBytes) return { rows: kept, cut: true };
    kept.push(row);
  }
  return { rows: kept, cut: false };
}
