/** How long a speech bubble stays (ms), fading over its last second. */
export const BUBBLE_MS = 6000;
const FADE_MS = 1000;

export interface Bubble {
  speakerId: string;
  text: string;
  born: number;
}

/**
 * The speech bubbles showing now: one per speaker (a new message replaces the last), gone after
 * BUBBLE_MS. Bubbles change a few times a second at most, so plain objects are fine here.
 */
export class BubbleBoard {
  private readonly bySpeaker = new Map<string, Bubble>();
  private readonly listeners = new Set<(bubble: Bubble, gone: boolean) => void>();

  listen(listener: (bubble: Bubble, gone: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  say(speakerId: string, text: string, now: number): void {
    const old = this.bySpeaker.get(speakerId);
    if (old) this.emit(old, true);
    const bubble = { speakerId, text, born: now };
    this.bySpeaker.set(speakerId, bubble);
    this.emit(bubble, false);
  }

  /** Drops expired bubbles; call once a frame. */
  expire(now: number): void {
    for (const [id, bubble] of this.bySpeaker) {
      if (now - bubble.born < BUBBLE_MS) continue;
      this.bySpeaker.delete(id);
      this.emit(bubble, true);
    }
  }

  /** 1 while fresh, falling to 0 over the last second. */
  static opacity(bubble: Bubble, now: number): number {
    const left = BUBBLE_MS - (now - bubble.born);
    return left >= FADE_MS ? 1 : Math.max(0, left / FADE_MS);
  }

  forEach(fn: (bubble: Bubble) => void): void {
    for (const bubble of this.bySpeaker.values()) fn(bubble);
  }

  texts(): string[] {
    return [...this.bySpeaker.values()].map((b) => b.text);
  }

  clear(): void {
    for (const bubble of this.bySpeaker.values()) this.emit(bubble, true);
    this.bySpeaker.clear();
  }

  private emit(bubble: Bubble, gone: boolean): void {
    for (const l of this.listeners) l(bubble, gone);
  }
}
