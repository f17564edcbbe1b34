/** A message older than this when it reaches us is history (a backlog fetched after a drop), not something said now. */
export const FRESH_MS = 10_000;

/**
 * Tells a message said just now from one fetched late, without trusting the browser's clock to
 * agree with the server's: a laptop minutes off would otherwise see every message as old (or new).
 * The smallest (arrival − server timestamp) seen so far is the clocks' offset plus the quickest
 * delivery; a message is fresh when it came within FRESH_MS of that.
 */
export class Freshness {
  private offset = Number.POSITIVE_INFINITY;

  isFresh(serverTs: number, now = Date.now()): boolean {
    const seen = now - serverTs;
    if (seen < this.offset) this.offset = seen;
    return seen - this.offset <= FRESH_MS;
  }
}
