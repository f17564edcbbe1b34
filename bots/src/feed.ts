import type { MessageData } from "@mesh/schema";

/** Fetch room messages with seq > after, oldest first, at most `limit`. */
export type FetchAfter = (after: number, limit: number) => Promise<MessageData[]>;

export interface FeedEvents {
  deliver(message: MessageData): void;
  /** Messages that could not be recovered even from history (should never happen). */
  lost(from: number, to: number): void;
  /** History could not be fetched; the feed tries again in a second. */
  error(error: unknown): void;
}

const PAGE = 500;
const RETRIES = 3;

/**
 * Hands every room message to its user exactly once and in seq order. The synced state
 * holds only the last 100; when seq jumps past what was delivered, the gap comes from history.
 */
export class MessageFeed {
  private pumping = false;
  private dirty = false;
  private idle: Promise<void> = Promise.resolve();
  private resolveIdle?: () => void;

  constructor(
    private readonly window: () => readonly MessageData[],
    private readonly fetchAfter: FetchAfter,
    private readonly events: FeedEvents,
    /** Highest seq already handled; messages up to it are never delivered. */
    public lastSeq: number,
  ) {}

  /** Call on every state change. */
  notify(): void {
    this.dirty = true;
    if (this.pumping) return;
    this.pumping = true;
    this.idle = new Promise((resolve) => {
      this.resolveIdle = resolve;
    });
    void this.pump();
  }

  /** Resolves once everything seen so far has been delivered. */
  settled(): Promise<void> {
    return this.idle;
  }

  private async pump(): Promise<void> {
    try {
      while (this.dirty) {
        this.dirty = false;
        await this.drain();
      }
    } catch (error) {
      this.events.error(error);
      setTimeout(() => this.notify(), 1000);
    } finally {
      this.pumping = false;
      this.resolveIdle?.();
    }
  }

  private async drain(): Promise<void> {
    const fresh = this.window()
      .filter((m) => m.seq > this.lastSeq)
      .sort((a, b) => a.seq - b.seq);
    if (fresh.length === 0) return;
    if (fresh[0].seq > this.lastSeq + 1) await this.fill(fresh[0].seq);
    for (const message of fresh) this.take(message);
  }

  /** Fetch and deliver everything between lastSeq and `until` (exclusive) from history. */
  private async fill(until: number): Promise<void> {
    while (this.lastSeq + 1 < until) {
      const missing = until - this.lastSeq - 1;
      const page = await this.fetchWithRetry(this.lastSeq, Math.min(PAGE, missing));
      const useful = page.filter((m) => m.seq > this.lastSeq && m.seq < until);
      if (useful.length === 0) {
        this.events.lost(this.lastSeq + 1, until - 1);
        this.lastSeq = until - 1;
        return;
      }
      for (const message of useful) this.take(message);
    }
  }

  private take(message: MessageData): void {
    if (message.seq <= this.lastSeq) return;
    if (message.seq > this.lastSeq + 1) this.events.lost(this.lastSeq + 1, message.seq - 1);
    this.lastSeq = message.seq;
    this.events.deliver(message);
  }

  private async fetchWithRetry(after: number, limit: number): Promise<MessageData[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.fetchAfter(after, limit);
      } catch (error) {
        if (attempt >= RETRIES) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
  }
}
