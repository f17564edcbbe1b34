import type { MeshRoom, MeshRest } from "@mesh/bots";

/** Read markers go out at most this often, however fast messages arrive. */
const MARK_EVERY_MS = 2000;

/**
 * Tells the server how far you have read the room (POST /api/rooms/:id/read), so the start page's
 * unread and mention counts fall as you read: whatever reached the open panel while the page was
 * visible counts as read. Throttled; a failed mark is tried again with the next message.
 */
export class ReadMarker {
  private shownSeq = 0;
  private markedSeq = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly onVisible = () => this.schedule();

  constructor(
    private readonly rest: () => MeshRest,
    private roomId: string,
  ) {
    document.addEventListener("visibilitychange", this.onVisible);
  }

  /** A new room: its seqs start over. */
  reset(room: MeshRoom, roomId: string): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.roomId = roomId;
    this.shownSeq = room.lastSeq;
    this.markedSeq = 0;
    this.schedule();
  }

  /** A room message is on screen (DMs have seqs of their own and no read marker). */
  shown(seq: number, to: string): void {
    if (to !== "" || seq <= this.shownSeq) return;
    this.shownSeq = seq;
    this.schedule();
  }

  stop(): void {
    clearTimeout(this.timer);
    document.removeEventListener("visibilitychange", this.onVisible);
  }

  private schedule(): void {
    if (this.timer !== undefined || document.visibilityState !== "visible" || this.shownSeq <= this.markedSeq) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const seq = this.shownSeq;
      const roomId = this.roomId;
      this.rest()
        .markRead(roomId, seq)
        .then(
          () => {
            if (roomId === this.roomId) this.markedSeq = Math.max(this.markedSeq, seq);
          },
          () => {},
        );
    }, MARK_EVERY_MS);
  }
}
