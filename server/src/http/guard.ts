import type http from "node:http";
import type { Duplex } from "node:stream";
import { matchMaker } from "@colyseus/core";
import { ErrorCode, type RestErrorBody } from "@mesh/schema";
import type { Config } from "../config.ts";
import type { Logger } from "../logger.ts";

/** Matchmaking options are a room id, a token and a protocol number: a few hundred bytes. */
export const MATCHMAKE_MAX_BODY_BYTES = 8 * 1024;

type Listener = (req: http.IncomingMessage, res: http.ServerResponse) => void;
type UpgradeListener = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void;
type WithBody = http.IncomingMessage & { body?: unknown };

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const STATUS = { bad_input: 400, forbidden: 403, payload_too_large: 413 } as const;

/**
 * One gate in front of everything Colyseus serves on the port (REST, /matchmake, pages), run
 * before its listeners: CORS from our allow-list, cross-origin writes refused, and matchmaking
 * bodies read under a cap, because Colyseus reads them whole, unauthenticated, into memory.
 * Call once `colyseus.listen()` has resolved, when its 'request' and 'upgrade' listeners are in place.
 */
export function guardRequests(
  httpServer: http.Server,
  config: Pick<Config, "corsOrigins" | "trustProxy" | "allowedHosts" | "host">,
  log: Logger,
): void {
  silenceColyseusCors();
  // An operator reaching the server by a new name sees why in the log, once per name.
  const warned = new Set<string>();
  const refuseHost = (why: string): void => {
    if (warned.has(why) || warned.size >= 100) return;
    warned.add(why);
    log.warn(why);
  };
  const allowed = new Set(config.corsOrigins);
  const hosts = new Set([...config.allowedHosts, config.host.toLowerCase()]);
  const colyseus = httpServer.listeners("request") as Listener[];
  httpServer.removeAllListeners("request");
  const pass: Listener = (req, res) => {
    for (const listener of colyseus) listener.call(httpServer, req, res);
  };

  // WebSocket upgrades answer to the same host names (a join also needs a reservation from /matchmake).
  const upgrades = httpServer.listeners("upgrade") as UpgradeListener[];
  httpServer.removeAllListeners("upgrade");
  httpServer.on("upgrade", (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const badHost = hostRefusal(req, hosts, config.trustProxy);
    if (badHost) {
      refuseHost(badHost);
      socket.end("HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    for (const listener of upgrades) listener.call(httpServer, req, socket, head);
  });

  httpServer.on("request", (req: WithBody, res: http.ServerResponse) => {
    // A page whose name an attacker re-points at this machine (DNS rebinding) is same-origin to
    // the browser; only the name it asked for gives it away.
    const badHost = hostRefusal(req, hosts, config.trustProxy);
    if (badHost) {
      refuseHost(badHost);
      return refuse(req, res, ErrorCode.Forbidden, badHost);
    }
    const origin = req.headers.origin;
    const listed = origin !== undefined && allowed.has(origin);
    res.setHeader("Vary", "Origin");
    if (listed) {
      res.setHeader("Access-Control-Allow-Origin", origin);
      res.setHeader("Access-Control-Allow-Credentials", "true");
    }
    const method = req.method ?? "GET";
    if (method === "OPTIONS") {
      // Every preflight is answered here; only a listed origin learns it may go on.
      if (listed) {
        res.setHeader("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, PATCH, DELETE");
        res.setHeader("Access-Control-Allow-Headers", "Authorization, Content-Type, Accept, X-Requested-With");
        res.setHeader("Access-Control-Max-Age", "600");
      }
      res.writeHead(204).end();
      return;
    }
    if (SAFE_METHODS.has(method)) return pass(req, res);
    // CORS only hides answers; a form or text/plain POST from another site still arrives.
    if (origin !== undefined && !listed && !isOwnOrigin(req, origin, config.trustProxy)) {
      return refuse(req, res, ErrorCode.Forbidden, "cross-origin request refused");
    }
    if (!isMatchmake(req.url ?? "/")) return pass(req, res);
    readMatchmakeOptions(req, res, (options) => {
      // better-call's getRequest takes `req.body` when set instead of reading the stream.
      req.body = options;
      pass(req, res);
    });
  });
}

/** The host name of a Host header, lower case, without port; IPv6 literals keep their brackets. */
function hostnameOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  try {
    return new URL(`http://${header}`).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * Why this request names a host the server does not answer to, or undefined. Behind a trusted
 * proxy the browser's name arrives in X-Forwarded-Host, and is checked as well.
 */
function hostRefusal(req: http.IncomingMessage, hosts: ReadonlySet<string>, trustProxy: boolean): string | undefined {
  const forwarded = trustProxy ? first(req.headers["x-forwarded-host"]) : undefined;
  for (const header of forwarded === undefined ? [req.headers.host] : [req.headers.host, forwarded]) {
    const host = hostnameOf(header);
    if (!hostAllowed(host, hosts)) return `this server does not answer to the host '${host ?? ""}'; add it to MESH_ALLOWED_HOSTS`;
  }
  return undefined;
}

/** IP literals and localhost names cannot be re-pointed by someone else's DNS; other names must be listed. */
function hostAllowed(host: string | undefined, listed: ReadonlySet<string>): boolean {
  if (host === undefined) return false;
  if (listed.has("*") || listed.has(host)) return true;
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  return host.startsWith("[") || /^\d{1,3}(\.\d{1,3}){3}$/.test(host);
}

/**
 * Colyseus's defaults echo any Origin with credentials on every response. Its hook is
 * process-global and sees no server, so it is emptied and each server answers for its own list.
 */
function silenceColyseusCors(): void {
  const defaults = matchMaker.controller.DEFAULT_CORS_HEADERS;
  for (const key of Object.keys(defaults)) Reflect.deleteProperty(defaults, key);
  matchMaker.controller.getCorsHeaders = () => ({});
}

/** Colyseus routes `/matchmake/...` as written (case-sensitively); express gets the rest, under its own 64 KiB cap. */
function isMatchmake(url: string): boolean {
  return url.split("?")[0].toLowerCase().startsWith(`/${matchMaker.controller.matchmakeRoute}`);
}

/**
 * The request's own origin, from Host (or X-Forwarded-Host/-Proto when a proxy is trusted).
 * Without a trusted scheme either is accepted: a proxy may have ended TLS in front of us.
 */
function isOwnOrigin(req: http.IncomingMessage, origin: string, trustProxy: boolean): boolean {
  const host = (trustProxy && first(req.headers["x-forwarded-host"])) || req.headers.host;
  if (!host) return false;
  const proto = trustProxy ? first(req.headers["x-forwarded-proto"]) : undefined;
  return (proto ? [proto] : ["http", "https"]).some((scheme) => originOf(`${scheme}://${host}`) === origin);
}

function first(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  return value?.split(",")[0].trim() || undefined;
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/** Read a JSON object of at most MATCHMAKE_MAX_BODY_BYTES, refusing the moment it is exceeded. */
function readMatchmakeOptions(req: http.IncomingMessage, res: http.ServerResponse, next: (options: object) => void): void {
  const tooLarge = `matchmaking body over ${MATCHMAKE_MAX_BODY_BYTES} bytes`;
  if (Number(req.headers["content-length"]) > MATCHMAKE_MAX_BODY_BYTES) {
    refuse(req, res, ErrorCode.PayloadTooLarge, tooLarge);
    return;
  }
  const type = req.headers["content-type"] ?? "";
  if (!/^application\/json\b/i.test(type)) {
    refuse(req, res, ErrorCode.BadInput, "matchmaking options must be sent as Content-Type: application/json");
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let refused = false;
  req.on("data", (chunk: Buffer) => {
    if (refused) return;
    size += chunk.length;
    if (size > MATCHMAKE_MAX_BODY_BYTES) {
      refused = true;
      chunks.length = 0;
      return refuse(req, res, ErrorCode.PayloadTooLarge, tooLarge);
    }
    chunks.push(chunk);
  });
  req.on("end", () => {
    if (refused) return;
    const text = Buffer.concat(chunks).toString("utf8");
    let options: unknown;
    try {
      options = text.trim() === "" ? {} : JSON.parse(text);
    } catch {
      return refuse(req, res, ErrorCode.BadInput, "matchmaking body is not valid JSON");
    }
    if (typeof options !== "object" || options === null || Array.isArray(options)) {
      return refuse(req, res, ErrorCode.BadInput, "matchmaking options must be a JSON object");
    }
    next(options);
  });
  // A client that goes away mid-body gets no answer; the socket is already gone.
  req.on("error", () => {});
}

/** Answer with the error; past the cap, also close: the rest of that body is not worth reading. */
function refuse(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  code: keyof typeof STATUS,
  message: string,
): void {
  const body: RestErrorBody = { error: { code, message } };
  const json = JSON.stringify(body);
  const close = code === ErrorCode.PayloadTooLarge;
  res.writeHead(STATUS[code], {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(json),
    ...(close ? { Connection: "close" } : {}),
  });
  res.end(json, () => {
    if (close) req.socket.destroy();
  });
}
