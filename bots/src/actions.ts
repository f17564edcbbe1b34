import { ClientMessage, type MessageData, type OrderPayload, type REPORTABLE_ORDER_STATUSES } from "@mesh/schema";
import { counterpartOf } from "./direct-feeds.ts";
import { threadOf } from "./messages.ts";
import { MeshSendError, type SendPayload } from "./pending.ts";

export interface SendOptions {
  /** Reply in this thread (the id of its root message). */
  threadId?: string;
  /** Resending with the same nonce never stores a second copy. Defaults to a fresh id. */
  nonce?: string;
  /** Upload ids (MeshRest.upload) to attach. */
  attachments?: string[];
}

export type DirectSendOptions = Omit<SendOptions, "threadId">;

/** What a bot may say about its order with `order_status` (pending is the world's to set). */
export type ReportedOrderStatus = (typeof REPORTABLE_ORDER_STATUSES)[number];

/**
 * What a participant can do in a room, each one client message (SPEC §3). Outcomes come back
 * as messages and updates; a refusal comes back through onError with the message type as `ref`
 * (`send_message:<nonce>` for sends).
 */
export abstract class RoomActions {
  abstract readonly participantId: string;

  /** Send one client message now, or once the connection is back. */
  protected abstract transmit(type: string, payload: unknown): void;

  /** Queue a send until its stored message comes back (resolves) or it is refused (rejects). */
  protected abstract submitSend(payload: SendPayload): Promise<MessageData>;

  /** Send a room message; returns its nonce. Its outcome: the message through onMessage, or an error. */
  send(text: string, options: SendOptions = {}): string {
    return this.submit(text, options).nonce;
  }

  /** Send and resolve with the stored message once it is delivered back (durable by then). */
  sendAndWait(text: string, options: SendOptions = {}, timeoutMs = 10_000): Promise<MessageData> {
    return withTimeout(this.submit(text, options), timeoutMs);
  }

  /** Send a direct message to one participant in this room; returns its nonce. */
  sendDirect(to: string, text: string, options: DirectSendOptions = {}): string {
    return this.submit(text, { ...options, to }).nonce;
  }

  sendDirectAndWait(to: string, text: string, options: DirectSendOptions = {}, timeoutMs = 10_000): Promise<MessageData> {
    return withTimeout(this.submit(text, { ...options, to }), timeoutMs);
  }

  /** Answer a message: in its thread for a room message, as a DM to the other party for a DM. */
  reply(message: MessageData, text: string, options: DirectSendOptions = {}): string {
    return this.submit(text, this.replyTarget(message, options)).nonce;
  }

  replyAndWait(message: MessageData, text: string, options: DirectSendOptions = {}, timeoutMs = 10_000): Promise<MessageData> {
    return withTimeout(this.submit(text, this.replyTarget(message, options)), timeoutMs);
  }

  edit(messageId: string, text: string): void {
    this.transmit(ClientMessage.EditMessage, { messageId, text });
  }

  delete(messageId: string): void {
    this.transmit(ClientMessage.DeleteMessage, { messageId });
  }

  react(messageId: string, emoji: string): void {
    this.transmit(ClientMessage.AddReaction, { messageId, emoji });
  }

  unreact(messageId: string, emoji: string): void {
    this.transmit(ClientMessage.RemoveReaction, { messageId, emoji });
  }

  pin(messageId: string, pinned = true): void {
    this.transmit(ClientMessage.PinMessage, { messageId, pinned });
  }

  /** Lock (or unlock) a thread, named by its root message: replies are refused while locked. */
  lockThread(threadId: string, locked = true): void {
    this.transmit(ClientMessage.LockThread, { threadId, locked });
  }

  moveTo(x: number, z: number): void {
    this.transmit(ClientMessage.Move, { x, z });
  }

  typing(on: boolean): void {
    this.transmit(ClientMessage.Typing, { on });
  }

  /** Order agents (bots you own, or may command): the world carries out move_to, follow, stop and say; a bot does a task. */
  command(agentIds: string[], order: OrderPayload): void {
    this.transmit(ClientMessage.Command, { agentIds, order });
  }

  /** A bot's word on its order: `active` when it takes a task up, then `done` or `failed`, with an optional note. */
  reportOrder(orderId: string, status: ReportedOrderStatus, note?: string): void {
    this.transmit(ClientMessage.OrderStatus, note === undefined ? { orderId, status } : { orderId, status, note });
  }

  kick(participantId: string): void {
    this.transmit(ClientMessage.Kick, { participantId });
  }

  /** Mute for `seconds`; 0 lifts a mute in force. */
  mute(participantId: string, seconds: number): void {
    this.transmit(ClientMessage.Mute, { participantId, seconds });
  }

  /** Ban from this room for `seconds`; 0 lifts a ban in force. */
  ban(participantId: string, seconds: number): void {
    this.transmit(ClientMessage.Ban, { participantId, seconds });
  }

  /** Send any message type with any payload (for tools and tests of the server's validation). */
  sendRaw(type: string, payload: unknown): void {
    this.transmit(type, payload);
  }

  private submit(text: string, options: SendOptions & { to?: string }): { nonce: string; stored: Promise<MessageData> } {
    const payload: SendPayload = { text, nonce: options.nonce ?? globalThis.crypto.randomUUID() };
    if (options.threadId) payload.threadId = options.threadId;
    if (options.to) payload.to = options.to;
    if (options.attachments?.length) payload.attachments = options.attachments;
    return { nonce: payload.nonce, stored: this.submitSend(payload) };
  }

  private replyTarget(message: MessageData, options: DirectSendOptions): SendOptions & { to?: string } {
    return message.to !== ""
      ? { ...options, to: counterpartOf(message, this.participantId) }
      : { ...options, threadId: threadOf(message) };
  }
}

function withTimeout<T>({ nonce, stored }: { nonce: string; stored: Promise<T> }, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new MeshSendError("timeout", `message ${nonce} not seen within ${timeoutMs} ms`, nonce)), timeoutMs);
    stored.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
