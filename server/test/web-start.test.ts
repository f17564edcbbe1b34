import fs from "node:fs";
import path from "node:path";
import type { MeshRoom } from "@mesh/bots";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KeyedRateLimiter } from "../src/limits.ts";
import { launchChromium, registerUser, startTestServer, type TestServer } from "./harness.ts";

const PASSWORD = "correct horse battery";
const SCREENSHOT = path.resolve("docs/screenshots/start-page.png");

/** The start page (/) in real Chromium against a real server: sign-in, the room list, a new room, the way into clients. */
describe("the start page", () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];
  const rooms: MeshRoom[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    server.services.limits.roomCreates = new KeyedRateLimiter(1000, 1000);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    page.on("pageerror", (error) => errors.push(error.message));
  });
  afterAll(async () => {
    for (const room of rooms) await room.leave().catch(() => {});
    await browser?.close();
    await server?.stop();
  });

  async function fillAuth(p: Page, name: string, password: string, mode: "Sign in" | "Create account"): Promise<void> {
    await p.getByRole("tab", { name: mode }).click();
    await p.getByLabel("Name", { exact: true }).fill(name);
    await p.getByLabel("Password").fill(password);
    await p.locator("#auth-form").getByRole("button", { name: mode }).click();
  }

  it("registers the first account through the page, which becomes owner; signs out and in again", async () => {
    await page.goto(server.url);
    await page.getByRole("tab", { name: "Create account" }).click();
    expect(await page.locator("#auth-hint").textContent()).toContain("first account on a new mesh becomes its owner");
    await fillAuth(page, "ada", PASSWORD, "Create account");
    await page.locator("#whoami").waitFor();
    expect(await page.locator("#whoami .me-name").textContent()).toBe("ada");
    expect(await page.locator("#whoami .role").textContent()).toBe("owner");
    // Not remembered: the token is this tab's only.
    expect(await page.evaluate(() => [sessionStorage.getItem("mesh.token") !== null, localStorage.getItem("mesh.token")])).toEqual([true, null]);

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.locator("#auth-notice").waitFor();
    expect(await page.locator("#auth-notice").textContent()).toBe("You have signed out.");
    expect(await page.evaluate(() => sessionStorage.getItem("mesh.token"))).toBeNull();

    await page.getByLabel("Remember me on this computer").check();
    await fillAuth(page, "ada", PASSWORD, "Sign in");
    await page.locator("#whoami").waitFor();
    expect(await page.locator("#whoami .role").textContent()).toBe("owner");
    expect(await page.evaluate(() => localStorage.getItem("mesh.token") !== null)).toBe(true);
  });

  it("the sign-out revoked the session on the server, not only in the page", async () => {
    const other = await browser.newContext();
    const p = await other.newPage();
    await p.goto(server.url);
    await fillAuth(p, "ada", PASSWORD, "Sign in");
    await p.locator("#whoami").waitFor();
    const token = await p.evaluate(() => sessionStorage.getItem("mesh.token"));
    await p.getByRole("button", { name: "Sign out" }).click();
    await p.locator("#auth-notice").waitFor();
    const res = await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(401);
    await other.close();
  });

  it("a wrong password is said in words, and nobody is signed in", async () => {
    const other = await browser.newContext();
    const p = await other.newPage();
    await p.goto(server.url);
    await fillAuth(p, "ada", "not the password", "Sign in");
    await p.locator("#auth-error").filter({ hasText: /\w/ }).waitFor();
    expect(await p.locator("#auth-error").textContent()).toBe("You are not signed in: Wrong username or password.");
    expect(await p.locator("#whoami").count()).toBe(0);
    expect(await p.evaluate(() => sessionStorage.getItem("mesh.token"))).toBeNull();
    await other.close();
  });

  it("lists a room with how many are online, refreshing while the page is open", async () => {
    const lobby = page.locator('li.room[data-room="lobby"]');
    await lobby.waitFor();
    await expect.poll(() => lobby.locator(".stat.online").textContent(), { timeout: 10_000 }).toBe("0 online");
    const bob = await registerUser(server.url, "bob");
    rooms.push(await bob.client.join("lobby"));
    await expect.poll(() => lobby.locator(".stat.online").textContent(), { timeout: 10_000 }).toBe("1 online");
    // Who is here: bob, a human, in the lobby, connected with the SDK (a join without the `client` option).
    const bobRow = page.locator(".person", { hasText: "bob" });
    await expect.poll(() => bobRow.textContent(), { timeout: 10_000 }).toContain("in lobby · via sdk");
    expect(await bobRow.locator(".badge").textContent()).toBe("human");
  });

  it("shows unread messages and mentions, and keeps the focus through refreshes", async () => {
    await rooms[0].sendAndWait("hello @ada, the build is green");
    await rooms[0].sendAndWait("second note");
    const lobby = page.locator('li.room[data-room="lobby"]');
    await expect.poll(() => lobby.locator(".stat.unread").textContent(), { timeout: 10_000 }).toBe("2 unread");
    expect(await lobby.locator(".stat.mentions").textContent()).toBe("1 mention");
    const link = lobby.getByRole("link", { name: "Walk in 3D: Lobby" });
    await link.focus();
    await rooms[0].sendAndWait("third note");
    await expect.poll(() => lobby.locator(".stat.unread").textContent(), { timeout: 10_000 }).toBe("3 unread");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe("Walk in 3D: Lobby");
  });

  it("links only the ready clients, each carrying #room=", async () => {
    const lobby = page.locator('li.room[data-room="lobby"]');
    const links = lobby.locator("a.client-link");
    expect(await links.count()).toBe(3);
    expect(await links.evaluateAll((all) => all.map((a) => a.getAttribute("href")))).toEqual(["/3d#room=lobby", "/rts#room=lobby", "/term#room=lobby"]);
    expect(await lobby.locator(".soon-line").count()).toBe(0);
  });

  it("creates a room from the page, with an exit, and refuses a taken id in words", async () => {
    const form = page.locator("#create-room");
    await form.getByLabel("Name").fill("The Workshop");
    expect(await form.getByLabel("Id").inputValue()).toBe("the-workshop");
    await form.getByLabel("Id").fill("workshop");
    await form.getByLabel("Topic").fill("Where the bots get built");
    await form.getByLabel("Exit direction").selectOption("north");
    await form.getByLabel("Exit leads to").selectOption("lobby");
    await form.getByRole("button", { name: "Create room" }).click();
    await page.locator("#create-done").filter({ hasText: "created" }).waitFor();
    const card = page.locator('li.room[data-room="workshop"]');
    await card.waitFor({ timeout: 10_000 });
    expect(await card.locator(".room-name").textContent()).toBe("The Workshop");
    expect(await card.locator(".room-topic").textContent()).toBe("Where the bots get built");
    expect(await card.locator(".room-exits").textContent()).toBe("Exits: north → Lobby");
    expect(await card.locator("a.client-link").first().getAttribute("href")).toBe("/3d#room=workshop");
    const stored = await (await registerUser(server.url)).rest.room("workshop");
    expect(stored.exits).toEqual({ north: "lobby" });

    await form.getByLabel("Id").fill("workshop");
    await form.getByLabel("Name").fill("Again");
    await form.getByRole("button", { name: "Create room" }).click();
    await page.locator("#create-error").filter({ hasText: /\w/ }).waitFor();
    expect(await page.locator("#create-error").textContent()).toMatch(/^Already taken: /);
  });

  it("a spectator (no create_rooms) sees no create form, but sees who is here (view_members)", async () => {
    const spectator = await registerUser(server.url, "watcher");
    const owner = await context.request.fetch(`${server.url}/api/auth/login`, { method: "POST", data: { username: "ada", password: PASSWORD } });
    const ownerToken = ((await owner.json()) as { token: string }).token;
    const set = await fetch(`${server.url}/api/participants/${spectator.participant.id}/role`, {
      method: "PUT",
      headers: { authorization: `Bearer ${ownerToken}`, "content-type": "application/json" },
      body: JSON.stringify({ role: "spectator" }),
    });
    expect(set.status).toBe(200);
    const other = await browser.newContext();
    const p = await other.newPage();
    await p.goto(server.url);
    await fillAuth(p, "watcher", PASSWORD, "Sign in");
    await p.locator('li.room[data-room="lobby"]').waitFor();
    expect(await p.locator("#whoami .role").textContent()).toBe("spectator");
    expect(await p.locator("#create-room").count()).toBe(0);
    expect(await p.locator(".people").count()).toBe(1);
    await other.close();
  });

  it("returns to ?next= after signing in", async () => {
    const other = await browser.newContext();
    const p = await other.newPage();
    await p.goto(`${server.url}/?next=${encodeURIComponent("/status")}`);
    await fillAuth(p, "bob", PASSWORD, "Sign in");
    await p.waitForURL(`${server.url}/status`);
    // A next that leaves the site is ignored: the start page stays.
    await p.goto(`${server.url}/?next=${encodeURIComponent("//evil.example/")}`);
    await p.locator('li.room[data-room="lobby"]').waitFor();
    expect(new URL(p.url()).pathname).toBe("/");
    await other.close();
  });

  it("a session ended elsewhere sends the page back to the sign-in form, saying why", async () => {
    const other = await browser.newContext();
    const p = await other.newPage();
    await p.goto(server.url);
    await fillAuth(p, "bob", PASSWORD, "Sign in");
    await p.locator("#whoami").waitFor();
    const token = await p.evaluate(() => sessionStorage.getItem("mesh.token"));
    await fetch(`${server.url}/api/auth/logout`, { method: "POST", headers: { authorization: `Bearer ${token}` } });
    await p.locator("#auth-notice").waitFor({ timeout: 10_000 });
    expect(await p.locator("#auth-notice").textContent()).toBe("Your session has ended: sign in again.");
    await other.close();
  });

  it("a stored bad token on /3d ends on the start page with the notice, then returns to the room", async () => {
    const other = await browser.newContext();
    const p = await other.newPage();
    await p.goto(`${server.url}/status`);
    await p.evaluate(() => sessionStorage.setItem("mesh.token", "not-a-token"));
    await p.goto(`${server.url}/3d#room=workshop`);
    await p.waitForURL((url) => url.pathname === "/" && url.searchParams.get("next") === "/3d#room=workshop", { timeout: 10_000 });
    await p.locator("#auth-notice").waitFor();
    expect(await p.locator("#auth-notice").textContent()).toMatch(/sign in again/);
    await fillAuth(p, "bob", PASSWORD, "Sign in");
    await p.waitForURL(`${server.url}/3d#room=workshop`, { timeout: 10_000 });
    await other.close();
  });

  it("looks right signed in with rooms (screenshot)", async () => {
    const owner = await registerUser(server.url, "grace");
    for (const [id, name, topic] of [
      ["atrium", "Atrium", "Announcements and the daily stand-up"],
      ["lab", "Research Lab", "Agents running experiments on the simulation"],
    ]) {
      await page.locator("#create-room").getByLabel("Name").fill(name);
      await page.locator("#create-room").getByLabel("Id").fill(id);
      await page.locator("#create-room").getByLabel("Topic").fill(topic);
      await page.locator("#create-room").getByLabel("Exit leads to").selectOption("lobby");
      await page.locator("#create-room").getByLabel("Exit direction").selectOption(id === "lab" ? "east" : "south");
      await page.locator("#create-room").getByRole("button", { name: "Create room" }).click();
      await page.locator(`li.room[data-room="${id}"]`).waitFor({ timeout: 10_000 });
    }
    rooms.push(await owner.client.join("lab"));
    await page.locator('li.room[data-room="lab"] .stat.online:not(.zero)').waitFor({ timeout: 10_000 });
    await page.locator("#create-done").evaluate((e) => {
      e.textContent = "";
    });
    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: false });
    expect(errors).toEqual([]);
  });
});
