import fs from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, registerBot, registerUser, restCall, startTestServer, type TestServer, type TestUser } from "./harness.ts";

const SHOTS = path.resolve("docs", "screenshots");
const VIEWPORT = { width: 1100, height: 720 };

/** What the test reads from /3d's `window.meshScene`. */
interface SceneHook {
  ready: boolean;
  frames: number;
  avatar(id: string): { x: number; z: number; screenX: number; screenY: number; name: string; kind: string } | undefined;
  bubbles(): string[];
  screenOf(x: number, z: number): { x: number; y: number } | undefined;
}
/** What the test reads from /rts's `window.meshRts`. */
interface RtsHook {
  ready: boolean;
  frames: number;
  unit(id: string): { id: string; x: number; z: number; screenX: number; screenY: number; mine: boolean; selected: boolean; order?: { kind: string; status: string } } | undefined;
  selected(): string[];
  screenOf(x: number, z: number): { x: number; y: number } | undefined;
}
/** What the test reads from /term's `window.meshTerm`. */
interface TermHook {
  ready: boolean;
  lines(): string[];
}
type Hooks = { meshScene: SceneHook; meshRts: RtsHook; meshTerm: TermHook };

interface Opened {
  page: Page;
  /** Uncaught errors, CSP violations and dialogs: none may happen. */
  faults: string[];
}

/** Polls a predicate in the page; a function, never a string (the pages' CSP forbids eval). */
async function waitInPage<A>(page: Page, what: string, predicate: (arg: A) => boolean, arg: A, timeout = 20_000): Promise<void> {
  try {
    await page.waitForFunction(predicate as (arg: unknown) => boolean, arg as unknown, { timeout });
  } catch (error) {
    throw new Error(`timed out waiting for ${what} in ${page.url().split("#")[0]}: ${error instanceof Error ? error.message.slice(0, 300) : String(error)}`);
  }
}

/**
 * One world, three clients at once (issue 11's second check): a person in /3d, a commander in /rts
 * and a person in /term, in one room with the commander's orderly bot. What one does, the others
 * see within a few ticks: walking in 3D moves the unit in RTS and changes `look`; an RTS order
 * walks the bot in 3D; `say` in the terminal is a bubble in 3D and a line in the RTS chat log.
 */
describe("one world in three clients", () => {
  let server: TestServer;
  let browser: Browser;
  let walker: TestUser;
  let commander: TestUser;
  let typist: TestUser;
  let botId: string;
  let three: Opened;
  let rts: Opened;
  let term: Opened;

  async function open(user: TestUser, route: "/3d" | "/rts" | "/term"): Promise<Opened> {
    // A context each: three people, three sets of stored sign-ins.
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    const faults: string[] = [];
    page.on("pageerror", (error) => faults.push(`${route} pageerror: ${error.message}`));
    page.on("console", (message) => {
      if (message.text().includes("Content Security Policy")) faults.push(`${route} csp: ${message.text()}`);
    });
    page.on("dialog", (dialog) => {
      faults.push(`${route} dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    await page.goto(`${server.url}${route}#room=lobby&token=${user.token}`);
    if (route === "/3d") await waitInPage(page, "the 3D view", () => (window as unknown as Hooks).meshScene?.ready === true && (window as unknown as Hooks).meshScene.frames > 2, null, 30_000);
    if (route === "/rts") await waitInPage(page, "the RTS view", () => (window as unknown as Hooks).meshRts?.ready === true && (window as unknown as Hooks).meshRts.frames > 2, null, 30_000);
    if (route === "/term") await waitInPage(page, "the terminal", () => (window as unknown as Hooks).meshTerm?.ready === true, null, 30_000);
    return { page, faults };
  }

  beforeAll(async () => {
    // dist/web is built by `npm test` (scripts/build-web.ts) before vitest runs.
    server = await startTestServer();
    browser = await launchChromium();
    commander = await registerUser(server.url, "commander");
    walker = await registerUser(server.url, "walker");
    typist = await registerUser(server.url, "typist");
    const bot = await registerBot(server.url, commander.token, { name: "orderly", program: "orderly" });
    botId = bot.id;
    const started = await restCall(server.url, commander.token, "POST", `/api/bots/${botId}/start`);
    if (started.status !== 200) throw new Error(`the bot did not start: ${started.status} ${JSON.stringify(started.body)}`);
    term = await open(typist, "/term");
    three = await open(walker, "/3d");
    rts = await open(commander, "/rts");
    // Everyone is in everyone's view before anything happens.
    await waitInPage(rts.page, "the bot and the walker in RTS", (ids) => ids.every((id) => !!(window as unknown as Hooks).meshRts.unit(id)), [botId, walker.participant.id], 30_000);
    await waitInPage(three.page, "the bot and the typist in 3D", (ids) => ids.every((id) => !!(window as unknown as Hooks).meshScene.avatar(id)), [botId, typist.participant.id], 30_000);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const termLines = (): Promise<string[]> => term.page.evaluate(() => (window as unknown as Hooks).meshTerm.lines());

  /** Types `look` in the terminal and returns the walker's line from its answer. */
  async function lookAtWalker(): Promise<string> {
    const from = (await termLines()).length;
    await term.page.keyboard.type("look");
    await term.page.keyboard.press("Enter");
    await waitInPage(term.page, "look to describe the walker", ([n, name]) => (window as unknown as Hooks).meshTerm.lines().slice(n).some((l) => l.trim().startsWith(`${name} `)), [from, "walker"] as const).catch(async (error) => {
      throw new Error(`${error instanceof Error ? error.message : String(error)}\nthe terminal ends with:\n${(await termLines()).slice(-12).join("\n")}`);
    });
    return ((await termLines()).slice(from).find((l) => l.trim().startsWith("walker ")) ?? "").trim();
  }

  /** Clicks the 3D floor toward `goal` a few steps at a time (the camera follows), as a person would, until the walker is there. */
  async function walkIn3d(goal: { x: number; z: number }): Promise<void> {
    const me = walker.participant.id;
    for (let i = 0; i < 16; i++) {
      const self = await three.page.evaluate((id) => (window as unknown as Hooks).meshScene.avatar(id), me);
      if (!self) throw new Error("no avatar of mine in 3D");
      const d = Math.hypot(goal.x - self.x, goal.z - self.z);
      if (d < 0.8) return;
      const step = Math.min(d, 8);
      const next = { x: self.x + ((goal.x - self.x) / d) * step, z: self.z + ((goal.z - self.z) / d) * step };
      const point = await three.page.evaluate((g) => (window as unknown as Hooks).meshScene.screenOf(g.x, g.z), next);
      if (!point) throw new Error(`(${next.x}, ${next.z}) is off the 3D screen`);
      await three.page.mouse.click(point.x, point.y);
      // A click can land on a name tag or a bubble over the floor (a person would click again):
      // one that has not taken is simply followed by the next click from wherever the walker is.
      await waitInPage(
        three.page,
        "the walker to reach the clicked point",
        ([id, x, z]) => {
          const a = (window as unknown as Hooks).meshScene.avatar(id);
          return !!a && Math.hypot(a.x - x, a.z - z) < 0.8;
        },
        [me, next.x, next.z] as const,
        10_000,
      ).catch(() => undefined);
    }
    throw new Error(`the walker did not get to (${goal.x}, ${goal.z}) in 16 clicks`);
  }

  it("walking in 3D moves the unit in RTS and changes what look says", async () => {
    const me = walker.participant.id;
    const before = await lookAtWalker();
    expect(before).not.toContain("east wall");
    const goal = { x: 54, z: 32 };
    await walkIn3d(goal);
    // The RTS view shows the walker's unit there …
    await waitInPage(
      rts.page,
      "the walker's unit by the east wall",
      ([id, x, z]) => {
        const u = (window as unknown as Hooks).meshRts.unit(id);
        return !!u && Math.hypot(u.x - x, u.z - z) < 1;
      },
      [me, goal.x, goal.z] as const,
    );
    // … and the terminal's look says where the walker went.
    const after = await lookAtWalker();
    expect(after).not.toBe(before);
    expect(after).toContain("east wall");
  }, 120_000);

  it("an order from RTS walks the bot in the 3D view", async () => {
    const { page } = rts;
    const unit = await page.evaluate((id) => (window as unknown as Hooks).meshRts.unit(id), botId);
    if (!unit) throw new Error("no unit for the bot");
    expect(unit.mine).toBe(true);
    // Select it with a click, then right-click a floor point to the west.
    await page.mouse.click(unit.screenX, unit.screenY);
    await waitInPage(page, "the bot selected", (id) => (window as unknown as Hooks).meshRts.selected().join() === id, botId);
    const goal = { x: 18, z: 30 };
    const point = await page.evaluate((g) => (window as unknown as Hooks).meshRts.screenOf(g.x, g.z), goal);
    if (!point) throw new Error("the goal is off the RTS screen");
    const start3d = await three.page.evaluate((id) => (window as unknown as Hooks).meshScene.avatar(id), botId);
    if (!start3d) throw new Error("no avatar for the bot in 3D");
    await page.mouse.click(point.x, point.y, { button: "right" });
    // Within a few ticks the 3D view shows it walking: it leaves where it stood …
    await waitInPage(
      three.page,
      "the bot to start walking in 3D",
      ([id, x, z]) => {
        const a = (window as unknown as Hooks).meshScene.avatar(id);
        return !!a && Math.hypot(a.x - x, a.z - z) > 1;
      },
      [botId, start3d.x, start3d.z] as const,
    );
    // … and arrives where the commander pointed (walking takes longer than a few ticks: 4 units a second).
    await waitInPage(
      three.page,
      "the bot to arrive in 3D",
      ([id, x, z]) => {
        const a = (window as unknown as Hooks).meshScene.avatar(id);
        return !!a && Math.hypot(a.x - x, a.z - z) < 0.5;
      },
      [botId, goal.x, goal.z] as const,
      20_000,
    );
    await waitInPage(page, "the order done in RTS", (id) => (window as unknown as Hooks).meshRts.unit(id)?.order?.status === "done", botId);
  }, 90_000);

  it("say in the terminal is a bubble in 3D and a line in the RTS chat log, and all three are shown side by side", async () => {
    // The walker comes back toward the middle first, so the 3D camera has the typist and the bot in view.
    await walkIn3d({ x: 38, z: 22 });
    const text = "hello from the terminal, one world";
    await term.page.keyboard.type(`say ${text}`);
    await term.page.keyboard.press("Enter");
    await waitInPage(three.page, "the bubble in 3D", (t) => (window as unknown as Hooks).meshScene.bubbles().includes(t), text);
    const log = rts.page.getByRole("log");
    await log.getByText(text).waitFor({ timeout: 20_000 });

    // An order in flight for the picture: the bot walks back east while the bubble shows.
    const unit = await rts.page.evaluate((id) => (window as unknown as Hooks).meshRts.unit(id), botId);
    const point = await rts.page.evaluate((g) => (window as unknown as Hooks).meshRts.screenOf(g.x, g.z), { x: 40, z: 38 });
    if (unit && point) {
      if (!unit.selected) await rts.page.mouse.click(unit.screenX, unit.screenY);
      await rts.page.mouse.click(point.x, point.y, { button: "right" });
      await rts.page.waitForTimeout(1200);
    }
    const shots = await Promise.all([three.page.screenshot(), rts.page.screenshot(), term.page.screenshot()]);
    const urls = shots.map((png) => `data:image/png;base64,${png.toString("base64")}`);
    // Stitched in a page of the test's own (not served by the mesh, so no CSP of ours applies to data: images).
    const width = 3 * 640 + 4 * 12;
    const board = await browser.newPage({ viewport: { width, height: 460 } });
    const labels = ["/3d — walking", "/rts — commanding", "/term — typing"];
    await board.setContent(
      `<!doctype html><body style="margin:0;background:#0b0f17;color:#cdd6e4;font:15px system-ui,sans-serif;display:flex;gap:12px;padding:12px">${urls
        .map((u, i) => `<figure style="margin:0;width:640px"><img src="${u}" style="width:640px;display:block;border:1px solid #2a3446"><figcaption style="padding-top:6px">${labels[i]}</figcaption></figure>`)
        .join("")}</body>`,
    );
    await board.waitForFunction(() => Array.from(document.images).every((img) => img.complete && img.naturalWidth > 0));
    fs.mkdirSync(SHOTS, { recursive: true });
    await board.screenshot({ path: path.join(SHOTS, "one-world.png"), fullPage: true });
    await board.close();
    expect([...three.faults, ...rts.faults, ...term.faults]).toEqual([]);
  }, 90_000);
});
