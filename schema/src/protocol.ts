/** The wire contract's constants: bump PROTOCOL_VERSION on any incompatible change. */
export const PROTOCOL_VERSION = 1;

/** Colyseus room type name every client joins (`joinOrCreate(ROOM_TYPE, { room, token })`). */
export const ROOM_TYPE = "room";

export const TICK_HZ = 20;
export const TICK_MS = 1000 / TICK_HZ;

/** How many room messages (and DMs) the synced state keeps; older ones come from REST history. */
export const MESSAGE_WINDOW = 100;
/**
 * The window is also capped in bytes of message text (UTF-8): 100 messages of 8,000 characters
 * would make every join a 3 MB state, and join churn would amplify that into gigabytes.
 */
export const MESSAGE_WINDOW_BYTES = 128 * 1024;
/** A page of REST history carries at most this much message text (UTF-8); page on for the rest. */
export const HISTORY_PAGE_BYTES = 256 * 1024;
export const MAX_TEXT_LENGTH = 8000;
/** Sockets one participant may hold in one room (tabs, devices); more are refused at join. */
export const MAX_SOCKETS_PER_PARTICIPANT = 8;

/** Frames larger than this close the offending connection with 1009. */
export const MAX_FRAME_BYTES = 64 * 1024;

export const DEFAULT_ROOM_SIZE = 64;
/** Largest floor side a room may be created with, in world units. */
export const MAX_ROOM_SIZE = 256;
export const DEFAULT_MAX_SPEED = 4;
/** A typing indicator that is not renewed turns itself off after this long. */
export const TYPING_TIMEOUT_MS = 5000;
export const DEFAULT_ROOM_ID = "lobby";

/** Client → server message types (SPEC §3). */
export const ClientMessage = {
  SendMessage: "send_message",
  EditMessage: "edit_message",
  DeleteMessage: "delete_message",
  AddReaction: "add_reaction",
  RemoveReaction: "remove_reaction",
  Typing: "typing",
  Move: "move",
  Kick: "kick",
  Mute: "mute",
  Ban: "ban",
  PinMessage: "pin_message",
  LockThread: "lock_thread",
  Command: "command",
  /** A bot reports on its current order (a `task`, or any order it gives up on). */
  OrderStatus: "order_status",
} as const;
export type ClientMessageType = (typeof ClientMessage)[keyof typeof ClientMessage];

/** Server → client message types besides state patches. */
export const ServerMessage = {
  Error: "error",
  Order: "order",
  /** A stored message changed (edit, delete, reaction, pin, lock): its whole MessageData. */
  MessageUpdated: "message_updated",
} as const;
export type ServerMessageType = (typeof ServerMessage)[keyof typeof ServerMessage];

/** Error codes sent in realtime `error` messages and REST `{ error: { code } }` bodies. */
export const ErrorCode = {
  BadInput: "bad_input",
  Forbidden: "forbidden",
  RateLimited: "rate_limited",
  NotFound: "not_found",
  Unauthorized: "unauthorized",
  Conflict: "conflict",
  PayloadTooLarge: "payload_too_large",
  NotImplemented: "not_implemented",
  Internal: "internal",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Realtime `error` payload: `ref` names the message type (and nonce, if any) that caused it. */
export interface ErrorPayload {
  code: ErrorCode;
  message: string;
  ref: string;
}

/**
 * The `ref` of an error: the message type, and its nonce when it carried a short one, so a
 * client can tell which of its sends failed ("send_message:n-42").
 */
export function errorRef(type: string, payload: unknown): string {
  const nonce = (payload as { nonce?: unknown } | null | undefined)?.nonce;
  return typeof nonce === "string" && nonce.length > 0 && nonce.length <= 128 ? `${type}:${nonce}` : type;
}

/** Order kinds a `command` may carry (SPEC §3 additions). */
export const ORDER_KINDS = ["move_to", "follow", "stop", "say", "task"] as const;
export type OrderKind = (typeof ORDER_KINDS)[number];
/** An order's life: pending (given, not yet taken up), active, then done, failed or cancelled (replaced). */
export const ORDER_STATUSES = ["pending", "active", "done", "failed", "cancelled"] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
/** The statuses a bot may report with `order_status` (pending is the world's to set). */
export const REPORTABLE_ORDER_STATUSES = ["active", "done", "failed"] as const;
/** At most this many agents in one `command`. */
export const MAX_AGENTS_PER_COMMAND = 500;
/** A `follow` keeps this far behind its leader unless the order says otherwise (world units). */
export const DEFAULT_FOLLOW_DISTANCE = 2;
/** Longest note a bot may attach to an order report. */
export const MAX_ORDER_NOTE_LENGTH = 500;

/**
 * Server → bot `order` message: what the bot was told to do. Every order kind is sent to the
 * commanded bot (so it can narrate); the world carries out move_to, follow, stop and say itself,
 * a `task` only the bot can do (it reports back with `order_status`).
 */
export interface OrderMessage {
  id: string;
  kind: OrderKind;
  /** Who gave the order. */
  by: string;
  roomId: string;
  x?: number;
  z?: number;
  targetId?: string;
  distance?: number;
  text?: string;
}

/**
 * What a bot without a socket is told (bridge webhooks and `POST /api/poll`), in order, each once:
 * `message` (a new room message, or a DM to the bot: MessageData), `message_updated` (MessageData;
 * `text` left out when the change did not touch it: a reaction, pin, lock or delete),
 * `join` / `leave` (`join`: `{ participantId, name, kind, ownerId }`; `leave`: `{ participantId }`), `order` (OrderMessage), `error` (ErrorPayload: what a
 * socket would have been told, e.g. a refused order_status).
 */
export type BotEventType = "message" | "message_updated" | "join" | "leave" | "order" | "error";
export interface BotEvent {
  /** Increasing per mesh; the poll cursor is the last id seen. */
  id: number;
  type: BotEventType;
  roomId: string;
  /** ms epoch when the mesh recorded it. */
  at: number;
  data: unknown;
}

/**
 * A bot as the REST API shows it (`GET /api/bots`): never its token or webhook secret.
 * `status` is what the controller sees now.
 */
export interface BotInfo {
  id: string;
  name: string;
  role: string;
  ownerId: string;
  mode: "channel" | "bridge" | "polling";
  /** The reference program the controller runs ("" = bring your own). */
  program: string;
  webhookUrl: string;
  rooms: string[];
  /** It should run (and comes back after a server restart). */
  running: boolean;
  status: BotRunStatus;
  createdAt: number;
}

/**
 * stopped: not running (never started, or stopped). starting: launched, not yet up. running: up.
 * backoff: exited, waiting to be restarted. crash_looping: exited too often right after starting,
 * no more restarts until started again. failed: could not be run (see `detail`).
 */
export type BotRunState = "stopped" | "starting" | "running" | "backoff" | "crash_looping" | "failed";

export interface BotRunStatus {
  state: BotRunState;
  /** Restarts since the last start. */
  restarts: number;
  pid?: number;
  lastExit?: { code: number | null; signal: string | null; at: number };
  /** When a bot in backoff is started again (ms epoch). */
  nextStartAt?: number;
  /** Why it is in this state, in words (an API error, a memory kill, a pod's waiting reason). */
  detail?: string;
}

/** One line of a bot's log (`GET /api/bots/:id/logs`). */
export interface BotLogLine {
  at: number;
  /** The bot's own output, or what the controller did to it and why. */
  stream: "stdout" | "stderr" | "controller";
  text: string;
}

/** At most this many distinct emoji react to one message. */
export const MAX_REACTIONS_PER_MESSAGE = 20;
/** At most this many reactions (participant × emoji) on one message, all emoji together. */
export const MAX_REACTORS_PER_MESSAGE = 1000;
/** At most this many uploads ride on one message. */
export const MAX_ATTACHMENTS = 10;

/** REST error body. */
export interface RestErrorBody {
  error: { code: ErrorCode; message: string };
}

/** WebSocket close codes the server uses besides the standard ones. */
export const CloseCode = {
  /** Frame larger than MAX_FRAME_BYTES (standard "message too big"). */
  TooBig: 1009,
  /** The session was logged out or revoked. */
  SessionRevoked: 4001,
  /** A moderator kicked the participant. */
  Kicked: 4003,
  /** The room was deleted. */
  RoomDeleted: 4004,
  /** The participant's role no longer allows viewing rooms. */
  AccessRevoked: 4005,
  /** A moderator banned the participant from this room. */
  Banned: 4006,
  /** The server is shutting down or restarting: reconnect (Colyseus's MAY_TRY_RECONNECT). */
  ServerRestarting: 4010,
} as const;

/**
 * Join refusal codes (the SDK's `joinOrCreate` rejects with these). Colyseus answers
 * matchmaking over HTTP and uses the code as the status, so they stay in 400–599.
 */
export const JoinErrorCode = {
  /** Colyseus ErrorCode.AUTH_FAILED (525): bad, expired or revoked token. */
  AuthFailed: 525,
  /** Colyseus ErrorCode.MATCHMAKE_INVALID_CRITERIA (521): unknown room id. */
  UnknownRoom: 521,
  /** The join's optional `protocol` option names a version this server does not speak. */
  ProtocolMismatch: 426,
  /** Too many joins in a short time, or too many sockets of one participant in one room. */
  TooMany: 429,
  /** Kicked from this room a short while ago: the message says when a rejoin is allowed. */
  Kicked: 403,
  /** Banned from this room (the message says until when). */
  Banned: 403,
  /** The room is full, or (rarely) is being opened by another request: try again. */
  Unavailable: 503,
  /** A join option has a value this server does not accept (an `entrance` that is no exit direction). */
  BadOption: 400,
} as const;

/**
 * The join option `client`: which client a connection is ("3d", "rts", "term", "cli", "ssh";
 * default "sdk"), lower-case letters, digits and dashes, at most 16. GET /api/participants lists
 * each participant's clients.
 */
export const CLIENT_KIND_PATTERN = /^[a-z0-9][a-z0-9-]{0,15}$/;
export const DEFAULT_CLIENT_KIND = "sdk";

export function isClientKind(value: unknown): value is string {
  return typeof value === "string" && CLIENT_KIND_PATTERN.test(value);
}
