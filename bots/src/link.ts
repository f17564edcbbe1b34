import { ClientMessage } from "@mesh/schema";

export type ConnectionState = "open" | "reconnecting" | "closed";

/** How hard the SDK tries to resume a dropped connection (Colyseus's reconnection settings). */
export interface ReconnectOptions {
  /** Attempts before giving up (default 15: about a minute with the default delays). */
  maxRetries?: number;
  /** Delay before the first attempt, in ms; each attempt doubles it (default 100). */
  minDelay?: number;
  /** Longest delay between attempts, in ms (default 5000). */
  maxDelay?: number;
  /** A connection younger than this (ms since join) is not resumed (default 0: always resume). */
  minUptime?: number;
}

type Signal<A extends unknown[]> = (callback: (...args: A) => void) => unknown;

/** The part of a Colyseus SDK Room the link drives; a test passes a fake. */
export interface LinkRoom {
  onDrop: Signal<[number, string?]>;
  onReconnect: Signal<[]>;
  onLeave: Signal<[number, string?]>;
  onError: Signal<[number, string?]>;
  send(type: string, payload: unknown): void;
  leave(consented?: boolean): Promise<number>;
  reconnection: { enabled: boolean; maxRetries: number; minDelay: number; maxDelay: number; minUptime: number };
}

export interface LinkEvents {
  /** The connection was lost; the SDK is retrying. Once per loss, however many attempts fail. */
  drop(code: number, reason: string | undefined): void;
  /** Connected again and the full state has been applied. */
  resume(): void;
  /** Closed for good: by the server, by `leave`, or because resuming failed. */
  close(code: number, reason: string | undefined): void;
}

/** Close code reported when a lost connection could not be resumed (join again, with `since`). */
export const RESUME_FAILED = 1006;
/** Close code reported for `leave()` (Colyseus CONSENTED). */
export const LEFT = 4000;

/** Sent during a drop, only the latest of these matters. */
const LATEST_ONLY = new Set<string>([ClientMessage.Move, ClientMessage.Typing]);

/**
 * One room connection's lifecycle over Colyseus's own reconnection: which state it is in,
 * actions held while it is down (sent in order once it is back), and one `close` however it ends.
 *
 * Colyseus retries only closes that are not deliberate (1001, 1005, 1006, 4010); the server's
 * closes (kick, ban, logout, room deleted, access revoked, 1009) end the room at once.
 */
export class RoomLink {
  private current: ConnectionState = "open";
  private held: [string, unknown][] = [];
  private awaitingState = false;
  /** Why the server refused a reconnection attempt (it sends an error, then closes). */
  private refusal: string | undefined;
  private leaving = false;

  constructor(
    private readonly room: LinkRoom,
    private readonly events: LinkEvents,
    options: ReconnectOptions | false = {},
  ) {
    const reconnection = room.reconnection;
    reconnection.enabled = options !== false;
    if (options !== false) {
      reconnection.maxRetries = options.maxRetries ?? reconnection.maxRetries;
      reconnection.minDelay = options.minDelay ?? reconnection.minDelay;
      reconnection.maxDelay = options.maxDelay ?? reconnection.maxDelay;
      reconnection.minUptime = options.minUptime ?? 0;
    }
    room.onDrop((code, reason) => this.dropped(code, reason));
    room.onReconnect(() => this.reconnected());
    room.onError((code, message) => {
      if (this.current === "reconnecting" && typeof code === "number" && message) this.refusal = `${message} (${code})`;
    });
    room.onLeave((code, reason) => this.left(code, reason));
  }

  get state(): ConnectionState {
    return this.current;
  }

  /** Send now when connected; hold while reconnecting; drop when closed. */
  send(type: string, payload: unknown): void {
    if (this.current === "open") {
      this.room.send(type, payload);
    } else if (this.current === "reconnecting") {
      if (LATEST_ONLY.has(type)) this.held = this.held.filter(([held]) => held !== type);
      this.held.push([type, payload]);
    }
  }

  /** Call first on every state change: the first one after a reconnect is the resynced full state. */
  stateApplied(): void {
    if (!this.awaitingState) return;
    this.awaitingState = false;
    this.current = "open";
    this.refusal = undefined;
    this.events.resume();
    const held = this.held;
    this.held = [];
    for (const [type, payload] of held) this.room.send(type, payload);
  }

  async leave(): Promise<void> {
    if (this.current === "closed") return;
    // A drop from here on ends the room instead of resuming it.
    this.leaving = true;
    this.room.reconnection.enabled = false;
    if (this.current === "open") {
      await this.room.leave(true);
      return;
    }
    // Down: stop retrying, report the leave now, and close a reconnection already under way.
    this.room.reconnection.maxRetries = 0;
    this.finish(LEFT, "left while reconnecting");
  }

  private dropped(code: number, reason: string | undefined): void {
    // A reconnection that dropped again before its state arrived did not resume anything.
    this.awaitingState = false;
    if (this.current !== "open") return;
    this.current = "reconnecting";
    this.awaitingState = false;
    this.events.drop(code, reason);
  }

  private reconnected(): void {
    if (this.leaving) {
      void this.room.leave(true);
      return;
    }
    this.awaitingState = true;
  }

  private left(code: number, reason: string | undefined): void {
    if (this.current === "reconnecting") {
      this.finish(RESUME_FAILED, `reconnection failed: ${this.refusal ?? reason ?? `closed with ${code}`}`);
    } else {
      this.finish(code, reason);
    }
  }

  private finish(code: number, reason: string | undefined): void {
    if (this.current === "closed") return;
    this.current = "closed";
    this.held = [];
    this.events.close(code, reason);
  }
}
