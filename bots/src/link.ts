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
  /**
   * The server answered the resume with a refusal (after a restart it no longer knows the seat).
   * The link stays `reconnecting` until `attach` brings a new connection or `fail` ends it.
   * Without this handler a refused resume closes the room with RESUME_FAILED.
   */
  refused?(code: number, message: string): void;
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
  private refusal: { code: number; message: string } | undefined;
  private leaving = false;
  private room: LinkRoom;

  constructor(
    room: LinkRoom,
    private readonly events: LinkEvents,
    private readonly options: ReconnectOptions | false = {},
  ) {
    this.room = room;
    this.wire(room);
  }

  /** The retry settings in force (Colyseus's defaults where the options left them out). */
  get retries(): Required<Omit<ReconnectOptions, "minUptime">> {
    const { maxRetries, minDelay, maxDelay } = this.room.reconnection;
    return { maxRetries, minDelay, maxDelay };
  }

  /** A new connection to the same room (joined again after a refused resume): resumes once its state is in. */
  attach(room: LinkRoom): void {
    if (this.current !== "reconnecting") return;
    this.room = room;
    this.refusal = undefined;
    this.wire(room);
    this.awaitingState = true;
  }

  /** Joining again failed for good: close with the refusal's code and reason. */
  fail(code: number, reason: string): void {
    this.finish(code, reason);
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

  private wire(room: LinkRoom): void {
    const reconnection = room.reconnection;
    const options = this.options;
    reconnection.enabled = options !== false;
    if (options !== false) {
      reconnection.maxRetries = options.maxRetries ?? reconnection.maxRetries;
      reconnection.minDelay = options.minDelay ?? reconnection.minDelay;
      reconnection.maxDelay = options.maxDelay ?? reconnection.maxDelay;
      reconnection.minUptime = options.minUptime ?? 0;
    }
    // A replaced connection's late events are not this link's any more.
    const current = (handler: () => void) => {
      if (room === this.room) handler();
    };
    room.onDrop((code, reason) => current(() => this.dropped(code, reason)));
    room.onReconnect(() => current(() => this.reconnected()));
    room.onError((code, message) =>
      current(() => {
        if (this.current === "reconnecting" && typeof code === "number" && message) this.refusal = { code, message };
      }),
    );
    room.onLeave((code, reason) => current(() => this.left(code, reason)));
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
      const refusal = this.refusal;
      this.refusal = undefined;
      // Refused (not out of retries): whoever handles `refused` decides between joining again and closing.
      if (refusal && this.events.refused && !this.leaving) this.events.refused(refusal.code, refusal.message);
      else this.finish(RESUME_FAILED, `reconnection failed: ${refusal ? `${refusal.message} (${refusal.code})` : (reason ?? `closed with ${code}`)}`);
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
