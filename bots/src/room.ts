import { Callbacks, type Room } from "@colyseus/sdk";
import {
  messageToData,
  ClientMessage,
  type ErrorPayload,
  type MessageData,
  type Participant,
  type RoomState,
  ServerMessage,
} from "@mesh/schema";
import { MessageFeed } from "./feed.ts";
import type { MeshRest } from "./rest.ts";

type Listener<T extends unknown[]> = (...args: T) => void;

class Emitter<T extends unknown[]> {
  private readonly listeners = new Set<Listener<T>>();
  on(listener: Listener<T>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(...args: T): void {
    for (const listener of this.listeners) listener(...args);
  }
}

export interface SendOptions {
  threadId?: string;
  /** Resending with the same nonce never stores a second copy. Defaults to a fresh id. */
  nonce?: string;
}

export interface PresenceEvent {
  kind: "join" | "leave";
  participant: ParticipantView;
}

export interface ParticipantView {
  id: string;
  name: string;
  kind: string;
  role: string;
  x: number;
  y: number;
  z: number;
  heading: number;
  online: boolean;
  typing: boolean;
  muted: boolean;
  trust: string;
}

/** A joined mesh room: a typed mirror of its state, ordered message delivery, and actions. */
export class MeshRoom {
  private readonly messageEvents = new Emitter<[MessageData]>();
  private readonly errorEvents = new Emitter<[ErrorPayload]>();
  private readonly changeEvents = new Emitter<[RoomState]>();
  private readonly presenceEvents = new Emitter<[PresenceEvent]>();
  /** Set when a patch added messages, so patches that only move people skip the feed. */
  private messagesAdded = false;
  private readonly leaveEvents = new Emitter<[number, string | undefined]>();
  private readonly feed: MessageFeed;
  private readonly firstState: Promise<void>;
  private leftCode: number | undefined;

  constructor(
    readonly roomId: string,
    readonly participantId: string,
    private readonly room: Room<unknown, RoomState>,
    rest: MeshRest,
    since: number | undefined,
  ) {
    this.feed = new MessageFeed(
      () => (this.room.state?.messages ? this.room.state.messages.map((m) => messageToData(m, roomId)) : []),
      (after, limit) => rest.history(roomId, { after, limit }),
      {
        deliver: (message) => this.messageEvents.emit(message),
        lost: (from, to) =>
          this.errorEvents.emit({ code: "internal", message: `messages ${from}..${to} are missing`, ref: "feed" }),
        error: (error) =>
          this.errorEvents.emit({ code: "internal", message: `history unavailable: ${String(error)}`, ref: "feed" }),
      },
      since ?? Number.POSITIVE_INFINITY,
    );
    this.firstState = new Promise((resolve) => {
      this.room.onStateChange.once(() => {
        // Without `since`, delivery starts after what the room already showed at join.
        if (this.feed.lastSeq === Number.POSITIVE_INFINITY) {
          const seqs = this.room.state.messages.map((m) => m.seq);
          this.feed.lastSeq = seqs.length ? Math.max(...seqs) : 0;
        }
        resolve();
      });
    });
    // Collection callbacks instead of diffing the whole state on every patch: the SDK also
    // runs many clients in one process (benchmarks, bot hosts), where that cost multiplies.
    const callbacks = Callbacks.get(this.room);
    callbacks.onAdd("messages", () => {
      this.messagesAdded = true;
    });
    callbacks.onAdd("participants", (participant) => {
      this.presenceEvents.emit({ kind: "join", participant: toView(participant) });
    });
    callbacks.onRemove("participants", (participant) => {
      this.presenceEvents.emit({ kind: "leave", participant: toView(participant) });
    });
    this.room.onStateChange((state) => {
      if (this.messagesAdded && this.feed.lastSeq !== Number.POSITIVE_INFINITY) {
        this.messagesAdded = false;
        this.feed.notify();
      }
      this.changeEvents.emit(state);
    });
    this.room.onMessage(ServerMessage.Error, (payload: ErrorPayload) => this.errorEvents.emit(payload));
    this.room.onMessage(ServerMessage.Order, () => {});
    this.room.onLeave((code, reason) => {
      this.leftCode = code;
      this.leaveEvents.emit(code, reason);
    });
  }

  /** Resolves once the first full state has arrived. */
  ready(): Promise<void> {
    return this.firstState;
  }

  get state(): RoomState {
    return this.room.state;
  }

  get tick(): number {
    return this.room.state?.tick ?? 0;
  }

  /** The close code if the server closed this connection, else undefined. */
  get closedWith(): number | undefined {
    return this.leftCode;
  }

  participant(id: string): ParticipantView | undefined {
    const p: Participant | undefined = this.room.state?.participants?.get(id);
    return p ? toView(p) : undefined;
  }

  participants(): ParticipantView[] {
    return this.room.state?.participants ? [...this.room.state.participants.values()].map(toView) : [];
  }

  /** Every room message, exactly once, in seq order (gaps are fetched from history). */
  onMessage(listener: (message: MessageData) => void): () => void {
    return this.messageEvents.on(listener);
  }

  onError(listener: (error: ErrorPayload) => void): () => void {
    return this.errorEvents.on(listener);
  }

  /** Someone arrived in or left the room after you joined; `participants()` says who was already there. */
  onPresence(listener: (event: PresenceEvent) => void): () => void {
    return this.presenceEvents.on(listener);
  }

  onChange(listener: (state: RoomState) => void): () => void {
    return this.changeEvents.on(listener);
  }

  onLeave(listener: (code: number, reason?: string) => void): () => void {
    return this.leaveEvents.on(listener);
  }

  /** Send a room message; returns its nonce. */
  send(text: string, options: SendOptions = {}): string {
    const nonce = options.nonce ?? globalThis.crypto.randomUUID();
    this.room.send(ClientMessage.SendMessage, { text, nonce, ...(options.threadId ? { threadId: options.threadId } : {}) });
    return nonce;
  }

  /** Send and resolve with the stored message once it is delivered back (durable by then). */
  sendAndWait(text: string, options: SendOptions = {}, timeoutMs = 10_000): Promise<MessageData> {
    const nonce = options.nonce ?? globalThis.crypto.randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        offError();
        reject(new Error(`message ${nonce} not seen within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = this.onMessage((message) => {
        if (message.nonce !== nonce || message.authorId !== this.participantId) return;
        clearTimeout(timer);
        off();
        offError();
        resolve(message);
      });
      const offError = this.onError((error) => {
        if (error.ref !== `${ClientMessage.SendMessage}:${nonce}`) return;
        clearTimeout(timer);
        off();
        offError();
        reject(new Error(`${error.code}: ${error.message}`));
      });
      this.send(text, { ...options, nonce });
    });
  }

  moveTo(x: number, z: number): void {
    this.room.send(ClientMessage.Move, { x, z });
  }

  typing(on: boolean): void {
    this.room.send(ClientMessage.Typing, { on });
  }

  kick(participantId: string): void {
    this.room.send(ClientMessage.Kick, { participantId });
  }

  mute(participantId: string, seconds: number): void {
    this.room.send(ClientMessage.Mute, { participantId, seconds });
  }

  /** Send any message type with any payload (for tools and tests of the server's validation). */
  sendRaw(type: string, payload: unknown): void {
    this.room.send(type, payload);
  }

  /** Resolves once every message seen so far has been delivered to listeners. */
  settled(): Promise<void> {
    return this.feed.settled();
  }

  async leave(): Promise<void> {
    if (this.leftCode === undefined) await this.room.leave(true);
  }
}

function toView(p: Participant): ParticipantView {
  return {
    id: p.id,
    name: p.name,
    kind: p.kind,
    role: p.role,
    x: p.x,
    y: p.y,
    z: p.z,
    heading: p.heading,
    online: p.online,
    typing: p.typing,
    muted: p.muted,
    trust: p.trust,
  };
}
