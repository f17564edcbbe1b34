import type { MeshRoom } from "@mesh/bots";

/** How often the round trip is measured. */
const PING_MS = 2000;

/**
 * The corner readout: frames per second, the server's tick and the round trip. Text is rewritten
 * twice a second, not every frame, so the readout costs nothing worth measuring.
 */
export class Stats {
  fps = 0;
  private frames = 0;
  private since = performance.now();
  private rtt = -1;
  private room: MeshRoom | undefined;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(
    private readonly element: HTMLElement,
    private readonly mode: () => string,
  ) {
    this.timer = setInterval(() => {
      const room = this.room;
      if (room && room.connectionState === "open")
        void room.ping().then((ms) => {
          if (room === this.room) this.rtt = ms;
        });
    }, PING_MS);
  }

  follow(room: MeshRoom): void {
    this.room = room;
    this.rtt = -1;
  }

  frame(now: number, updateMs: number): void {
    this.frames++;
    const elapsed = now - this.since;
    if (elapsed < 500) return;
    this.fps = (this.frames * 1000) / elapsed;
    this.frames = 0;
    this.since = now;
    const rtt = this.rtt < 0 ? "…" : `${Math.round(this.rtt)} ms`;
    this.element.textContent = `${this.mode()} · ${this.fps.toFixed(0)} fps · update ${updateMs.toFixed(2)} ms · tick ${this.room?.tick ?? 0} · rtt ${rtt}`;
  }

  destroy(): void {
    clearInterval(this.timer);
  }
}
