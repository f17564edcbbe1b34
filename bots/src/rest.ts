import type {
  AttachmentData,
  BotEvent,
  BotInfo,
  BotLogLine,
  BotRunStatus,
  ErrorCode,
  MessageData,
  ParticipantData,
  PresenceStatus,
  RestErrorBody,
  RoomData,
} from "@mesh/schema";

/** A REST call that failed: `status` is the HTTP status, `code` the mesh error code. */
export class MeshRestError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | "network",
    message: string,
  ) {
    super(message);
    this.name = "MeshRestError";
  }
}

export interface Session {
  token: string;
  participant: ParticipantData;
}

export interface HistoryQuery {
  /** Messages with seq below this (the latest of them); default: the latest. */
  before?: number;
  /** Messages with seq above this, oldest first. */
  after?: number;
  /** 1–500 (default 100); a page is also cut at 256 KiB of text, so page on while `hasMore`. */
  limit?: number;
  /** Only this thread's replies (a thread is named by its root message's id). */
  threadId?: string;
}

export type DirectQuery = Omit<HistoryQuery, "threadId">;

/** One page of history, oldest first. */
export interface MessagePage {
  messages: MessageData[];
  hasMore: boolean;
}

/** A room as the room list shows it: who is online, and what the caller has not read. */
export interface RoomListing extends RoomData {
  online: number;
  unread: number;
  mentions: number;
  readSeq: number;
}

/** A thread with at least one reply: its root, its replies that are not deleted, the latest reply's ts. */
export interface ThreadListing {
  root: MessageData;
  replyCount: number;
  lastReplyTs: number;
}

export interface SearchOptions {
  /** Only this room (and your DMs in it). */
  room?: string;
  limit?: number;
  offset?: number;
}

export interface SearchResult {
  message: MessageData;
  /** Lower is a better match (bm25). */
  rank: number;
}

/** A ban in force in one room, until `until` (ms epoch). */
export interface BanRecord {
  roomId: string;
  participantId: string;
  kind: "ban";
  until: number;
  byId: string;
  byPriority: number;
  createdAt: number;
}

/** A participant with presence across the running rooms (the liveliest status, and where). */
export interface ParticipantListing extends ParticipantData {
  status: PresenceStatus;
  rooms: string[];
  /** The clients they are connected with ("3d", "term", "ssh", "sdk", …), across those rooms. */
  clients: string[];
}

/** A public key registered for the SSH door (GET /api/me/ssh-keys). */
export interface SshKey {
  id: string;
  name: string;
  algo: string;
  /** As `ssh-keygen -l` prints it: SHA256:… */
  fingerprint: string;
  /** The public key line without its comment. */
  key: string;
  createdAt: number;
  /** 0 until the first SSH sign-in with it. */
  lastUsedAt: number;
}

/** An upload's bytes and the type the server sniffed from them. */
export interface Download {
  bytes: Uint8Array;
  type: string;
}

/** What POST /api/bots takes (see docs/PROTOCOL.md, "Bots"). */
export interface NewBot {
  name: string;
  /** Default `agent`; must rank below yours. */
  role?: string;
  mode?: BotInfo["mode"];
  /** A reference bot the mesh runs for you: greeter, mention, wanderer, orderly. */
  program?: string;
  /** Bridge mode only. */
  webhookUrl?: string;
  /** Default ["lobby"]. */
  rooms?: string[];
}

/** A registered bot: its token and webhook secret are shown this once. */
export interface RegisteredBot {
  bot: BotInfo;
  token: string;
  webhookSecret?: string;
  /** A skill.md written for this bot. */
  skill: string;
}

/** One answer of POST /api/poll. */
export interface PollAnswer {
  events: BotEvent[];
  /** Pass it back as the next cursor. */
  cursor: number;
  /** Retention dropped events after the cursor you gave. */
  missed?: boolean;
}

const room = (roomId: string) => `/api/rooms/${encodeURIComponent(roomId)}`;
const bot = (botId: string) => `/api/bots/${encodeURIComponent(botId)}`;

function queryString(query: object): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** Typed access to the mesh REST API (SPEC §4). */
export class MeshRest {
  constructor(
    readonly baseUrl: string,
    public token?: string,
  ) {}

  /** A JSON request; `body` is sent as JSON, or as is when it is FormData. */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.fetch(method, path, body);
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      if (res.ok) throw new MeshRestError(res.status, "internal", `${method} ${path} answered something that is not JSON`);
    }
    if (!res.ok) throw errorOf(res, parsed);
    return parsed as T;
  }

  async register(username: string, password: string): Promise<Session> {
    const session = await this.request<Session>("POST", "/api/auth/register", { username, password });
    this.token = session.token;
    return session;
  }

  async login(username: string, password: string): Promise<Session> {
    const session = await this.request<Session>("POST", "/api/auth/login", { username, password });
    this.token = session.token;
    return session;
  }

  logout(): Promise<{ ok: true; closedSockets: number }> {
    return this.request("POST", "/api/auth/logout");
  }

  me(): Promise<{ participant: ParticipantData; permissions: string[]; priority: number }> {
    return this.request("GET", "/api/me");
  }

  /** Every participant, with presence (needs view_members). */
  async participants(): Promise<ParticipantListing[]> {
    return (await this.request<{ participants: ParticipantListing[] }>("GET", "/api/participants")).participants;
  }

  /** The rooms you may see, with online counts and your unread counts. */
  rooms(): Promise<{ rooms: RoomListing[] }> {
    return this.request("GET", "/api/rooms");
  }

  /** One room as you see it (exits only to rooms you may enter), with who is in it. */
  room(roomId: string): Promise<RoomData & { online: number }> {
    return this.request("GET", `/api/rooms/${encodeURIComponent(roomId)}`);
  }

  /** Room messages, oldest first (see HistoryQuery). */
  async history(roomId: string, query: HistoryQuery = {}): Promise<MessageData[]> {
    return (await this.historyPage(roomId, query)).messages;
  }

  historyPage(roomId: string, query: HistoryQuery = {}): Promise<MessagePage> {
    return this.request("GET", `${room(roomId)}/messages${queryString(query)}`);
  }

  /** Your DMs with one participant in a room, by their pair seq, oldest first. */
  directHistory(roomId: string, participantId: string, query: DirectQuery = {}): Promise<MessagePage> {
    return this.request("GET", `${room(roomId)}/direct/${encodeURIComponent(participantId)}${queryString(query)}`);
  }

  /** Threads with replies, latest reply first; `before` pages on by that reply's ts. */
  async threads(roomId: string, query: { limit?: number; before?: number } = {}): Promise<ThreadListing[]> {
    return (await this.request<{ threads: ThreadListing[] }>("GET", `${room(roomId)}/threads${queryString(query)}`)).threads;
  }

  /** Pinned messages of a room, by seq. */
  async pins(roomId: string): Promise<MessageData[]> {
    return (await this.request<{ messages: MessageData[] }>("GET", `${room(roomId)}/pins`)).messages;
  }

  /** Mark the room read up to `seq`; returns the marker now stored (never past the latest message). */
  async markRead(roomId: string, seq: number): Promise<number> {
    return (await this.request<{ readSeq: number }>("POST", `${room(roomId)}/read`, { seq })).readSeq;
  }

  /** Full-text search over the rooms you may read and your own DMs. */
  async search(q: string, options: SearchOptions = {}): Promise<SearchResult[]> {
    return (await this.request<{ results: SearchResult[] }>("GET", `/api/search${queryString({ q, ...options })}`)).results;
  }

  postMessage(
    roomId: string,
    message: { text: string; threadId?: string; to?: string; nonce?: string; attachments?: string[] },
  ): Promise<MessageData> {
    return this.request("POST", `${room(roomId)}/messages`, message);
  }

  /** Upload a file to a room; send its id in a message's `attachments`. The server sniffs the type. */
  async upload(roomId: string, name: string, bytes: Uint8Array | Blob, type = "application/octet-stream"): Promise<AttachmentData> {
    const blob = bytes instanceof Blob ? bytes : new Blob([bytes as Uint8Array<ArrayBuffer>], { type });
    const form = new FormData();
    form.append("file", blob, name);
    return (await this.request<{ upload: AttachmentData }>("POST", `${room(roomId)}/uploads`, form)).upload;
  }

  /** An upload's bytes. */
  async download(uploadId: string): Promise<Download> {
    const res = await this.fetch("GET", `/api/uploads/${encodeURIComponent(uploadId)}`);
    if (!res.ok) {
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {}
      throw errorOf(res, parsed);
    }
    return { bytes: new Uint8Array(await res.arrayBuffer()), type: res.headers.get("content-type") ?? "" };
  }

  async bans(roomId: string): Promise<BanRecord[]> {
    return (await this.request<{ bans: BanRecord[] }>("GET", `${room(roomId)}/bans`)).bans;
  }

  /** Ban from a room for `seconds` (at least 1; `unban` lifts it); the participant leaves it at once. */
  async ban(roomId: string, participantId: string, seconds: number): Promise<BanRecord> {
    return (await this.request<{ ban: BanRecord }>("POST", `${room(roomId)}/bans`, { participantId, seconds })).ban;
  }

  async unban(roomId: string, participantId: string): Promise<void> {
    await this.request("DELETE", `${room(roomId)}/bans/${encodeURIComponent(participantId)}`);
  }

  /** Ids of the participants invited to a (private) room. */
  async invites(roomId: string): Promise<string[]> {
    return (await this.request<{ participants: string[] }>("GET", `${room(roomId)}/invites`)).participants;
  }

  async invite(roomId: string, participantId: string): Promise<void> {
    await this.request("POST", `${room(roomId)}/invites`, { participantId });
  }

  async uninvite(roomId: string, participantId: string): Promise<void> {
    await this.request("DELETE", `${room(roomId)}/invites/${encodeURIComponent(participantId)}`);
  }

  // ---- bots (docs/PROTOCOL.md, "Bots") ----

  /** Your public keys for the SSH door (humans only). */
  async sshKeys(): Promise<SshKey[]> {
    return (await this.request<{ keys: SshKey[] }>("GET", "/api/me/ssh-keys")).keys;
  }

  /** Register a public key for the SSH door: one OpenSSH line, e.g. the contents of ~/.ssh/id_ed25519.pub. */
  addSshKey(name: string, key: string): Promise<SshKey> {
    return this.request("POST", "/api/me/ssh-keys", { name, key });
  }

  async removeSshKey(keyId: string): Promise<void> {
    await this.request("DELETE", `/api/me/ssh-keys/${encodeURIComponent(keyId)}`);
  }

  /** Register a bot you own (spawn_bots): its token is in the answer, and nowhere else, ever. */
  registerBot(newBot: NewBot): Promise<RegisteredBot> {
    return this.request("POST", "/api/bots", newBot);
  }

  /** Your bots; `all` (manage_all_bots): every bot whose owner ranks below you, and yours. */
  async bots(all = false): Promise<BotInfo[]> {
    return (await this.request<{ bots: BotInfo[] }>("GET", `/api/bots${all ? "?all=true" : ""}`)).bots;
  }

  async startBot(botId: string): Promise<BotRunStatus> {
    return (await this.request<{ status: BotRunStatus }>("POST", `${bot(botId)}/start`)).status;
  }

  async stopBot(botId: string): Promise<BotRunStatus> {
    return (await this.request<{ status: BotRunStatus }>("POST", `${bot(botId)}/stop`)).status;
  }

  /** What the controller kept of the bot's output, oldest first, and its state now. */
  botLogs(botId: string, limit = 200): Promise<{ status: BotRunStatus; logs: BotLogLine[] }> {
    return this.request("GET", `${bot(botId)}/logs?limit=${limit}`);
  }

  /** A new token (shown once); every earlier one stops working and its sockets close. */
  async rotateBotToken(botId: string): Promise<string> {
    return (await this.request<{ token: string }>("POST", `${bot(botId)}/token`)).token;
  }

  /** No token of the bot works any more (a controller-run bot stops too) until a rotate. */
  async revokeBotToken(botId: string): Promise<void> {
    await this.request("DELETE", `${bot(botId)}/token`);
  }

  async deleteBot(botId: string): Promise<void> {
    await this.request("DELETE", bot(botId));
  }

  /** As a polling or bridge bot: the events after `cursor`, waiting up to `waitS` (0–25) for one. */
  poll(cursor = 0, { waitS = 0, limit = 100 }: { waitS?: number; limit?: number } = {}): Promise<PollAnswer> {
    return this.request("POST", "/api/poll", { cursor, waitS, limit });
  }

  /** Any client message over REST (a socketless bot's move or order_status), through the same checks as realtime. */
  async input(roomId: string, type: string, payload: unknown): Promise<void> {
    await this.request("POST", `${room(roomId)}/input`, { type, payload });
  }

  private async fetch(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = {};
    const form = body instanceof FormData;
    // FormData sets its own content type (with the multipart boundary).
    if (body !== undefined && !form) headers["content-type"] = "application/json";
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    try {
      return await fetch(new URL(path, this.baseUrl), {
        method,
        headers,
        body: body === undefined ? undefined : form ? body : JSON.stringify(body),
      });
    } catch (error) {
      throw new MeshRestError(0, "network", `cannot reach ${this.baseUrl}: ${(error as Error).message}`);
    }
  }
}

function errorOf(res: Response, parsed: unknown): MeshRestError {
  const error = (parsed as Partial<RestErrorBody> | undefined)?.error;
  return new MeshRestError(res.status, error?.code ?? "internal", error?.message ?? `HTTP ${res.status}`);
}
