import path from "node:path";

/** Every setting comes from an environment variable with a default; `--help` prints this table. */
export const SETTINGS = [
  { env: "PORT", default: "4000", help: "TCP port for REST, WebSocket and the web pages" },
  { env: "HOST", default: "0.0.0.0", help: "interface to listen on (127.0.0.1 for local only)" },
  { env: "MESH_DATA_DIR", default: "./data", help: "folder for the SQLite file and the server's keys" },
  { env: "LOG_LEVEL", default: "info", help: "fatal, error, warn, info, debug, trace or silent" },
  { env: "LOG_FORMAT", default: "auto", help: "json, pretty, or auto (pretty on a terminal, JSON otherwise)" },
  { env: "MESH_SESSION_TTL_S", default: "604800", help: "session (login token) lifetime in seconds" },
  { env: "MESH_RATE_PER_S", default: "30", help: "inputs a participant may send per second (realtime and REST together)" },
  { env: "MESH_RATE_BURST", default: "60", help: "burst allowance on top of the per-second rate" },
  { env: "MESH_AUTH_RATE_PER_MIN", default: "30", help: "register and login attempts per minute from one address" },
  { env: "MESH_TRUST_PROXY", default: "false", help: "true behind a reverse proxy, so limits see client addresses" },
  { env: "MESH_DEFAULT_ROLE", default: "member", help: "role of accounts registered after the first (owner)" },
  { env: "MESH_CORS_ORIGINS", default: "", help: "other web origins allowed to call the API, comma-separated (empty: same origin only)" },
  { env: "MESH_ALLOWED_HOSTS", default: "", help: "host names this server answers to besides IP addresses and localhost, comma-separated (* for any)" },
  { env: "MESH_KICK_COOLDOWN_S", default: "60", help: "seconds a kicked participant must wait before rejoining or sending to that room" },
  { env: "MESH_ROOMS_PER_MEMBER", default: "25", help: "rooms one participant may own (the mesh owner is exempt)" },
  { env: "MESH_ROOM_CREATES_PER_MIN", default: "10", help: "rooms one participant may create per minute" },
  { env: "MESH_RECONNECT_S", default: "20", help: "seconds a dropped participant stays in the room (shown offline) for its client to reconnect" },
  { env: "MESH_AWAY_S", default: "300", help: "seconds without any input after which a participant shows as away" },
  { env: "MESH_ROOM_IDLE_S", default: "30", help: "seconds an empty room keeps running before it stops (it reopens on the next join or send)" },
  { env: "MESH_WEB_DIR", default: "", help: "folder of the built web clients (empty: dist/web in the project, built by npm start)" },
  { env: "MESH_UPLOAD_MAX_BYTES", default: "26214400", help: "largest file one upload may carry, in bytes (25 MB)" },
  { env: "MESH_BOT_RUNTIME", default: "process", help: "where the bot controller runs bots: process (child processes) or kubernetes (one Pod each)" },
  { env: "MESH_BOT_MEMORY_MB", default: "256", help: "memory one controller-run bot may use, in MB (killed and restarted above it)" },
  { env: "MESH_BOT_PROGRAMS_DIR", default: "", help: "folder of the programs the controller runs (empty: bots/examples)" },
  { env: "MESH_BOT_URL", default: "", help: "URL controller-run bots reach the server at (empty: this server's loopback address)" },
  { env: "MESH_BOT_IMAGE", default: "the-mesh:latest", help: "container image of bot Pods (kubernetes runtime)" },
  { env: "MESH_K8S_NAMESPACE", default: "mesh-bots", help: "namespace of bot Pods and their Secrets (kubernetes runtime)" },
  { env: "MESH_BOTS_PER_MEMBER", default: "10", help: "bots one participant may own (the mesh owner is exempt)" },
  { env: "MESH_WEBHOOK_PRIVATE", default: "false", help: "true lets bridge bots' webhooks point at loopback and private addresses (a bot beside a self-hosted mesh); off, no member can make the server send requests into its own network" },
  { env: "MESH_WEBHOOK_ATTEMPTS", default: "8", help: "tries per event to a bridge bot's webhook (backoff 1 s, 2 s, 4 s … 60 s) before it is a dead letter" },
  { env: "MESH_WEBHOOK_TIMEOUT_S", default: "5", help: "seconds a bridge bot's webhook has to answer one delivery" },
  { env: "MESH_SSH_PORT", default: "", help: "TCP port of the SSH front door (ssh -p PORT name@host lands in the MUD), on HOST; empty: off" },
  { env: "MESH_SSH_IDLE_S", default: "1800", help: "seconds an SSH session may go without a key press before it is closed" },
  { env: "MESH_SSH_MAX_CONNECTIONS", default: "100", help: "SSH connections open at once, in all" },
  { env: "MESH_SSH_CONNECTIONS_PER_ADDRESS", default: "5", help: "SSH connections open at once from one client address" },
] as const;

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  logLevel: string;
  logFormat: "auto" | "json" | "pretty";
  sessionTtlS: number;
  ratePerS: number;
  rateBurst: number;
  authRatePerMin: number;
  trustProxy: boolean;
  defaultRole: string;
  /** Exact origins (scheme://host[:port]) besides the server's own that browsers may call from. */
  corsOrigins: string[];
  /** Host names (lower case) accepted in the Host header besides IP literals and localhost; "*" accepts any. */
  allowedHosts: string[];
  kickCooldownS: number;
  roomsPerMember: number;
  roomCreatesPerMin: number;
  roomIdleS: number;
  reconnectS: number;
  awayS: number;
  /** Largest file one upload may carry; a bigger one is cut off mid-stream with 413. */
  uploadMaxBytes: number;
  botsPerMember: number;
  /** Webhooks may point at loopback and private addresses (self-hosting); false refuses them. */
  webhookPrivate: boolean;
  webhookAttempts: number;
  webhookTimeoutS: number;
  botRuntime: "process" | "kubernetes";
  botMemoryMb: number;
  /** Absolute, or "" for the repository's bots/examples. */
  botProgramsDir: string;
  /** The built web clients ("" means dist/web beside the workspaces). */
  webDir: string;
  /** "" for the server's own loopback URL. */
  botUrl: string;
  botImage: string;
  k8sNamespace: string;
  /** The SSH front door's port (0: any free one), or null when it is off. */
  sshPort: number | null;
  sshIdleS: number;
  sshMaxConnections: number;
  sshConnectionsPerAddress: number;
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

/** Read and check the configuration; returns every problem at once rather than the first. */
export function loadConfig(env: Env = process.env): { ok: true; value: Config } | { ok: false; errors: string[] } {
  const errors: string[] = [];
  const get = (name: (typeof SETTINGS)[number]["env"]): string => {
    const setting = SETTINGS.find((s) => s.env === name);
    const value = env[name];
    return value === undefined || value === "" ? (setting?.default ?? "") : value;
  };
  const int = (name: (typeof SETTINGS)[number]["env"], min: number, max: number): number => {
    const raw = get(name);
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      errors.push(`${name}=${raw} is not a whole number from ${min} to ${max}`);
    }
    return value;
  };
  const bool = (name: (typeof SETTINGS)[number]["env"]): boolean => {
    const raw = get(name);
    if (raw !== "true" && raw !== "false") errors.push(`${name}=${raw} is not true or false`);
    return raw === "true";
  };
  const logLevel = get("LOG_LEVEL");
  if (!LOG_LEVELS.includes(logLevel)) errors.push(`LOG_LEVEL=${logLevel} is not one of ${LOG_LEVELS.join(", ")}`);
  const logFormat = get("LOG_FORMAT");
  if (logFormat !== "auto" && logFormat !== "json" && logFormat !== "pretty") {
    errors.push(`LOG_FORMAT=${logFormat} is not one of auto, json, pretty`);
  }
  const botRuntime = get("MESH_BOT_RUNTIME");
  if (botRuntime !== "process" && botRuntime !== "kubernetes") errors.push(`MESH_BOT_RUNTIME=${botRuntime} is not process or kubernetes`);
  const botUrl = get("MESH_BOT_URL");
  if (botUrl && !/^https?:\/\/[^/]+/.test(botUrl)) errors.push(`MESH_BOT_URL=${botUrl} is not an http(s) URL`);
  const k8sNamespace = get("MESH_K8S_NAMESPACE");
  if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(k8sNamespace)) errors.push(`MESH_K8S_NAMESPACE=${k8sNamespace} is not a namespace name`);
  const botProgramsDir = get("MESH_BOT_PROGRAMS_DIR");
  const config: Config = {
    port: int("PORT", 0, 65535),
    host: get("HOST"),
    dataDir: path.resolve(get("MESH_DATA_DIR")),
    logLevel,
    logFormat: logFormat as Config["logFormat"],
    sessionTtlS: int("MESH_SESSION_TTL_S", 1, 365 * 24 * 3600),
    ratePerS: int("MESH_RATE_PER_S", 1, 10_000),
    rateBurst: int("MESH_RATE_BURST", 1, 100_000),
    authRatePerMin: int("MESH_AUTH_RATE_PER_MIN", 1, 100_000),
    trustProxy: bool("MESH_TRUST_PROXY"),
    defaultRole: get("MESH_DEFAULT_ROLE"),
    corsOrigins: origins(get("MESH_CORS_ORIGINS"), errors),
    allowedHosts: hostNames(get("MESH_ALLOWED_HOSTS"), errors),
    kickCooldownS: int("MESH_KICK_COOLDOWN_S", 0, 30 * 24 * 3600),
    roomsPerMember: int("MESH_ROOMS_PER_MEMBER", 0, 100_000),
    roomCreatesPerMin: int("MESH_ROOM_CREATES_PER_MIN", 1, 10_000),
    roomIdleS: int("MESH_ROOM_IDLE_S", 0, 24 * 3600),
    reconnectS: int("MESH_RECONNECT_S", 0, 3600),
    awayS: int("MESH_AWAY_S", 1, 7 * 24 * 3600),
    uploadMaxBytes: int("MESH_UPLOAD_MAX_BYTES", 1, 4 * 1024 ** 3),
    botsPerMember: int("MESH_BOTS_PER_MEMBER", 0, 100_000),
    webhookPrivate: bool("MESH_WEBHOOK_PRIVATE"),
    webhookAttempts: int("MESH_WEBHOOK_ATTEMPTS", 1, 100),
    webhookTimeoutS: int("MESH_WEBHOOK_TIMEOUT_S", 1, 60),
    botRuntime: botRuntime as Config["botRuntime"],
    botMemoryMb: int("MESH_BOT_MEMORY_MB", 64, 64 * 1024),
    botProgramsDir: botProgramsDir && path.resolve(botProgramsDir),
    webDir: get("MESH_WEB_DIR") && path.resolve(get("MESH_WEB_DIR")),
    botUrl: botUrl.replace(/\/+$/, ""),
    botImage: get("MESH_BOT_IMAGE"),
    k8sNamespace,
    sshPort: get("MESH_SSH_PORT") === "" ? null : int("MESH_SSH_PORT", 0, 65535),
    sshIdleS: int("MESH_SSH_IDLE_S", 1, 7 * 24 * 3600),
    sshMaxConnections: int("MESH_SSH_MAX_CONNECTIONS", 1, 100_000),
    sshConnectionsPerAddress: int("MESH_SSH_CONNECTIONS_PER_ADDRESS", 1, 100_000),
  };
  return errors.length ? { ok: false, errors } : { ok: true, value: config };
}

/** `https://a.example, http://localhost:5173` → exact origins; `*` is refused, as is anything with a path. */
function origins(raw: string, errors: string[]): string[] {
  const list = raw.split(",").map((o) => o.trim()).filter(Boolean);
  for (const origin of list) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || parsed.origin !== origin || !/^https?:$/.test(parsed.protocol)) {
      errors.push(`MESH_CORS_ORIGINS entry '${origin}' is not an origin like https://app.example.com (no '*', path or trailing slash)`);
    }
  }
  return list;
}

/** `mesh.example.com, *` → lower-case host names without ports; anything else is reported. */
function hostNames(raw: string, errors: string[]): string[] {
  const list = raw.split(",").map((h) => h.trim().toLowerCase()).filter(Boolean);
  for (const host of list) {
    if (host !== "*" && !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(host)) {
      errors.push(`MESH_ALLOWED_HOSTS entry '${host}' is not a host name like mesh.example.com (no port, scheme or path)`);
    }
  }
  return list;
}

export function helpText(): string {
  const width = Math.max(...SETTINGS.map((s) => s.env.length));
  const rows = SETTINGS.map((s) => `  ${s.env.padEnd(width)}  ${s.help} (default: ${s.default})`);
  return [
    "The Mesh server: REST, realtime rooms and the web pages on one port.",
    "",
    "Usage: npm start [-- --help]",
    "",
    "Settings (environment variables):",
    ...rows,
    "",
    "Example: PORT=8080 MESH_DATA_DIR=/var/lib/mesh npm start",
  ].join("\n");
}
