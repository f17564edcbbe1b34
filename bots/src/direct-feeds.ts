import { MESSAGE_WINDOW, type MessageData } from "@mesh/schema";
import { type FeedEvents, MessageFeed } from "./feed.ts";

/** One pair's DM history (the caller and `counterpart`), by pair seq, oldest first. */
export interface DirectHistory {
  /** DMs with seq > after, at most `limit`. */
  after(counterpart: string, after: number, limit: number): Promise<MessageData[]>;
  /** The latest DMs with seq < before, at most `limit`. */
  before(counterpart: string, before: number, limit: number): Promise<MessageData[]>;
}

/** The other participant of a DM, seen from `me`. */
export function counterpartOf(message: Pick<MessageData, "authorId" | "to">, me: string): string {
  return message.authorId === me ? message.to : message.authorId;
}

const LOOKBACK = 100;

/**
 * Hands every DM to its user exactly once and, per counterpart, in pair-seq order: one
 * MessageFeed per pair, each filling its own gaps from that pair's history.
 *
 * Where a pair starts: after what the state showed at join. The state holds only the latest
 * DMs over all pairs; when it was full at join, a pair it did not show may still have older
 * DMs, and those older than everything shown (by ts) came before the join.
 */
export class DirectFeeds {
  private readonly feeds = new Map<string, MessageFeed>();
  private readonly opening = new Map<string, Promise<void>>();
  private byPair = new Map<string, MessageData[]>();
  /** Set when the window was full at join: unseen pairs' DMs older than this are not delivered. */
  private floorTs: number | undefined;
  private started = false;

  constructor(
    private readonly me: string,
    private readonly window: () => readonly MessageData[],
    private readonly history: DirectHistory,
    private readonly events: FeedEvents,
  ) {}

  /** At join: each pair the state shows starts after its latest DM there. */
  start(): void {
    const shown = this.window();
    this.byPair = this.group(shown);
    for (const [counterpart, messages] of this.byPair) {
      this.feeds.set(counterpart, this.feed(counterpart, Math.max(...messages.map((m) => m.seq))));
    }
    this.floorTs = shown.length >= MESSAGE_WINDOW ? Math.min(...shown.map((m) => m.ts)) : undefined;
    this.started = true;
  }

  /** Call when the DMs in the state changed. */
  notify(): void {
    if (!this.started) return;
    this.byPair = this.group(this.window());
    for (const counterpart of this.byPair.keys()) {
      const feed = this.feeds.get(counterpart);
      if (feed) feed.notify();
      else if (!this.opening.has(counterpart)) this.open(counterpart);
    }
  }

  /** Whether a change to this DM can be shown now: the DM itself was delivered, or came before join. */
  delivered(message: MessageData): boolean {
    const feed = this.feeds.get(counterpartOf(message, this.me));
    if (feed) return message.seq <= feed.lastSeq;
    return this.floorTs !== undefined && message.ts < this.floorTs;
  }

  /** The last pair seq delivered per counterpart. */
  positions(): Map<string, number> {
    return new Map([...this.feeds].map(([counterpart, feed]) => [counterpart, feed.lastSeq]));
  }

  /** Resolves once every DM seen so far has been delivered. */
  async settled(): Promise<void> {
    await Promise.all(this.opening.values());
    await Promise.all([...this.feeds.values()].map((feed) => feed.settled()));
  }

  private open(counterpart: string): void {
    const opened = this.startingPoint(counterpart).then(
      (lastSeq) => {
        this.opening.delete(counterpart);
        const feed = this.feed(counterpart, lastSeq);
        this.feeds.set(counterpart, feed);
        feed.notify();
      },
      (error: unknown) => {
        this.opening.delete(counterpart);
        this.events.error(error);
        setTimeout(() => this.notify(), 1000);
      },
    );
    this.opening.set(counterpart, opened);
  }

  /** The pair seq a pair first seen after join starts after. */
  private async startingPoint(counterpart: string): Promise<number> {
    const floor = this.floorTs;
    // Not full at join: every DM of ours was shown, so a pair not shown had none.
    if (floor === undefined) return 0;
    let before = Math.min(...(this.byPair.get(counterpart) ?? []).map((m) => m.seq));
    while (before > 1) {
      const page = await this.history.before(counterpart, before, LOOKBACK);
      if (page.length === 0) return 0;
      const older = page.filter((m) => m.ts < floor && m.seq < before);
      if (older.length > 0) return Math.max(...older.map((m) => m.seq));
      const oldest = Math.min(...page.map((m) => m.seq));
      if (oldest >= before) return 0;
      before = oldest;
    }
    return 0;
  }

  private feed(counterpart: string, lastSeq: number): MessageFeed {
    return new MessageFeed(
      () => this.byPair.get(counterpart) ?? [],
      (after, limit) => this.history.after(counterpart, after, limit),
      this.events,
      lastSeq,
    );
  }

  private group(messages: readonly MessageData[]): Map<string, MessageData[]> {
    const byPair = new Map<string, MessageData[]>();
    for (const message of messages) {
      const counterpart = counterpartOf(message, this.me);
      const list = byPair.get(counterpart);
      if (list) list.push(message);
      else byPair.set(counterpart, [message]);
    }
    return byPair;
  }
}
