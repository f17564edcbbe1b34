import { type SchemaType, schema, t } from "@colyseus/schema";

/** Synced room state (SPEC §3). Server and clients share these classes. */

export const Reaction = schema(
  {
    emoji: t.string().default(""),
    by: t.array("string"),
  },
  "Reaction",
);
export type Reaction = SchemaType<typeof Reaction>;

export const Attachment = schema(
  {
    id: t.string().default(""),
    name: t.string().default(""),
    type: t.string().default(""),
    size: t.float64().default(0),
  },
  "Attachment",
);
export type Attachment = SchemaType<typeof Attachment>;

export const Message = schema(
  {
    id: t.string().default(""),
    seq: t.uint32().default(0),
    authorId: t.string().default(""),
    authorName: t.string().default(""),
    text: t.string().default(""),
    threadId: t.string().default(""),
    to: t.string().default(""),
    ts: t.float64().default(0),
    editedTs: t.float64().default(0),
    deleted: t.boolean().default(false),
    trust: t.string().default(""),
    reactions: t.map(Reaction),
    /** The sender's `nonce` from send_message, so a client can match its own sends. */
    nonce: t.string().default(""),
    /** Uploads the message carries (name, sniffed type, size); their bytes come from REST. */
    attachments: t.array(Attachment),
    /** Pinned in its room (pin_message). */
    pinned: t.boolean().default(false),
    /** On a thread's root: replies are refused while set (lock_thread). */
    locked: t.boolean().default(false),
  },
  "Message",
);
export type Message = SchemaType<typeof Message>;

/** A bot's current (or last) order, as every client sees it (SPEC §3 additions). */
export const OrderState = schema(
  {
    id: t.string().default(""),
    kind: t.string().default(""),
    /** pending | active | done | failed | cancelled */
    status: t.string().default(""),
    /** follow: the leader's participant id. */
    targetId: t.string().default(""),
    /** move_to: this agent's own point (a group is spread in formation around the commanded one). */
    x: t.float32().default(0),
    z: t.float32().default(0),
    /** The bot's last word on it (order_status note), or why the world ended it. */
    note: t.string().default(""),
  },
  "OrderState",
);
export type OrderState = SchemaType<typeof OrderState>;

export const Participant = schema(
  {
    id: t.string().default(""),
    name: t.string().default(""),
    kind: t.string().default(""),
    role: t.string().default(""),
    x: t.float32().default(0),
    y: t.float32().default(0),
    z: t.float32().default(0),
    heading: t.float32().default(0),
    online: t.boolean().default(false),
    typing: t.boolean().default(false),
    muted: t.boolean().default(false),
    trust: t.string().default(""),
    /** online; away (no input for a while); offline (dropped, inside the reconnection window). */
    status: t.string().default("online"),
    /** The participant that owns this bot ("" for humans). */
    ownerId: t.string().default(""),
    /** A bot's current or last order; undefined until it is first commanded. */
    order: OrderState,
  },
  "Participant",
);
export type Participant = SchemaType<typeof Participant>;

export const RoomState = schema(
  {
    roomId: t.string().default(""),
    name: t.string().default(""),
    topic: t.string().default(""),
    tick: t.uint32().default(0),
    participants: t.map(Participant),
    messages: t.array(Message),
    /** Per-client: only the DMs a client sent or received, added through StateView. */
    direct: t.array(Message).view(),
  },
  "RoomState",
);
export type RoomState = SchemaType<typeof RoomState>;

export type ParticipantKind = "human" | "bot";
export type TrustLevel = "owner" | "local" | "federated" | "untrusted";
export type PresenceStatus = "online" | "away" | "offline";

/** An upload as a message carries it. */
export interface AttachmentData {
  id: string;
  name: string;
  /** Sniffed from the bytes, never taken from the client. */
  type: string;
  size: number;
}

/** A message as plain data: what REST history returns and what the SDK hands its users. */
export interface MessageData {
  id: string;
  roomId: string;
  seq: number;
  authorId: string;
  authorName: string;
  text: string;
  threadId: string;
  to: string;
  ts: number;
  editedTs: number;
  deleted: boolean;
  trust: TrustLevel;
  nonce: string;
  reactions: Record<string, string[]>;
  attachments: AttachmentData[];
  pinned: boolean;
  locked: boolean;
}

/** A synced message as plain data (the state does not carry its room id). */
export function messageToData(m: Message, roomId: string): MessageData {
  const reactions: Record<string, string[]> = {};
  m.reactions?.forEach((reaction, emoji) => {
    reactions[emoji] = [...reaction.by];
  });
  return {
    id: m.id,
    roomId,
    seq: m.seq,
    authorId: m.authorId,
    authorName: m.authorName,
    text: m.text,
    threadId: m.threadId,
    to: m.to,
    ts: m.ts,
    editedTs: m.editedTs,
    deleted: m.deleted,
    trust: m.trust as TrustLevel,
    nonce: m.nonce,
    reactions,
    attachments: (m.attachments ?? []).map((a) => ({ id: a.id, name: a.name, type: a.type, size: a.size })),
    pinned: m.pinned ?? false,
    locked: m.locked ?? false,
  };
}

/** Plain message data as a synced Message, ready to go into state. */
export function messageFromData(data: MessageData): Message {
  const message = new Message();
  const { roomId: _room, reactions, attachments, ...fields } = data;
  Object.assign(message, fields);
  for (const data of attachments) message.attachments.push(new Attachment(data));
  for (const [emoji, by] of Object.entries(reactions)) {
    const reaction = new Reaction();
    reaction.emoji = emoji;
    reaction.by.push(...by);
    message.reactions.set(emoji, reaction);
  }
  return message;
}

export interface ParticipantData {
  id: string;
  name: string;
  kind: ParticipantKind;
  role: string;
  /** A bot's owner ("" for humans). */
  ownerId: string;
  createdAt: number;
}

/** An order as plain data (the synced OrderState's fields). */
export interface OrderData {
  id: string;
  kind: string;
  status: string;
  targetId: string;
  x: number;
  z: number;
  note: string;
}

export interface RoomData {
  id: string;
  name: string;
  topic: string;
  width: number;
  depth: number;
  exits: Record<string, string>;
  /** Visible and joinable only by invited participants and those with manage_rooms. */
  private: boolean;
  createdBy: string;
  createdAt: number;
}
