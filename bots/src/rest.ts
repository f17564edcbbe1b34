import type { ErrorCode, MessageData, ParticipantData, RestErrorBody, RoomData } from "@mesh/schema";

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
  before?: number;
  after?: number;
  limit?: number;
  threadId?: string;
}

/** Typed access to the mesh REST API (SPEC §4). */
export class MeshRest {
  constructor(
    readonly baseUrl: string,
    public token?: string,
  ) {}

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers["content-type"] = "application/json";
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let res: Response;
    try {
      res = await fetch(new URL(path, this.baseUrl), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new MeshRestError(0, "network", `cannot reach ${this.baseUrl}: ${(error as Error).message}`);
    }
    const text = await res.text();
    const parsed = text ? (JSON.parse(text) as unknown) : undefined;
    if (!res.ok) {
      const error = (parsed as Partial<RestErrorBody> | undefined)?.error;
      throw new MeshRestError(res.status, error?.code ?? "internal", error?.message ?? `HTTP ${res.status}`);
    }
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

  rooms(): Promise<{ rooms: (RoomData & { online: number })[] }> {
    return this.request("GET", "/api/rooms");
  }

  async history(roomId: string, query: HistoryQuery = {}): Promise<MessageData[]> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
    const body = await this.request<{ messages: MessageData[] }>(
      "GET",
      `/api/rooms/${encodeURIComponent(roomId)}/messages?${params}`,
    );
    return body.messages;
  }

  postMessage(roomId: string, message: { text: string; threadId?: string; nonce?: string }): Promise<MessageData> {
    return this.request("POST", `/api/rooms/${encodeURIComponent(roomId)}/messages`, message);
  }
}
