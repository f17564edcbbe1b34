import { ClientMessage, type ErrorCode, type ErrorPayload, type MessageData } from "@mesh/schema";

/** A `send_message` payload as the SDK sends it: always with a nonce, so a resend is never stored twice. */
export interface SendPayload {
  text: string;
  nonce: string;
  threadId?: string;
  /** A participant id: a direct message. */
  to?: string;
  /** Upload ids (MeshRest.upload). */
  attachments?: string[];
}

/** A send that did not take: the server refused it, no answer came in time, or the room closed. */
export class MeshSendError extends Error {
  constructor(
    readonly code: ErrorCode | "timeout" | "closed",
    message: string,
    readonly nonce: string,
  ) {
    super(message);
    this.name = "MeshSendError";
  }
}

interface Entry {
  payload: SendPayload;
  /** Sent on the current connection (a drop clears it: what went out may not have arrived). */
  transmitted: boolean;
  timer?: ReturnType<typeof setTimeout>;
  promise: Promise<MessageData>;
  resolve: (message: MessageData) => void;
  reject: (error: MeshSendError) => void;
}

/** The server names a send in `ref` only when its nonce is at most this long (errorRef). */
const MAX_NONCE = 128;
/** Own nonces remembered after delivery, so a late resubmission settles instead of waiting. */
const REMEMBERED = 256;
const REF_PREFIX = `${ClientMessage.SendMessage}:`;

/**
 * Sends waiting for their outcome. Each stays pending until its stored message comes back
 * through a feed (same author and nonce) or an error names it; after a reconnect every pending
 * send goes again, in order, with its nonce, and the server keeps only the first copy.
 */
export class PendingSends {
  private readonly entries = new Map<string, Entry>();
  private readonly delivered = new Map<string, MessageData>();
  private open = true;
  private closedWith: string | undefined;
  /** Sends it names wait, in order, even while connected (see `hold`). */
  private waiting: ((payload: SendPayload) => boolean) | undefined;

  constructor(
    private readonly me: string,
    private readonly transmit: (payload: SendPayload) => void,
    /** Called when a send got no answer within `answerMs` of going out; it is then dropped. */
    private readonly expired: (payload: SendPayload) => void,
    private readonly answerMs = 30_000,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** Queue a send (sent now if connected) and resolve with its stored message. */
  submit(payload: SendPayload): Promise<MessageData> {
    const { nonce } = payload;
    if (this.closedWith !== undefined) return Promise.reject(new MeshSendError("closed", this.closedWith, nonce));
    if (nonce.length === 0 || nonce.length > MAX_NONCE) {
      return Promise.reject(new MeshSendError("bad_input", `a nonce is 1 to ${MAX_NONCE} characters`, nonce));
    }
    const stored = this.delivered.get(nonce);
    if (stored) return Promise.resolve(stored);
    const pending = this.entries.get(nonce);
    if (pending) return pending.promise;
    let resolve!: Entry["resolve"];
    let reject!: Entry["reject"];
    const promise = new Promise<MessageData>((yes, no) => {
      resolve = yes;
      reject = no;
    });
    // Fire-and-forget senders never look at the outcome: that is not an unhandled rejection.
    promise.catch(() => {});
    const entry: Entry = { payload, transmitted: false, promise, resolve, reject };
    this.entries.set(nonce, entry);
    if (this.open && !this.waiting?.(payload)) this.send(entry);
    return promise;
  }

  /** A message came through a feed: settles the send it answers, if it is one of ours. */
  settle(message: MessageData): void {
    if (message.authorId !== this.me || message.nonce === "") return;
    this.delivered.set(message.nonce, message);
    if (this.delivered.size > REMEMBERED) this.delivered.delete(this.delivered.keys().next().value as string);
    const entry = this.entries.get(message.nonce);
    if (!entry) return;
    this.finish(message.nonce, entry);
    entry.resolve(message);
  }

  /** An error came back: settles the send its ref names. True when it named a pending send (never for a missing or malformed ref). */
  fail(error: ErrorPayload): boolean {
    const ref: unknown = (error as Partial<ErrorPayload> | null | undefined)?.ref;
    if (typeof ref !== "string" || !ref.startsWith(REF_PREFIX)) return false;
    const nonce = ref.slice(REF_PREFIX.length);
    const entry = this.entries.get(nonce);
    if (!entry) return false;
    this.finish(nonce, entry);
    entry.reject(new MeshSendError(error.code, error.message, nonce));
    return true;
  }

  /** The connection dropped: nothing sent so far is known to have arrived. Hold new sends. */
  pause(): void {
    this.open = false;
    for (const entry of this.entries.values()) {
      entry.transmitted = false;
      clearTimeout(entry.timer);
    }
  }

  /** Connected again: send every pending send that has not gone out on this connection, oldest first. */
  resume(): void {
    if (this.closedWith !== undefined) return;
    this.open = true;
    this.flush();
  }

  /**
   * Keep the sends `waiting` names from going out until it no longer names them (call `flush`
   * when that may have changed) or it is lifted with `undefined`. Each keeps its place in line.
   */
  hold(waiting: ((payload: SendPayload) => boolean) | undefined): void {
    this.waiting = waiting;
    this.flush();
  }

  /** While connected, send every pending send not yet out on this connection and not held, oldest first. */
  flush(): void {
    if (!this.open) return;
    for (const entry of [...this.entries.values()]) if (!entry.transmitted && !this.waiting?.(entry.payload)) this.send(entry);
  }

  /** The room is gone: every pending send fails, and so does every later one. */
  close(reason: string): void {
    this.closedWith = reason;
    this.open = false;
    const entries = [...this.entries];
    this.entries.clear();
    for (const [nonce, entry] of entries) {
      clearTimeout(entry.timer);
      entry.reject(new MeshSendError("closed", reason, nonce));
    }
  }

  private send(entry: Entry): void {
    entry.transmitted = true;
    clearTimeout(entry.timer);
    entry.timer = setTimeout(() => this.expire(entry), this.answerMs);
    this.transmit(entry.payload);
  }

  private expire(entry: Entry): void {
    const { nonce } = entry.payload;
    if (this.entries.get(nonce) !== entry) return;
    this.entries.delete(nonce);
    entry.reject(new MeshSendError("timeout", `no answer within ${this.answerMs} ms`, nonce));
    this.expired(entry.payload);
  }

  private finish(nonce: string, entry: Entry): void {
    clearTimeout(entry.timer);
    this.entries.delete(nonce);
  }
}
