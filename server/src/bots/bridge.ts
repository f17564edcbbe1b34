import { createHmac } from "node:crypto";
import dns from "node:dns";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import type { BotEventRecord, MeshDatabase } from "@mesh/persistence";
import type { BotEvent } from "@mesh/schema";
import type { Logger } from "../logger.ts";

export interface BridgeSettings {
  /** How often due deliveries are looked for (a publish also starts one at once). */
  intervalMs: number;
  /** Requests in flight, all bots together; one bot has at most one, so its events stay in order. */
  concurrency: number;
  /** Events in one request at most. */
  batch: number;
  /** A webhook that has not answered (status line and headers) within this is a failed try. */
  timeoutMs: number;
  /** Tries per event before it is a dead letter. */
  maxAttempts: number;
  /** Wait before the second try; doubled each failure up to `maxBackoffMs`. */
  backoffMs: number;
  maxBackoffMs: number;
  /** Bytes of an answer read at most; the status is all that counts, the rest is cut off. */
  responseCapBytes: number;
  /** Webhooks may point at loopback and private addresses (self-hosting, tests); false refuses them (SSRF). */
  allowPrivate: boolean;
}

export const DEFAULT_BRIDGE_SETTINGS: BridgeSettings = {
  intervalMs: 250,
  concurrency: 16,
  batch: 100,
  timeoutMs: 5_000,
  maxAttempts: 8,
  backoffMs: 1_000,
  maxBackoffMs: 60_000,
  responseCapBytes: 4_096,
  allowPrivate: true,
};

/** Wait after the `attempts`th failed try: 1 s, 2 s, 4 s … up to the cap. */
export function backoffMs(attempts: number, settings: Pick<BridgeSettings, "backoffMs" | "maxBackoffMs">): number {
  return Math.min(settings.maxBackoffMs, settings.backoffMs * 2 ** Math.max(0, attempts - 1));
}

/** `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`: what the SDK's verifyWebhook checks. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

type Outcome = { ok: true } | { ok: false; error: string };

/**
 * The webhook delivery worker for bridge bots. Each bot's pending events go oldest first, up to
 * `batch` in one signed POST `{ events }`; a 2xx delivers them all, anything else (status,
 * redirect, timeout, refused connection, an answer that is not HTTP) is one failed try for each,
 * retried with exponential backoff and dead-lettered after `maxAttempts`. Delivery is at least
 * once (an answer lost on the way is a retry), so receivers skip event ids they have handled.
 * Everything is asynchronous and bounded: a slow webhook holds one slot of `concurrency` for at
 * most `timeoutMs`, never a room's tick or another bot.
 */
export class BridgeWorker {
  private readonly inFlight = new Map<string, AbortController>();
  private readonly settled = new Set<Promise<void>>();
  private readonly agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
  private timer: NodeJS.Timeout | undefined;
  private kicked = false;
  private closed = false;

  constructor(
    private readonly db: MeshDatabase,
    private readonly log: Logger,
    private readonly settings: BridgeSettings = DEFAULT_BRIDGE_SETTINGS,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => this.pump(), this.settings.intervalMs);
    this.timer.unref();
    this.kick(); // what a restart left pending goes at once
  }

  /** Look for due deliveries at the next turn of the event loop (coalesced). */
  kick(): void {
    if (this.kicked || this.closed) return;
    this.kicked = true;
    setImmediate(() => {
      this.kicked = false;
      this.pump();
    });
  }

  /** Stop taking work, abort what is in flight and wait for it to settle (before the database closes). */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    for (const controller of this.inFlight.values()) controller.abort();
    await Promise.allSettled([...this.settled]);
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private pump(): void {
    if (this.closed) return;
    let free = this.settings.concurrency - this.inFlight.size;
    if (free <= 0) return;
    let due: BotEventRecord[];
    try {
      // In-flight bots' heads are still due: asking for `concurrency` rows leaves `free` others.
      due = this.db.botEvents.due(Date.now(), this.settings.concurrency);
    } catch (error) {
      this.log.warn({ err: error }, "could not read due bot events");
      return;
    }
    for (const head of due) {
      if (free <= 0) break;
      if (this.inFlight.has(head.botId)) continue;
      free -= 1;
      const controller = new AbortController();
      this.inFlight.set(head.botId, controller);
      const done = this.deliver(head.botId, controller.signal).finally(() => {
        this.inFlight.delete(head.botId);
        this.settled.delete(done);
        this.kick(); // the bot's next batch, or another bot's, may be due now
      });
      this.settled.add(done);
    }
  }

  private async deliver(botId: string, signal: AbortSignal): Promise<void> {
    try {
      const bot = this.db.bots.get(botId);
      if (bot?.mode !== "bridge") {
        this.db.botEvents.stopDelivery(botId); // no webhook any more: the events stay pollable
        return;
      }
      const batch = this.db.botEvents.pending(botId, this.settings.batch);
      if (batch.length === 0) return;
      const events: BotEvent[] = batch.map(({ id, type, roomId, at, data }) => ({ id, type, roomId, at, data }));
      const outcome = await this.post(bot.webhookUrl, bot.webhookSecret, JSON.stringify({ events }), signal);
      if (this.closed) return; // the next start sends them again
      const ids = batch.map((e) => e.id);
      const now = Date.now();
      if (outcome.ok) {
        this.db.botEvents.delivered(botId, ids, now);
        return;
      }
      const dead = batch.filter((e) => e.attempts + 1 >= this.settings.maxAttempts);
      const survivor = batch.find((e) => e.attempts + 1 < this.settings.maxAttempts);
      // The oldest event still pending waits its backoff; if all of this batch gave up, the next is tried at once.
      const nextAt = survivor ? now + backoffMs(survivor.attempts + 1, this.settings) : now;
      this.db.botEvents.failed(botId, ids, dead.map((e) => e.id), outcome.error, nextAt);
      if (dead.length) this.log.warn({ botId, dead: dead.length, error: outcome.error }, "bot webhook gave up: events dead-lettered");
      else this.log.debug({ botId, events: ids.length, error: outcome.error, retryInMs: nextAt - now }, "bot webhook failed; will retry");
    } catch (error) {
      if (!this.closed) this.log.warn({ err: error, botId }, "bot webhook delivery failed unexpectedly");
    }
  }

  /** One signed POST; resolves with the outcome, never rejects. */
  private post(rawUrl: string, secret: string, body: string, signal: AbortSignal): Promise<Outcome> {
    let url: URL;
    try {
      url = new URL(rawUrl);
    } catch {
      return Promise.resolve({ ok: false, error: "webhook URL is not a URL" });
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") return Promise.resolve({ ok: false, error: "webhook URL is not http(s)" });
    const literal = url.hostname.replace(/^\[|\]$/g, "");
    if (!this.settings.allowPrivate && net.isIP(literal) && isPrivateAddress(literal)) {
      return Promise.resolve({ ok: false, error: `address ${literal} is private (MESH_WEBHOOK_PRIVATE=false)` });
    }
    const timestamp = Math.floor(Date.now() / 1000);
    const timeout = AbortSignal.timeout(this.settings.timeoutMs);
    return new Promise<Outcome>((resolve) => {
      let settled = false;
      const finish = (outcome: Outcome) => {
        if (settled) return;
        settled = true;
        resolve(outcome);
      };
      const request = (url.protocol === "https:" ? https : http).request(url, {
        method: "POST",
        agent: url.protocol === "https:" ? this.agents.https : this.agents.http,
        signal: AbortSignal.any([signal, timeout]),
        // Names are resolved here and every address checked, so DNS cannot point a public name inward.
        lookup: this.settings.allowPrivate ? undefined : publicOnlyLookup,
        headers: {
          "Content-Type": "application/json",
          "Content-Length": Buffer.byteLength(body),
          "User-Agent": "mesh-bridge",
          "X-Mesh-Timestamp": String(timestamp),
          "X-Mesh-Signature": signWebhook(secret, timestamp, body),
        },
      });
      request.on("response", (response) => {
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) finish({ ok: true });
        else if (status >= 300 && status < 400) finish({ ok: false, error: `HTTP ${status} (redirects are not followed)` });
        else finish({ ok: false, error: `HTTP ${status}` });
        // Only the status counts: read a little so the connection can be reused, cut off anything more.
        let read = 0;
        response.on("data", (chunk: Buffer) => {
          read += chunk.length;
          if (read > this.settings.responseCapBytes) response.destroy();
        });
        response.on("error", () => {});
      });
      request.on("error", (error: NodeJS.ErrnoException) => {
        if (timeout.aborted) finish({ ok: false, error: `no answer within ${this.settings.timeoutMs} ms` });
        else finish({ ok: false, error: error.code ? `${error.code}: ${error.message}` : error.message });
      });
      request.end(body);
    });
  }
}

/**
 * Loopback, private, link-local (cloud metadata), shared, multicast and reserved ranges: where a
 * webhook must not point when MESH_WEBHOOK_PRIVATE=false.
 */
const PRIVATE = new net.BlockList();
for (const [address, prefix] of [
  ["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12],
  ["192.0.0.0", 24], ["192.168.0.0", 16], ["198.18.0.0", 15], ["224.0.0.0", 4], ["240.0.0.0", 4],
] as const) PRIVATE.addSubnet(address, prefix, "ipv4");
for (const [address, prefix] of [["::", 127], ["fc00::", 7], ["fe80::", 10], ["ff00::", 8], ["64:ff9b::", 96]] as const) {
  PRIVATE.addSubnet(address, prefix, "ipv6");
}

export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return isPrivateAddress(mapped[1]);
  const family = net.isIP(address);
  if (family === 0) return true; // not an address: refuse rather than guess
  return PRIVATE.check(address, family === 4 ? "ipv4" : "ipv6");
}

/** dns.lookup that fails when any address a name resolves to is private. */
const publicOnlyLookup: net.LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, "");
    const refused = addresses.find((a) => isPrivateAddress(a.address));
    if (refused) {
      return callback(new Error(`${hostname} resolves to private address ${refused.address} (MESH_WEBHOOK_PRIVATE=false)`), "");
    }
    if (options.all) return callback(null, addresses);
    callback(null, addresses[0]?.address ?? "", addresses[0]?.family);
  });
};
