import { type Client, ClientState, SchemaSerializer } from "@colyseus/core";
import { StateView } from "@colyseus/schema";
import { DEFAULT_ROOM_SIZE, MESSAGE_WINDOW, type MessageData, messageFromData, Participant, RoomState } from "@mesh/schema";
import { DirectViews, DirectWindow, patchSkippingQuietViews, type ViewChange } from "@mesh/server";
import { lcg, timeNs } from "../stats.ts";
import { chatLine } from "./chat-text.ts";

/** Per tick, this share of participants moves (a busy room: nearly everyone walking). */
const MOVING_SHARE = 0.98;
/** A room message every this many ticks (one a second at 20 Hz). */
const ROOM_MESSAGE_EVERY = 20;
/** Every DM's text starts with this, so a frame holding any DM can be spotted. */
export const DM_MARK = "dm#";

/**
 * Stands in for a socket: SchemaSerializer reads `state` and `view` and calls `raw`. The
 * encoder is the real one; the bytes are only counted, and the last frame kept for checks.
 */
export class CountingSocket {
  constructor(readonly participantId: string) {}
  state: ClientState = ClientState.JOINED;
  view: StateView | undefined;
  bytes = 0;
  frames = 0;
  last: Uint8Array = new Uint8Array(0);

  raw(data: Uint8Array): void {
    this.bytes += data.length;
    this.frames++;
    this.last = data;
  }

  holds(text: string): boolean {
    return Buffer.from(this.last.buffer, this.last.byteOffset, this.last.byteLength).includes(Buffer.from(text, "utf8"));
  }
}

export interface PatchWorldOptions {
  participants: number;
  /** DMs per tick between random pairs, never involving socket 0 (the bystander). */
  dmsPerTick: number;
  /**
   * "room": the room's own policy (DirectViews: sockets without DMs share one empty view, a socket
   * gets its own with its first DM); "per-socket": every socket its own view from the start (what
   * the room did first); "none": no view at all.
   */
  views: "room" | "per-socket" | "none";
}

/** A DM sent this tick: its text and the sockets of its two participants. */
export interface SentDm {
  text: string;
  from: number;
  to: number;
}

/**
 * A RoomState as a live room holds it (participants, room message window, DMs in `direct`
 * through a real DirectWindow) and one socket per participant. Movement and room messages come
 * from their own seed, so worlds with and without DMs send the bystander the same patches.
 */
export class PatchWorld {
  readonly state = new RoomState();
  readonly sockets: CountingSocket[];
  /** The DMs of the last tick, for the caller to check against the frames. */
  sent: SentDm[] = [];
  /** The text of the last tick's room message, if one was sent. */
  roomText: string | undefined;
  private readonly serializer = new SchemaSerializer<RoomState>();
  private readonly window: DirectWindow;
  private readonly directViews = new DirectViews();
  private readonly participants: Participant[] = [];
  private readonly moves = lcg(1);
  private readonly pairs = lcg(2);
  private tick = 0;
  private roomSeq = 0;
  private dmSeq = 0;

  constructor(private readonly options: PatchWorldOptions) {
    this.state.roomId = "lobby";
    this.state.name = "Lobby";
    this.window = new DirectWindow(this.state.direct);
    for (let i = 0; i < MESSAGE_WINDOW; i++) this.state.messages.push(messageFromData(this.roomMessage()));
    this.sockets = [];
    for (let i = 0; i < options.participants; i++) {
      const participant = new Participant();
      participant.id = `p${i}`;
      participant.name = `participant ${i}`;
      participant.kind = i % 5 === 0 ? "bot" : "human";
      participant.role = "member";
      participant.trust = "local";
      participant.online = true;
      participant.x = this.moves() * DEFAULT_ROOM_SIZE;
      participant.z = this.moves() * DEFAULT_ROOM_SIZE;
      this.state.participants.set(participant.id, participant);
      this.participants.push(participant);
      const socket = new CountingSocket(participant.id);
      this.sockets.push(socket);
      // As a join does: the participant's DMs (none yet) open in the window.
      const held = this.window.open(participant.id, []);
      if (options.views === "room") this.directViews.show(socket, held);
      else if (options.views === "per-socket") socket.view = new StateView();
    }
    this.serializer.reset(this.state);
  }

  /** One tick's state changes (not timed); returns the ns spent on DM bookkeeping and views. */
  step(): number {
    this.tick++;
    this.state.tick = this.tick;
    for (const p of this.participants) {
      if (this.moves() >= MOVING_SHARE) continue;
      p.x = clamp(p.x + (this.moves() - 0.5) * 0.4);
      p.z = clamp(p.z + (this.moves() - 0.5) * 0.4);
      p.heading = this.moves() * 2 * Math.PI;
    }
    this.roomText = undefined;
    if (this.tick % ROOM_MESSAGE_EVERY === 0) {
      const data = this.roomMessage();
      this.roomText = data.text;
      this.state.messages.push(messageFromData(data));
      // The room's window keeps the newest MESSAGE_WINDOW (trimWindow in state sync).
      this.state.messages.splice(0, this.state.messages.length - MESSAGE_WINDOW);
    }
    const dms = Array.from({ length: this.options.dmsPerTick }, () => this.directMessage());
    this.sent = dms.map((data) => ({ text: data.text, from: indexOf(data.authorId), to: indexOf(data.to) }));
    return timeNs(() => {
      for (const data of dms) this.apply(this.window.append(data));
      this.window.sweep();
    });
  }

  /** What the room does right after each tick: encode and send every socket its patch. */
  patch(): number {
    // The fake sockets have every member applyPatches reads (state, view, raw).
    const clients = this.sockets as unknown as Client[];
    if (this.options.views !== "room") return timeNs(() => this.serializer.applyPatches(clients, this.state));
    // As the room does: views whose DMs did not change this tick ride on the shared encoding.
    const changed = new Set(this.sent.flatMap((dm) => [`p${dm.from}`, `p${dm.to}`]));
    return timeNs(() =>
      patchSkippingQuietViews(this.sockets, (socket) => socket.participantId, changed, () => this.serializer.applyPatches(clients, this.state)),
    );
  }

  /** As the room adapter does with the window's ViewChanges. */
  private apply(changes: readonly ViewChange[]): void {
    if (this.options.views === "room") {
      this.directViews.apply(changes, (id) => [this.sockets[indexOf(id)]], (id) => this.window.holding(id));
      return;
    }
    for (const change of changes) {
      const view = this.sockets[indexOf(change.participantId)].view;
      for (const message of change.remove) view?.remove(message);
      for (const message of change.add) view?.add(message);
    }
  }

  private roomMessage(): MessageData {
    const seq = ++this.roomSeq;
    const author = 1 + Math.floor(this.moves() * (this.options.participants - 1));
    return message(`r-${seq}`, seq, author, "", `room#${seq} ${chatLine(this.moves)}`);
  }

  private directMessage(): MessageData {
    const n = this.options.participants;
    const from = 1 + Math.floor(this.pairs() * (n - 1));
    let to = 1 + Math.floor(this.pairs() * (n - 2));
    if (to >= from) to++;
    const seq = ++this.dmSeq;
    return message(`d-${seq}`, seq, from, `p${to}`, `${DM_MARK}${seq} ${chatLine(this.pairs)}`);
  }
}

const clamp = (v: number): number => Math.min(DEFAULT_ROOM_SIZE, Math.max(0, v));
const indexOf = (participantId: string): number => Number(participantId.slice(1));

const message = (id: string, seq: number, author: number, to: string, text: string): MessageData => ({
  id,
  roomId: "lobby",
  seq,
  authorId: `p${author}`,
  authorName: `participant ${author}`,
  text,
  threadId: "",
  to,
  ts: 1_700_000_000_000 + seq * 50,
  editedTs: 0,
  deleted: false,
  trust: "local",
  nonce: `n-${id}`,
  reactions: {},
  attachments: [],
  pinned: false,
  locked: false,
});
