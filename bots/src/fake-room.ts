import type { LinkRoom } from "./link.ts";

type Handler = (...args: never[]) => void;

/**
 * A stand-in for a Colyseus SDK Room in unit tests: records what is sent, and lets a test
 * fire the SDK's connection events (drop, reconnect, leave, error) by hand.
 */
export class FakeRoom implements LinkRoom {
  readonly sent: [string, unknown][] = [];
  reconnection = { enabled: true, maxRetries: 15, minDelay: 100, maxDelay: 5000, minUptime: 5000 };
  leaves = 0;
  private readonly handlers = new Map<string, Handler[]>();

  onDrop = (callback: (code: number, reason?: string) => void) => this.on("drop", callback);
  onReconnect = (callback: () => void) => this.on("reconnect", callback);
  onLeave = (callback: (code: number, reason?: string) => void) => this.on("leave", callback);
  onError = (callback: (code: number, message?: string) => void) => this.on("error", callback);

  send(type: string, payload: unknown): void {
    this.sent.push([type, payload]);
  }

  async leave(): Promise<number> {
    this.leaves++;
    this.fire("leave", 4000);
    return 4000;
  }

  fire(event: "drop" | "reconnect" | "leave" | "error", ...args: unknown[]): void {
    for (const handler of this.handlers.get(event) ?? []) (handler as (...a: unknown[]) => void)(...args);
  }

  private on(event: string, handler: Handler): void {
    const list = this.handlers.get(event) ?? [];
    list.push(handler);
    this.handlers.set(event, list);
  }
}
