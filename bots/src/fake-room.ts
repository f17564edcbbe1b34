import type { ErrorPayload, MessageData, OrderMessage } from "@mesh/schema";
import { RoomActions } from "./actions.ts";
import { Emitter } from "./emitter.ts";
import type { LinkRoom } from "./link.ts";
import type { ParticipantView, PresenceEvent } from "./participants.ts";
import { MeshSendError, type SendPayload } from "./pending.ts";

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

/**
 * A stand-in for a joined MeshRoom in unit tests of what sits on top of it (the bot): the real
 * actions (so reply routing is the real one), sends answered by hand, and events fired by hand.
 */
export class FakeMeshRoom extends RoomActions {
  readonly sent: [string, unknown][] = [];
  readonly sends: SendPayload[] = [];
  left = false;
  readonly messages = new Emitter<[MessageData]>();
  readonly presence = new Emitter<[PresenceEvent]>();
  readonly errors = new Emitter<[ErrorPayload]>();
  readonly orders = new Emitter<[OrderMessage]>();
  readonly leaves = new Emitter<[number, string | undefined]>();
  private readonly waiting = new Map<string, { resolve: (m: MessageData) => void; reject: (e: Error) => void }>();

  constructor(
    readonly participantId: string,
    private readonly present: ParticipantView[] = [],
  ) {
    super();
  }

  onMessage = (listener: (message: MessageData) => void) => this.messages.on(listener);
  onPresence = (listener: (event: PresenceEvent) => void) => this.presence.on(listener);
  onError = (listener: (error: ErrorPayload) => void) => this.errors.on(listener);
  onOrder = (listener: (order: OrderMessage) => void) => this.orders.on(listener);
  onLeave = (listener: (code: number, reason?: string) => void) => this.leaves.on(listener);

  participants(): ParticipantView[] {
    return this.present;
  }

  async leave(): Promise<void> {
    this.left = true;
    this.leaves.emit(4000, undefined);
  }

  /** The server stored the send with this nonce: its promise resolves with the message. */
  store(nonce: string, message: MessageData): void {
    this.waiting.get(nonce)?.resolve(message);
  }

  /** The server refused the send with this nonce, as MeshRoom reports it: an error, and the send rejects. */
  refuse(nonce: string, error: ErrorPayload): void {
    this.errors.emit(error);
    this.waiting.get(nonce)?.reject(new MeshSendError(error.code, error.message, nonce));
  }

  protected transmit(type: string, payload: unknown): void {
    this.sent.push([type, payload]);
  }

  protected submitSend(payload: SendPayload): Promise<MessageData> {
    this.sends.push(payload);
    return new Promise((resolve, reject) => this.waiting.set(payload.nonce, { resolve, reject }));
  }
}
