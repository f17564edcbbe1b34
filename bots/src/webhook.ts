import type { BotEvent } from "@mesh/schema";

/**
 * Bridge bots: the mesh POSTs `{ events: BotEvent[] }` (JSON, oldest first) to the bot's webhook
 * with these headers. The signature is `sha256=` + hex HMAC-SHA256, keyed with the UTF-8 bytes of
 * the bot's webhook secret, over `<timestamp>.<raw body>`. An event may come twice (a delivery
 * whose answer was lost is sent again): skip ids already handled.
 */
export const WEBHOOK_TIMESTAMP_HEADER = "x-mesh-timestamp";
export const WEBHOOK_SIGNATURE_HEADER = "x-mesh-signature";

/** What one webhook request carries. */
export interface WebhookDelivery {
  events: BotEvent[];
}

export type WebhookErrorCode = "malformed_header" | "bad_signature" | "stale_timestamp" | "future_timestamp" | "malformed_body";

export interface WebhookError {
  code: WebhookErrorCode;
  message: string;
}

export type WebhookVerification = { ok: true; value: WebhookDelivery } | { ok: false; error: WebhookError };

/** A header as a server framework hands it over (Node gives string | string[] | undefined). */
type HeaderValue = string | readonly string[] | null | undefined;

export interface VerifyWebhookOptions {
  secret: string;
  /** The `X-Mesh-Timestamp` header: unix seconds. */
  timestamp: HeaderValue;
  /** The `X-Mesh-Signature` header: `sha256=<hex>`. */
  signature: HeaderValue;
  /** The raw body exactly as received (not re-serialised JSON). */
  body: string | Uint8Array;
  /** How far the timestamp may be from now, either way (replays of an old delivery are refused). */
  toleranceS?: number;
  /** ms epoch; defaults to Date.now(). */
  now?: number;
}

const TIMESTAMP = /^\d{1,12}$/;
const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;
const encoder = new TextEncoder();

/**
 * Check a webhook request before trusting it: a well-formed timestamp within `toleranceS` of now
 * and a signature made with the secret (compared in constant time by WebCrypto). On success the
 * parsed body. Works in Node 20 and browsers alike (WebCrypto, no Node built-ins).
 */
export async function verifyWebhook({
  secret,
  timestamp,
  signature,
  body,
  toleranceS = 300,
  now = Date.now(),
}: VerifyWebhookOptions): Promise<WebhookVerification> {
  const ts = single(timestamp);
  const sig = single(signature);
  if (ts === undefined || !TIMESTAMP.test(ts)) return refused("malformed_header", "X-Mesh-Timestamp is missing or not unix seconds");
  const mac = sig === undefined ? null : SIGNATURE.exec(sig);
  if (!mac) return refused("malformed_header", "X-Mesh-Signature is missing or not sha256=<64 hex digits>");
  const ageS = now / 1000 - Number(ts);
  if (ageS > toleranceS) return refused("stale_timestamp", `timestamp is ${Math.round(ageS)} s old (tolerance ${toleranceS} s)`);
  if (-ageS > toleranceS) return refused("future_timestamp", `timestamp is ${Math.round(-ageS)} s ahead (tolerance ${toleranceS} s)`);
  const key = await hmacKey(secret, "verify");
  const valid = await crypto.subtle.verify("HMAC", key, fromHex(mac[1]), signedBytes(ts, body));
  if (!valid) return refused("bad_signature", "signature does not match this body and secret");
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof body === "string" ? body : new TextDecoder().decode(body));
  } catch {
    return refused("malformed_body", "body is not JSON");
  }
  if (!isDelivery(parsed)) return refused("malformed_body", "body is not { events: [...] }");
  return { ok: true, value: parsed };
}

/** The `X-Mesh-Signature` value for a body sent at `timestamp` (unix seconds): what the mesh sends. */
export async function signWebhook(secret: string, timestamp: number | string, body: string | Uint8Array): Promise<string> {
  const key = await hmacKey(secret, "sign");
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, signedBytes(String(timestamp), body)));
  return `sha256=${Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

function hmacKey(secret: string, use: "sign" | "verify"): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [use]);
}

/** `<timestamp>.<body>` as bytes. */
function signedBytes(timestamp: string, body: string | Uint8Array): Uint8Array<ArrayBuffer> {
  const head = encoder.encode(`${timestamp}.`);
  const tail = typeof body === "string" ? encoder.encode(body) : body;
  const bytes = new Uint8Array(head.length + tail.length);
  bytes.set(head);
  bytes.set(tail, head.length);
  return bytes;
}

function fromHex(hex: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

function single(value: HeaderValue): string | undefined {
  if (typeof value === "string") return value.trim();
  return value?.length === 1 ? value[0].trim() : undefined;
}

function isDelivery(value: unknown): value is WebhookDelivery {
  return typeof value === "object" && value !== null && Array.isArray((value as { events?: unknown }).events);
}

function refused(code: WebhookErrorCode, message: string): WebhookVerification {
  return { ok: false, error: { code, message } };
}
