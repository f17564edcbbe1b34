import { JoinErrorCode } from "@mesh/schema";
import { RESUME_FAILED, type ReconnectOptions } from "./link.ts";

/**
 * Refusals that are the server's decision about this participant or room (a ban or a kick's
 * cooldown, a revoked session, the room gone, another protocol): joining again cannot help.
 * Anything else (the server down or starting, a seat it no longer knows, busy) is worth a retry.
 */
const FINAL_REFUSALS = new Set<number>([
  JoinErrorCode.AuthFailed,
  JoinErrorCode.UnknownRoom,
  JoinErrorCode.Banned,
  JoinErrorCode.Kicked,
  JoinErrorCode.ProtocolMismatch,
]);

export function isFinalRefusal(code: number): boolean {
  return FINAL_REFUSALS.has(code);
}

/** What a rejoin needs from the room it restores. */
export interface RejoinPort<R> {
  /** Join the room again (same client, same token); rejects with the refusal's `code` and `message`. */
  open(): Promise<R>;
  /** The room was closed meanwhile (left): stop trying. */
  closed(): boolean;
  /** Joined: the new connection takes over, under the same listeners. */
  attach(room: R): void;
  /** Closed for good: a final refusal's code, or RESUME_FAILED once the retries are spent. */
  fail(code: number, reason: string): void;
  /** A connection that opened after the room was closed: leave it. */
  discard(room: R): void;
}

export type RetrySettings = Required<Omit<ReconnectOptions, "minUptime">>;

/**
 * Joins a room again when the server refused to resume its session because it no longer knows
 * the seat (it restarted, or the reconnection window ran out): at once, then with the same
 * backoff and number of tries as the resume, so a restart looks like any other drop.
 */
export class Rejoin<R> {
  constructor(
    private readonly port: RejoinPort<R>,
    private readonly retries: () => RetrySettings,
  ) {}

  /** The resume was refused with `code`: join again, unless that refusal is final. */
  start(code: number, message: string): void {
    if (isFinalRefusal(code)) this.port.fail(code, message);
    else void this.run(refusalText(code, message));
  }

  private async run(last: string): Promise<void> {
    const { maxRetries, minDelay, maxDelay } = this.retries();
    for (let attempt = 1; attempt <= Math.max(1, maxRetries); attempt++) {
      if (attempt > 1) await sleep(Math.min(maxDelay, minDelay * 2 ** (attempt - 2)));
      if (this.port.closed()) return;
      let room: R;
      try {
        room = await this.port.open();
      } catch (error) {
        if (this.port.closed()) return;
        const { code, message } = refusalOf(error);
        if (isFinalRefusal(code)) return this.port.fail(code, message);
        last = refusalText(code, message);
        continue;
      }
      if (this.port.closed()) this.port.discard(room);
      else this.port.attach(room);
      return;
    }
    this.port.fail(RESUME_FAILED, `reconnection failed: ${last}`);
  }
}

function refusalOf(error: unknown): { code: number; message: string } {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return { code: typeof code === "number" ? code : 0, message: typeof message === "string" ? message : String(error) };
}

const refusalText = (code: number, message: string) => (code ? `${message} (${code})` : message);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
