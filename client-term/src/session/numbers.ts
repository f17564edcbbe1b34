import type { MessageData } from "@mesh/schema";

/** How many numbered messages are remembered for reply and react. */
const KEEP = 1000;

/**
 * Small numbers for the messages a user has seen ([1], [2], …), so `reply 3` and `react 3 👍`
 * can name one. A message keeps its number when it is shown again (history) or changes.
 */
export class MessageNumbers {
  private next = 1;
  private readonly byNumber = new Map<number, MessageData>();
  private readonly byId = new Map<string, number>();
  private readonly authors = new Map<string, string>();

  /** The message's number, given on first sight. */
  add(message: MessageData): number {
    this.authors.set(message.authorId, message.authorName);
    const known = this.byId.get(message.id);
    if (known !== undefined) {
      this.byNumber.set(known, message);
      return known;
    }
    const n = this.next++;
    this.byNumber.set(n, message);
    this.byId.set(message.id, n);
    const old = n - KEEP;
    const gone = this.byNumber.get(old);
    if (gone) {
      this.byNumber.delete(old);
      this.byId.delete(gone.id);
    }
    return n;
  }

  /** A changed message replaces the one its number points to (edits, reactions). */
  update(message: MessageData): void {
    const n = this.byId.get(message.id);
    if (n !== undefined) this.byNumber.set(n, message);
  }

  get(n: number): MessageData | undefined {
    return this.byNumber.get(n);
  }

  /** The name an author id last wrote under (for people no longer in the room). */
  authorName(id: string): string | undefined {
    return this.authors.get(id);
  }
}
