import type { LogLine } from "./types.ts";

export interface RingLimits {
  /** Lines kept per bot. */
  maxLines: number;
  /** A longer line is cut to this many bytes. */
  maxLineBytes: number;
  /** Bytes of text kept per bot, all lines together. */
  maxBytes: number;
}

export const DEFAULT_RING: RingLimits = { maxLines: 1000, maxLineBytes: 2048, maxBytes: 256 * 1024 };

const TRUNCATED = " …[cut]";

/** A bot's newest log lines in fixed memory: a circular buffer bounded in lines and in bytes, O(1) per line. */
export class LogRing {
  private readonly slots: (LogLine | undefined)[];
  private readonly sizes: number[];
  private head = 0;
  private count = 0;
  private bytes = 0;

  constructor(readonly limits: RingLimits = DEFAULT_RING) {
    this.slots = new Array(limits.maxLines);
    this.sizes = new Array(limits.maxLines).fill(0);
  }

  push(stream: LogLine["stream"], text: string, at = Date.now()): void {
    const line = { at, stream, text: cut(text, this.limits.maxLineBytes) };
    const size = Buffer.byteLength(line.text);
    const max = this.limits.maxLines;
    while (this.count > 0 && (this.count >= max || this.bytes + size > this.limits.maxBytes)) {
      this.bytes -= this.sizes[this.head];
      this.slots[this.head] = undefined;
      this.head = (this.head + 1) % max;
      this.count--;
    }
    const slot = (this.head + this.count) % max;
    this.slots[slot] = line;
    this.sizes[slot] = size;
    this.bytes += size;
    this.count++;
  }

  /** The newest `limit` lines, oldest first. */
  lines(limit = this.limits.maxLines): LogLine[] {
    const n = Math.max(0, Math.min(Math.floor(limit), this.count));
    const out: LogLine[] = [];
    for (let i = this.count - n; i < this.count; i++) {
      const line = this.slots[(this.head + i) % this.limits.maxLines];
      if (line) out.push(line);
    }
    return out;
  }

  get lineCount(): number {
    return this.count;
  }

  get byteCount(): number {
    return this.bytes;
  }
}

/** Cut to at most `maxBytes` of UTF-8, marking the cut (`cutBefore`: the text is the start of something longer). */
export function cut(text: string, maxBytes: number, cutBefore = false): string {
  if (!cutBefore && (text.length <= maxBytes / 4 || Buffer.byteLength(text) <= maxBytes)) return text;
  const room = Math.max(0, maxBytes - Buffer.byteLength(TRUNCATED));
  // A cut inside a multi-byte character decodes as U+FFFD, which is three bytes again: drop it.
  const kept = Buffer.from(text).subarray(0, room).toString("utf8").replace(/\uFFFD$/, "");
  return kept + TRUNCATED;
}
