import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONTENT_SECURITY_POLICY, WEB_PAGES } from "../src/http/web.ts";
import { startTestServer, type TestServer } from "./harness.ts";

/**
 * The built pages as a browser gets them: each page with the CSP and no caching, no inline script
 * or style for the CSP to refuse, and its hashed assets cached for a year.
 */
describe("serving the web clients", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it("serves every page with the CSP, no caching, and nothing inline", async () => {
    for (const route of Object.keys(WEB_PAGES)) {
      const res = await fetch(`${server.url}${route}`);
      expect(res.status, route).toBe(200);
      expect(res.headers.get("content-type"), route).toMatch(/^text\/html/);
      expect(res.headers.get("content-security-policy"), route).toBe(CONTENT_SECURITY_POLICY);
      expect(res.headers.get("cache-control"), route).toBe("no-cache");
      expect(res.headers.get("x-frame-options"), route).toBe("DENY");
      const html = await res.text();
      const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
      expect(scripts.length, `${route} loads its bundle`).toBeGreaterThan(0);
      for (const [, attrs, body] of scripts) {
        expect(attrs, `${route}: every script comes from a file`).toMatch(/\bsrc="\/assets\//);
        expect(body.trim(), `${route}: no inline script`).toBe("");
      }
      expect(html, `${route}: no inline style element`).not.toMatch(/<style\b/);
      expect(html, `${route}: no style attribute`).not.toMatch(/\sstyle="/);
      expect(html, `${route}: no inline handler`).not.toMatch(/\son[a-z]+="/i);
    }
    const trailing = await fetch(`${server.url}/3d/`);
    expect(trailing.status).toBe(200);
  });

  it("caches hashed assets for a year and answers a missing asset with 404, not a page", async () => {
    const html = await (await fetch(`${server.url}/3d`)).text();
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThan(0);
    let compressed = 0;
    for (const asset of assets) {
      const res = await fetch(`${server.url}${asset}`);
      expect(res.status, asset).toBe(200);
      expect(res.headers.get("cache-control"), asset).toMatch(/max-age=31536000.*immutable/);
      expect(res.headers.get("x-content-type-options"), asset).toBe("nosniff");
      const size = (await res.arrayBuffer()).byteLength;
      if (size > 4096) {
        expect(res.headers.get("content-encoding"), `${asset} goes compressed`).toMatch(/gzip|br|deflate/);
        compressed++;
      }
    }
    expect(compressed, "the bundle's big chunks were checked").toBeGreaterThan(0);
    const missing = await fetch(`${server.url}/assets/nothing-here-abc123.js`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).not.toMatch(/<html/i);
    const traversal = await fetch(`${server.url}/assets/..%2f..%2fpackage.json`);
    expect(traversal.status).not.toBe(200);
  });

  it("keeps the API's JSON 404 for unknown API routes beside the pages", async () => {
    const res = await fetch(`${server.url}/api/no-such-thing`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: "not_found" } });
  });
});

describe("a server whose web clients are not built", () => {
  let server: TestServer;
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-web-"));
  beforeAll(async () => {
    server = await startTestServer({ webDir: empty });
  });
  afterAll(async () => {
    await server.stop();
    fs.rmSync(empty, { recursive: true, force: true });
  });

  it("says how to build them instead of a blank page, and the API still works", async () => {
    const res = await fetch(`${server.url}/`);
    expect(res.status).toBe(503);
    expect(await res.text()).toMatch(/npm start/);
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
  });
});
