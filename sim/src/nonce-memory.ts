/**
 * How many of the latest numbered messages keep their nonce in memory. The sim only has to
 * catch a resend that arrives before the original is stored (the same or the next tick);
 * older resends are caught at the edge by the stored message's nonce.
 */
export const NONCE_MEMORY = 4096;

/** (participant, nonce) → seq for the most recent NONCE_MEMORY numbered messages. */
export class NonceMemory {
  private readonly bySender = new Map<string, Map<string, number>>();
  /** Remembered entries, oldest (lowest seq) first. */
  private order: [string, string, number][] = [];
  private head = 0;

  constructor(private readonly limit = NONCE_MEMORY) {}

  get(participantId: string, nonce: string): number | undefined {
    return this.bySender.get(participantId)?.get(nonce);
  }

  remember(participantId: string, nonce: string, seq: number): void {
    let byNonce = this.bySender.get(participantId);
    if (byNonce === undefined) {
      byNonce = new Map();
      this.bySender.set(participantId, byNonce);
    }
    byNonce.set(nonce, seq);
    this.order.push([participantId, nonce, seq]);
    while (this.order.length - this.head > this.limit) this.drop(this.order[this.head++]);
    // Compact now and then so the array does not grow without bound.
    if (this.head > this.limit) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
  }

  /** Forget everything numbered after `seq` (a batch that was never stored). */
  forgetAfter(seq: number): void {
    while (this.order.length > this.head && this.order[this.order.length - 1][2] > seq) {
      const entry = this.order.pop();
      if (entry) this.drop(entry);
    }
  }

  clear(): void {
    this.bySender.clear();
    this.order = [];
    this.head = 0;
  }

  /** Oldest first: [participantId, nonce, seq]. */
  entries(): [string, string, number][] {
    return this.order.slice(this.head).map((e) => [...e] as [string, string, number]);
  }

  get size(): number {
    return this.order.length - this.head;
  }

  private drop([participantId, nonce, seq]: [string, string, number]): void {
    const byNonce = this.bySender.get(participantId);
    if (byNonce?.get(nonce) !== seq) return;
    byNonce.delete(nonce);
    if (byNonce.size === 0) this.bySender.delete(participantId);
  }
}
