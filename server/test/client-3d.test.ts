import fs from "node:fs";
import path from "node:path";
import { connect, type MeshRoom } from "@mesh/bots";
import { entrancePoint } from "@mesh/schema";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GuardedPage, guardedPage, launchChromium, registerBot, registerUser, startTestServer, type TestServer, type TestUser, waitFor } from "./harness.ts";

const SHOTS = path.resolve("docs", "screenshots");
const VIEWPORT = { width: 1280, height: 800 };

/** What the tests read from the page's `window.meshScene`. */
interface Hook {
  ready: boolean;
  mode: "3d" | "2d";
  roomId: string;
  frames: number;
  avatarCount: number;
  selfId: string;
  avatar(id: string): { x: number; z: number; screenX: number; screenY: number; name: string; kind: string } | undefined;
  bubbles(): string[];
  screenOf(x: number, z: number): { x: number; y: number } | undefined;
}
type HookWindow = { meshScene: Hook };

type Opened = GuardedPage;

/**
 * The 3D client in real Chromium against a real server: SDK clients move and talk, the page shows
 * it (hook and pixels), the page's own clicks, keys and chat reach the SDK clients, exits take the
 * page to the next room, and WebGL-less browsers get the 2D view.
 */
describe("the 3D client in a real browser", () => {
  let server: TestServer;
  let browser: Browser;
  let owner: TestUser;

  beforeAll(async () => {
    // dist/web is built by `npm test` (scripts/build-web.ts) before vitest runs.
    server = await startTestServer();
    browser = await launchChromium();
    owner = await registerUser(server.url, "owner");
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function open(user: TestUser, room = "lobby", using = browser, extra = ""): Promise<Opened> {
    const { page, faults } = await guardedPage(using, VIEWPORT);
    await page.goto(`${server.url}/3d#room=${room}&token=${user.token}${extra}`);
    await page.waitForFunction(() => (window as unknown as HookWindow).meshScene?.ready && (window as unknown as HookWindow).meshScene.frames > 2, undefined, {
      timeout: 30_000,
    });
    return { page, faults };
  }

  const hook = <T>(page: Page, fn: (h: Hook) => T): Promise<T> => page.evaluate(`(${fn.toString()})(window.meshScene)`) as Promise<T>;

  async function avatarOf(page: Page, id: string) {
    return page.evaluate((who) => (window as unknown as HookWindow).meshScene.avatar(who), id);
  }

  /** Waits for a predicate on the hook; a function, not a string: the page's CSP forbids eval (and the test would say so). */
  async function waitInPage<A>(page: Page, what: string, predicate: (arg: A) => boolean, arg: A, timeout = 20_000): Promise<void> {
    try {
      await page.waitForFunction(predicate as (arg: unknown) => boolean, arg as unknown, { timeout });
    } catch (error) {
      const state = await page.evaluate(() => {
        const h = (window as unknown as HookWindow).meshScene;
        return JSON.stringify({ ready: h.ready, mode: h.mode, roomId: h.roomId, frames: h.frames, avatars: h.avatarCount, bubbles: h.bubbles().length });
      });
      throw new Error(`timed out waiting for ${what} (${state}): ${error instanceof Error ? error.message.slice(0, 300) : String(error)}`);
    }
  }

  it("draws an SDK client moving: the hook follows it and the canvas pixels change", async () => {
    const viewer = await registerUser(server.url, "viewer");
    const mover = await registerUser(server.url, "mover");
    const moverRoom = await mover.client.join("lobby");
    const { page, faults } = await open(viewer);
    expect(await hook(page, (h) => h.mode)).toBe("3d");
    await waitInPage(page, "the mover's avatar", (id) => !!(window as unknown as HookWindow).meshScene.avatar(id), mover.participant.id);
    const before = await avatarOf(page, mover.participant.id);
    if (!before) throw new Error("no avatar");
    const clip = { x: 0, y: 60, width: 900, height: 700 };
    const shotBefore = await page.screenshot({ clip });
    const targetX = before.x > 32 ? before.x - 10 : before.x + 10;
    moverRoom.moveTo(targetX, before.z);
    await waitInPage(page, "the avatar to walk", ([id, x]) => Math.abs(((window as unknown as HookWindow).meshScene.avatar(id)?.x ?? -99) - x) < 0.5, [mover.participant.id, targetX] as const);
    const after = await avatarOf(page, mover.participant.id);
    expect(Math.abs((after?.x ?? 0) - before.x)).toBeGreaterThan(9);
    const shotAfter = await page.screenshot({ clip });
    expect(shotAfter.equals(shotBefore)).toBe(false);
    expect(faults).toEqual([]);
    await moverRoom.leave();
    await page.close();
  }, 90_000);

  it("walks where the floor is clicked", async () => {
    const clicker = await registerUser(server.url, "clicker");
    const watcher = await registerUser(server.url, "watcher");
    const watcherRoom = await watcher.client.join("lobby");
    const { page, faults } = await open(clicker);
    const me = clicker.participant.id;
    await waitInPage(page, "my avatar", (id) => !!(window as unknown as HookWindow).meshScene.avatar(id), me);
    const start = await avatarOf(page, me);
    if (!start) throw new Error("no avatar");
    const goal = { x: start.x > 32 ? start.x - 5 : start.x + 5, z: start.z > 32 ? start.z - 4 : start.z + 4 };
    const point = await page.evaluate((g) => (window as unknown as HookWindow).meshScene.screenOf(g.x, g.z), goal);
    if (!point) throw new Error("the goal is off screen");
    await page.mouse.click(point.x, point.y);
    const seen = await waitFor(
      "the watcher to see the clicker arrive at the clicked point",
      () => {
        const p = watcherRoom.participant(me);
        return p && Math.hypot(p.x - goal.x, p.z - goal.z) < 0.8 && p;
      },
      15_000,
    );
    expect(Math.hypot(seen.x - start.x, seen.z - start.z)).toBeGreaterThan(4);
    expect(faults).toEqual([]);
    await watcherRoom.leave();
    await page.close();
  }, 90_000);

  it("switches to the 2D view and back by its button, and clicks still walk on the new canvas", async () => {
    const switcher = await registerUser(server.url, "switcher");
    const watcher = await registerUser(server.url, "switch-watcher");
    const watcherRoom = await watcher.client.join("lobby");
    const { page, faults } = await open(switcher);
    const me = switcher.participant.id;
    await waitInPage(page, "my avatar", (id) => !!(window as unknown as HookWindow).meshScene.avatar(id), me);
    await page.getByRole("button", { name: "2D view" }).click();
    await waitInPage(page, "the 2D view", () => (window as unknown as HookWindow).meshScene.mode === "2d", null);
    expect(page.url()).toContain("view=2d");
    await page.getByRole("button", { name: "3D view" }).click();
    await waitInPage(page, "the 3D view again", () => (window as unknown as HookWindow).meshScene.mode === "3d", null);
    expect(await page.locator("canvas").count()).toBe(1);
    const start = await avatarOf(page, me);
    if (!start) throw new Error("no avatar");
    const goal = { x: start.x > 32 ? start.x - 4 : start.x + 4, z: start.z };
    const point = await page.evaluate((g) => (window as unknown as HookWindow).meshScene.screenOf(g.x, g.z), goal);
    if (!point) throw new Error("the goal is off screen");
    await page.mouse.click(point.x, point.y);
    await waitFor(
      "the watcher to see the switcher walk to the clicked point",
      () => {
        const p = watcherRoom.participant(me);
        return p && Math.hypot(p.x - goal.x, p.z - goal.z) < 0.8;
      },
      15_000,
    );
    expect(faults).toEqual([]);
    await watcherRoom.leave();
    await page.close();
  }, 90_000);

  it("tells bots from people (a bot's tag says whose it is on keyboard focus) and shows who is typing", async () => {
    await owner.rest.request("POST", "/api/rooms", { id: "tags", name: "Tags" });
    const keeper = await registerUser(server.url, "keeper");
    const bot = await registerBot(server.url, keeper.token, { name: "helper-bot" });
    const botRoom = await connect({ url: server.url, token: bot.token }).join("tags");
    const typist = await registerUser(server.url, "typist");
    const typistRoom = await typist.client.join("tags");
    const { page, faults } = await open(keeper, "tags", browser, "&view=2d");
    await waitInPage(page, "the bot, the typist and me", (n) => (window as unknown as HookWindow).meshScene.avatarCount >= n, 3);
    expect((await avatarOf(page, bot.id))?.kind).toBe("bot");
    expect((await avatarOf(page, typist.participant.id))?.kind).toBe("human");
    const botTag = page.locator(".m3-tag", { hasText: "helper-bot" });
    expect(await botTag.getAttribute("data-kind")).toBe("bot");
    const whose = botTag.locator(".m3-owner");
    expect(await whose.isVisible()).toBe(false);
    await botTag.focus();
    await expect.poll(() => whose.textContent(), { timeout: 10_000 }).toBe("bot of keeper");
    expect(await whose.isVisible()).toBe(true);
    const typistTag = page.locator(".m3-tag", { hasText: "typist" });
    typistRoom.typing(true);
    await typistTag.locator(".m3-typing").waitFor({ timeout: 10_000 });
    typistRoom.typing(false);
    await typistTag.locator(".m3-typing").waitFor({ state: "detached", timeout: 10_000 });
    expect(faults).toEqual([]);
    await botRoom.leave();
    await typistRoom.leave();
    await page.close();
  }, 90_000);

  it("sends what is typed in the chat panel and shows what others say as a bubble", async () => {
    const talker = await registerUser(server.url, "talker");
    const listener = await registerUser(server.url, "listener");
    const listenerRoom = await listener.client.join("lobby");
    const heard: string[] = [];
    listenerRoom.onMessage((m) => heard.push(m.text));
    const { page, faults } = await open(talker);
    const composer = page.locator(".mesh-chat textarea");
    await composer.waitFor({ timeout: 10_000 });
    await composer.fill("hello from the grid");
    await composer.press("Enter");
    await waitFor("the SDK client to hear the page", () => heard.includes("hello from the grid"), 10_000);
    await listenerRoom.sendAndWait("welcome, talker");
    await waitInPage(page, "the bubble", (text) => (window as unknown as HookWindow).meshScene.bubbles().includes(text), "welcome, talker");
    const bubble = page.locator(".m3-bubble", { hasText: "welcome, talker" });
    await bubble.waitFor({ state: "visible", timeout: 5000 });
    expect(faults).toEqual([]);
    await listenerRoom.leave();
    await page.close();
  }, 90_000);

  it("walks through the north exit into the hall, arriving at its south doorway", async () => {
    await owner.rest.request("POST", "/api/rooms", { id: "hall", name: "The Hall", exits: { south: "lobby" } });
    await owner.rest.request("PATCH", "/api/rooms/lobby", { exits: { north: "hall" } });
    const walker = await registerUser(server.url, "walker");
    const greeter = await registerUser(server.url, "greeter");
    const hallRoom = await greeter.client.join("hall");
    const { page, faults } = await open(walker);
    const me = walker.participant.id;
    await waitInPage(page, "my avatar", (id) => !!(window as unknown as HookWindow).meshScene.avatar(id), me);
    // The north doorway's label names the hall.
    await page.locator(".m3-exit", { hasText: "The Hall" }).waitFor({ timeout: 10_000 });
    // Click the floor a few units toward the doorway at (32, 64), again and again, as a person would.
    const deadline = Date.now() + 40_000;
    while (Date.now() < deadline && (await hook(page, (h) => h.roomId)) === "lobby") {
      const self = await avatarOf(page, me);
      if (self) {
        const dx = 32 - self.x;
        const dz = 64 - self.z;
        const d = Math.hypot(dx, dz);
        const step = Math.min(d + 1, 6);
        const goal = { x: self.x + (dx / d) * step, z: Math.min(64, self.z + (dz / d) * step) };
        const point = await page.evaluate((g) => (window as unknown as HookWindow).meshScene.screenOf(g.x, g.z), goal);
        if (point) await page.mouse.click(point.x, point.y);
      }
      await page.waitForTimeout(900);
    }
    expect(await hook(page, (h) => h.roomId)).toBe("hall");
    const door = entrancePoint("south", 64, 64);
    const arrived = await waitFor("the greeter to see the walker in the hall", () => hallRoom.participant(me), 10_000);
    expect(Math.hypot(arrived.x - door.x, arrived.z - door.z)).toBeLessThan(2.5);
    await waitInPage(page, "the hall's scene with the greeter", (id) => !!(window as unknown as HookWindow).meshScene.avatar(id), greeter.participant.id);
    expect(faults).toEqual([]);
    await hallRoom.leave();
    await page.close();
    await owner.rest.request("PATCH", "/api/rooms/lobby", { exits: {} });
  }, 120_000);

  it("falls back to the 2D view without WebGL: movement shows and clicks walk", async () => {
    const flatBrowser = await launchChromium(["--disable-3d-apis"]);
    try {
      const flat = await registerUser(server.url, "flat");
      const mover = await registerUser(server.url, "flatmover");
      const moverRoom = await mover.client.join("lobby");
      const { page, faults } = await open(flat, "lobby", flatBrowser);
      expect(await hook(page, (h) => h.mode)).toBe("2d");
      await waitInPage(page, "the mover", (who) => !!(window as unknown as HookWindow).meshScene.avatar(who), mover.participant.id);
      const before = await avatarOf(page, mover.participant.id);
      if (!before) throw new Error("no avatar");
      const targetX = before.x > 32 ? before.x - 8 : before.x + 8;
      moverRoom.moveTo(targetX, before.z);
      await waitInPage(page, "the mover to walk", ([who, x]) => Math.abs(((window as unknown as HookWindow).meshScene.avatar(who)?.x ?? -99) - x) < 0.5, [mover.participant.id, targetX] as const);
      const me = flat.participant.id;
      const start = await avatarOf(page, me);
      if (!start) throw new Error("no avatar of mine");
      const goal = { x: start.x > 32 ? start.x - 6 : start.x + 6, z: start.z > 32 ? start.z - 6 : start.z + 6 };
      const point = await page.evaluate((g) => (window as unknown as HookWindow).meshScene.screenOf(g.x, g.z), goal);
      if (!point) throw new Error("the goal is off screen");
      await page.mouse.click(point.x, point.y);
      await waitFor(
        "the click to walk me in the 2D view",
        () => {
          const p = moverRoom.participant(me);
          return p && Math.hypot(p.x - goal.x, p.z - goal.z) < 0.8;
        },
        15_000,
      );
      await moverRoom.sendAndWait("seen from above");
      await waitInPage(page, "a bubble in 2D", (text) => (window as unknown as HookWindow).meshScene.bubbles().includes(text), "seen from above");
      fs.mkdirSync(SHOTS, { recursive: true });
      await page.waitForTimeout(300);
      await page.screenshot({ path: path.join(SHOTS, "2d-fallback.png") });
      expect(faults).toEqual([]);
      await moverRoom.leave();
    } finally {
      await flatBrowser.close();
    }
  }, 90_000);

  it("shows hostile text as text: 8,000 characters, markup and direction overrides change nothing else", async () => {
    const reader = await registerUser(server.url, "reader");
    const shouter = await registerUser(server.url, "shouter");
    const tricker = await registerUser(server.url, "tricker");
    const shouterRoom = await shouter.client.join("lobby");
    const trickerRoom = await tricker.client.join("lobby");
    const { page, faults } = await open(reader);
    const sideWidth = async () => page.evaluate(() => document.querySelector(".m3-side")?.getBoundingClientRect().width ?? -1);
    const stageWidth = async () => page.evaluate(() => document.querySelector(".m3-stage")?.getBoundingClientRect().width ?? -1);
    const widths = [await sideWidth(), await stageWidth()];
    expect(widths[0]).toBeGreaterThan(200);
    const long = `${"W".repeat(7990)} the end`;
    const markup = "<img src=x onerror=alert(1)> \u202Egnp.exe <b>bold</b>";
    await shouterRoom.sendAndWait(long);
    await trickerRoom.sendAndWait(markup);
    await waitInPage(page, "both bubbles", (n) => (window as unknown as HookWindow).meshScene.bubbles().length >= n, 2);
    const texts = await hook(page, (h) => h.bubbles());
    expect(texts).toContain(long);
    expect(texts).toContain(markup);
    const shown = await page.evaluate(() => Array.from(document.querySelectorAll(".m3-bubble p")).map((p) => p.textContent));
    expect(shown).toContain(long);
    expect(shown).toContain(markup);
    expect(await page.evaluate(() => document.querySelectorAll("img, b").length)).toBe(0);
    // A bubble is clamped to a few lines, however long the message.
    const tallest = await page.evaluate(() => Math.max(...Array.from(document.querySelectorAll(".m3-bubble")).map((b) => b.getBoundingClientRect().height)));
    expect(tallest).toBeLessThan(140);
    await page.waitForTimeout(500);
    expect([await sideWidth(), await stageWidth()]).toEqual(widths);
    expect(faults).toEqual([]);
    await shouterRoom.leave();
    await trickerRoom.leave();
    await page.close();
  }, 90_000);

  it("shows an unknown room as a sentence with a way back", async () => {
    const lost = await registerUser(server.url, "lost");
    const page = await browser.newPage({ viewport: VIEWPORT });
    await page.goto(`${server.url}/3d#room=nowhere&token=${lost.token}`);
    await page.getByText("There is no room 'nowhere'").waitFor({ timeout: 15_000 });
    expect(await page.locator("a[href='/']").count()).toBeGreaterThan(0);
    await page.close();
  });

  it("takes screenshots of a lively room", async () => {
    // A room of its own (the lobby still holds the dropped seats of earlier tests), with two doorways to label.
    await owner.rest.request("POST", "/api/rooms", { id: "garden", name: "Roof Garden" });
    await owner.rest.request("POST", "/api/rooms", { id: "commons", name: "The Commons", topic: "Where the crew meets", exits: { north: "garden", east: "lobby" } });
    const me = await registerUser(server.url, "ada");
    const names = ["grace", "linus", "margaret"];
    const rooms: MeshRoom[] = [];
    for (const name of names) rooms.push(await (await registerUser(server.url, name)).client.join("commons"));
    const bot = await registerBot(server.url, me.token, { name: "scout" });
    rooms.push(await connect({ url: server.url, token: bot.token }).join("commons"));
    const spots = [
      [26, 36],
      [37, 38],
      [30, 42],
      [35, 31],
    ];
    for (const [i, room] of rooms.entries()) room.moveTo(spots[i][0], spots[i][1]);
    const { page, faults } = await open(me, "commons");
    await waitInPage(page, "everyone", (n) => (window as unknown as HookWindow).meshScene.avatarCount >= n, 5);
    const point = await page.evaluate(() => (window as unknown as HookWindow).meshScene.screenOf(31, 33));
    if (point) await page.mouse.click(point.x, point.y);
    await rooms[0].sendAndWait("Welcome to the grid. The hall is through the north door.");
    await rooms[3].sendAndWait("Scout reporting: three new messages in #ops.");
    await rooms[1].sendAndWait("Anyone seen the build logs?");
    await waitInPage(page, "bubbles", (n) => (window as unknown as HookWindow).meshScene.bubbles().length >= n, 3);
    await page.waitForTimeout(2500);
    await rooms[2].sendAndWait("On it — sending them now.");
    await page.waitForTimeout(350);
    fs.mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, "3d-view.png") });
    expect(faults).toEqual([]);
    for (const room of rooms) await room.leave();
    await page.close();
  }, 90_000);
});
