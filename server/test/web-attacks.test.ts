import type { MeshRoom } from "@mesh/bots";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KeyedRateLimiter } from "../src/limits.ts";
import { launchChromium, registerUser, restCall, startTestServer, type TestServer, type TestUser, waitFor } from "./harness.ts";

const PASSWORD = "correct horse battery";
/** A 1×1 PNG: small, but an image, so the chat panel gives it a thumbnail. */
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
const TOKEN_KEY = "mesh.token";

interface HookWindow {
  meshScene?: { ready: boolean };
}

/**
 * The web pages attacked as a hostile member would: text, names and links crafted to run script or
 * mislead, links that carry a token or a sentence, floods that cost every viewer. Real server, real
 * Chromium, real SDK clients. Each test names the hole it closes, or the attack found already held.
 */
describe("the web pages under attack", () => {
  let server: TestServer;
  let browser: Browser;
  let owner: TestUser;
  let mallory: TestUser;
  let victim: TestUser;
  let malloryLobby: MeshRoom;
  const contexts: BrowserContext[] = [];
  const dialogs: string[] = [];
  const pageErrors: string[] = [];

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    contexts.push(context);
    const page = await context.newPage();
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on("pageerror", (error) => pageErrors.push(error.message));
    return page;
  }

  async function ready(page: Page): Promise<void> {
    await page.waitForFunction(() => (window as unknown as HookWindow).meshScene?.ready === true, undefined, { timeout: 20_000 });
  }

  beforeAll(async () => {
    server = await startTestServer();
    server.services.limits.inputs = new KeyedRateLimiter(100_000, 100_000);
    server.services.limits.reads = new KeyedRateLimiter(100_000, 100_000);
    server.services.limits.auth = new KeyedRateLimiter(100_000, 100_000);
    server.services.limits.roomCreates = new KeyedRateLimiter(100_000, 100_000);
    owner = await registerUser(server.url, "olive");
    mallory = await registerUser(server.url, "mallory");
    victim = await registerUser(server.url, "victim");
    malloryLobby = await mallory.client.join("lobby");
    browser = await launchChromium();
  });
  afterAll(async () => {
    await malloryLobby?.leave().catch(() => {});
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await server?.stop();
  });

  it("shows script-like messages as text: no dialog, no element from them, links only for plain http(s)", async () => {
    const payloads = [
      "<img src=x onerror=alert(1)>",
      "<script>alert(2)</script>",
      "javascript:alert(3) data:text/html,<script>alert(4)</script> //evil.example/x",
      '"><svg onload=alert(5)>',
      "https://bank.example@evil.example/login",
      "https://fine.example/path?q=1",
    ];
    for (const text of payloads) await malloryLobby.sendAndWait(text);
    const page = await newPage();
    await page.goto(`${server.url}/3d#room=lobby&view=2d&token=${victim.token}`);
    await ready(page);
    const log = page.locator(".mesh-chat .chat-log");
    await log.locator(".msg-text", { hasText: "fine.example" }).waitFor();
    expect(await log.locator("img, script, svg, iframe").count()).toBe(0);
    const hrefs = await log.locator("a").evaluateAll((links) => links.map((a) => a.getAttribute("href")));
    // Only the plain URL is a link: not javascript:, data:, //host, nor one with a user name before the host.
    expect(hrefs).toEqual(["https://fine.example/path?q=1"]);
    expect(await log.locator(".msg-text", { hasText: "bank.example@evil.example" }).count()).toBe(1);
    expect(dialogs).toEqual([]);
  });

  it("never repeats a sentence a link puts in #room= (content injection on the mesh's own page)", async () => {
    const lure = "x'. Your session has expired: sign in again at https://evil.example/login to keep your messages. '";
    const page = await newPage();
    await page.goto(`${server.url}/3d#room=${encodeURIComponent(lure)}&token=${victim.token}`);
    const fatal = page.locator(".mesh-fatal");
    await fatal.waitFor({ timeout: 20_000 });
    const text = (await fatal.textContent()) ?? "";
    expect(text).toContain("does not name a room");
    expect(text).not.toContain("evil.example");
    expect(text).not.toContain("expired");
  });

  it("a #token= link opens that tab as the link's account but leaves the browser's remembered sign-in alone", async () => {
    const page = await newPage();
    await page.goto(`${server.url}/`);
    // The victim chose "Remember me" earlier: their token lives in localStorage.
    await page.evaluate(([key, token]) => localStorage.setItem(key, token), [TOKEN_KEY, victim.token] as const);
    await page.goto(`${server.url}/3d#room=lobby&view=2d&token=${mallory.token}`);
    await ready(page);
    const seen = await page.evaluate((key) => ({ href: location.href, local: localStorage.getItem(key), session: sessionStorage.getItem(key), length: history.length }), TOKEN_KEY);
    expect(seen.local).toBe(victim.token);
    expect(seen.session).toBe(mallory.token);
    // The page says whose account the link opened, so nobody types into mallory's tab unawares.
    expect(await page.locator(".m3-me").textContent()).toBe("Signed in as mallory");
    // And the token is out of the address bar and out of this entry of the history.
    expect(seen.href).not.toContain("token");
    expect(seen.href).toContain("room=lobby");
    await page.goBack();
    expect(page.url()).not.toContain(mallory.token);
    // Another page of the same browser still signs in as the victim.
    const start = await page.context().newPage();
    await start.goto(`${server.url}/`);
    await start.locator("#whoami .me-name").waitFor({ timeout: 20_000 });
    expect(await start.locator("#whoami .me-name").textContent()).toBe("victim");
  });

  it("sends ?next= only to a page of this server, whatever the spelling", async () => {
    const attempts = ["//evil.example/", "/\\evil.example", "/%2F%2Fevil.example", "javascript:alert(1)", "https://evil.example/", "/3d@evil.example"];
    for (const next of attempts) {
      const page = await newPage();
      await page.goto(`${server.url}/?next=${encodeURIComponent(next)}`);
      await page.getByLabel("Name", { exact: true }).fill("victim");
      await page.getByLabel("Password").fill(PASSWORD);
      await page.locator("#auth-form").getByRole("button", { name: "Sign in" }).click();
      await page.locator("#whoami").waitFor({ timeout: 20_000 });
      expect(new URL(page.url()).origin, next).toBe(server.url);
      expect(new URL(page.url()).pathname, next).toBe("/");
    }
    // The one it is for still works.
    const page = await newPage();
    await page.goto(`${server.url}/?next=${encodeURIComponent("/3d#room=lobby&view=2d")}`);
    await page.getByLabel("Name", { exact: true }).fill("victim");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.locator("#auth-form").getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((url) => url.pathname === "/3d", { timeout: 20_000 });
    expect(dialogs).toEqual([]);
  });

  it("signing out revokes the token and leaves none in the browser", async () => {
    const page = await newPage();
    await page.goto(`${server.url}/`);
    await page.getByLabel("Name", { exact: true }).fill("victim");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByLabel("Remember me on this computer").check();
    await page.locator("#auth-form").getByRole("button", { name: "Sign in" }).click();
    await page.locator("#whoami").waitFor({ timeout: 20_000 });
    const token = await page.evaluate((key) => localStorage.getItem(key), TOKEN_KEY);
    expect(token).toBeTruthy();
    await page.locator("#sign-out").click();
    await page.locator("#auth-form").waitFor();
    expect(await page.evaluate((key) => [localStorage.getItem(key), sessionStorage.getItem(key)], TOKEN_KEY)).toEqual([null, null]);
    expect((await restCall(server.url, token ?? "", "GET", "/api/me")).status).toBe(401);
  });

  it("keeps a direction override in one room's name from reversing the exits listed after it", async () => {
    // Two layers: the server strips direction overrides from room names, and the page isolates
    // every name anyway (for names stored before the server did, or arriving some other way).
    const mirror = await restCall(server.url, mallory.token, "POST", "/api/rooms", { id: "mirror", name: "\u202Eevil" });
    expect(mirror.status).toBe(201);
    expect((mirror.body as { name: string }).name).toBe("evil");
    const hall = await restCall(server.url, mallory.token, "POST", "/api/rooms", { id: "hall", name: "Hall", exits: { north: "mirror", south: "lobby" } });
    expect(hall.status).toBe(201);
    const page = await newPage();
    await page.goto(`${server.url}/`);
    await page.evaluate(([key, token]) => sessionStorage.setItem(key, token), [TOKEN_KEY, owner.token] as const);
    await page.goto(`${server.url}/`);
    const exits = page.locator('li.room[data-room="hall"] .room-exits');
    await exits.filter({ hasText: "south" }).waitFor({ timeout: 20_000 });
    // Left to right on screen, "south" must read s…h: the override must have ended with the name.
    const order = await exits.evaluate((p) => {
      const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const at = node.textContent?.indexOf("south") ?? -1;
        if (at < 0) continue;
        const x = (i: number) => {
          const range = document.createRange();
          range.setStart(node, i);
          range.setEnd(node, i + 1);
          return range.getBoundingClientRect().left;
        };
        return { s: x(at), h: x(at + 4) };
      }
      return undefined;
    });
    expect(order).toBeDefined();
    expect(order?.s).toBeLessThan(order?.h ?? 0);
    // The create-room form's exit choice (plain <option> text) isolates the name too.
    const option = await page.locator('#room-exit-to option[value="mirror"]').textContent();
    expect(option).toBe("\u2068evil\u2069 (mirror)");
  });

  it("loads image thumbnails as they come into view, not every image in the room at once", async () => {
    const gallery = await restCall(server.url, mallory.token, "POST", "/api/rooms", { id: "gallery", name: "Gallery" });
    expect(gallery.status).toBe(201);
    const room = await mallory.client.join("gallery");
    const count = 40;
    for (let i = 0; i < count; i++) {
      const upload = await mallory.rest.upload("gallery", `flood-${i}.png`, new Uint8Array(PNG), "image/png");
      await room.sendAndWait(`image ${i}`, { attachments: [upload.id] });
    }
    const page = await newPage();
    const downloads: string[] = [];
    page.on("request", (request) => {
      if (new URL(request.url()).pathname.startsWith("/api/uploads/")) downloads.push(request.url());
    });
    await page.goto(`${server.url}/3d#room=gallery&view=2d&token=${victim.token}`);
    await ready(page);
    const last = page.locator("article.msg", { hasText: `image ${count - 1}` }).locator("img.thumb");
    await waitFor("the newest thumbnail", () => downloads.length > 0, 20_000);
    await page.waitForFunction((el) => (el as HTMLImageElement).src.startsWith("blob:"), await last.elementHandle(), { timeout: 20_000 });
    await page.waitForTimeout(1000);
    // The log opened at the newest message (a busy room once opened on its oldest)…
    expect(await page.locator(".mesh-chat .chat-scroll").evaluate((e) => e.scrollHeight - e.scrollTop - e.clientHeight)).toBeLessThan(48);
    // …and fetched what is on screen (and a little around it), not all forty.
    expect(downloads.length).toBeGreaterThan(0);
    expect(downloads.length).toBeLessThan(count / 2);
    // Scrolling up to the first still shows it.
    const first = page.locator("article.msg", { hasText: "image 0" }).first();
    await first.scrollIntoViewIfNeeded();
    await page.waitForFunction((el) => (el as HTMLImageElement | null)?.src.startsWith("blob:") === true, await first.locator("img.thumb").elementHandle(), { timeout: 20_000 });
    await room.leave();
  });

  it("serves nothing but the pages and their assets, each page with its CSP, and no traversal out of dist/web", async () => {
    const get = (route: string, method = "GET") => fetch(new URL(route, server.url), { method });
    for (const route of ["/assets/..%2f..%2fpackage.json", "/assets/%2e%2e/client-kit/index.html", "/3d/..%2f..%2fpackage.json", "/client-kit/index.html", "/assets/", "/%2e%2e/package.json"]) {
      const res = await get(route);
      expect(res.status, route).toBe(404);
      expect(await res.text(), route).not.toContain('"workspaces"');
    }
    for (const route of ["/", "/3d", "/status"]) {
      for (const method of ["GET", "HEAD"]) {
        const res = await get(route, method);
        expect(res.status).toBe(200);
        expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
        expect(res.headers.get("content-security-policy")).toContain("script-src 'self';");
        expect(res.headers.get("x-content-type-options")).toBe("nosniff");
        expect(res.headers.get("cache-control")).toBe("no-cache");
        expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      }
    }
  });

  it("ran no script from anyone and threw nothing along the way", () => {
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
