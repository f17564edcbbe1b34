import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signWebhook, verifyWebhook } from "./webhook.ts";

const secret = "whsec_test";
const body = JSON.stringify({ events: [{ id: 7, type: "message", roomId: "lobby", at: 1, data: { text: "hi" } }] });
const now = 1_700_000_000_000;
const ts = String(now / 1000);

/** What a server without WebCrypto would send: node:crypto's HMAC over `<ts>.<body>`. */
const nodeSignature = (key: string, timestamp: string, text: string) =>
  `sha256=${createHmac("sha256", key).update(`${timestamp}.${text}`).digest("hex")}`;

describe("verifyWebhook", () => {
  it("accepts a delivery signed with the secret and returns its events", async () => {
    const signature = nodeSignature(secret, ts, body);
    expect(await signWebhook(secret, ts, body)).toBe(signature);
    const verified = await verifyWebhook({ secret, timestamp: ts, signature, body, now });
    expect(verified).toEqual({ ok: true, value: JSON.parse(body) });
    // Headers as Node hands them over, and the raw bytes instead of a string.
    const fromBytes = await verifyWebhook({ secret, timestamp: [ts], signature: signature.toUpperCase().replace("SHA256=", "sha256="), body: new TextEncoder().encode(body), now });
    expect(fromBytes.ok).toBe(true);
  });

  it("refuses another secret, a changed body or a changed timestamp", async () => {
    const signature = nodeSignature(secret, ts, body);
    const cases = [
      { secret: "other", timestamp: ts, signature, body },
      { secret, timestamp: ts, signature, body: body.replace("hi", "ho") },
      { secret, timestamp: String(Number(ts) + 1), signature, body },
    ];
    for (const c of cases) {
      expect(await verifyWebhook({ ...c, now })).toMatchObject({ ok: false, error: { code: "bad_signature" } });
    }
  });

  it("refuses a stale or a future timestamp even when correctly signed", async () => {
    const old = String(now / 1000 - 301);
    const stale = await verifyWebhook({ secret, timestamp: old, signature: nodeSignature(secret, old, body), body, now });
    expect(stale).toMatchObject({ ok: false, error: { code: "stale_timestamp" } });
    const ahead = String(now / 1000 + 301);
    const future = await verifyWebhook({ secret, timestamp: ahead, signature: nodeSignature(secret, ahead, body), body, now });
    expect(future).toMatchObject({ ok: false, error: { code: "future_timestamp" } });
    const tolerant = await verifyWebhook({ secret, timestamp: old, signature: nodeSignature(secret, old, body), body, now, toleranceS: 600 });
    expect(tolerant.ok).toBe(true);
  });

  it("refuses malformed headers and bodies with a typed error", async () => {
    const signature = nodeSignature(secret, ts, body);
    const headers = [
      { timestamp: undefined, signature },
      { timestamp: "soon", signature },
      { timestamp: `${ts}.5`, signature },
      { timestamp: [ts, ts], signature },
      { timestamp: ts, signature: undefined },
      { timestamp: ts, signature: signature.slice(7) },
      { timestamp: ts, signature: "sha1=abc" },
      { timestamp: ts, signature: `${signature}00` },
    ];
    for (const h of headers) {
      expect(await verifyWebhook({ secret, body, now, ...h })).toMatchObject({ ok: false, error: { code: "malformed_header" } });
    }
    for (const text of ["not json", JSON.stringify({ event: [] }), "null"]) {
      const signed = { secret, timestamp: ts, signature: nodeSignature(secret, ts, text), body: text, now };
      expect(await verifyWebhook(signed)).toMatchObject({ ok: false, error: { code: "malformed_body" } });
    }
  });
});
