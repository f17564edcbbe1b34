import fs from "node:fs";
import path from "node:path";
import { connect, type MeshRoom } from "@mesh/bots";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GuardedPage, guardedPage, launchChromium, registerBot, registerUser, startTestServer, type TestServer, type TestUser, waitFor } from "./harness.ts";

const SHOTS = path.resolve("docs", "screenshots");
const VIEWPORT = { width: 1280, height: 800 };

/** One unit as the page's `window.meshRts` reports it. */
interface Unit {
  id: string;
  name: string;
  kind: "human" | "bot";
  x: number;
  z: number;
  screenX: number;
  screenY: number;
  mine: boolean;
  selected: boolean;
  order?: { kind: string; status: string; x: number; z: number; targetId: string; note: string };
}
/** What the tests read from the page's `window.meshRts`. */
interface Hook {
  ready: boolean;
  roomId: string;
  selfId: string;
  frames: number;
  unitCount: number;
  unit(id: string): Unit | undefined;
  units(): Unit[];
  selected(): string[];
  screenOf(x: number, z: number): { x: number; y: number } | undefined;
}
type HookWindow = { meshRts: Hook; rtsStatuses?: string[] };

type Opened = GuardedPage;

/**
 * The RTS command view in real Chromium against a real server: the commander starts the orderly
 * reference bot from the page, selects it with a drag, orders it with a right-click, and the bot
 * (a real child process under the bot controller) walks there, seen by the page's hook, its pixels
 * and an SDK client in the room; others' bots stay out of a selection; control groups, Stop and Say.
 */
describe("the RTS command view in a real browser", () => {
  let server: TestServer;
  let browser: Browser;
  let commander: TestUser;
  let watcher: TestUser;
  let watcherRoom: MeshRoom;
  let rival: TestUser;
  let rivalBotRoom: MeshRoom;
  let rivalBotId: string;
  let opened: Opened;
  /** The orderly bot the commander starts from the page (test 1); later tests command it. */
  let botId = "";

  beforeAll(async () => {
    // dist/web is built by `npm test` (scripts/build-web.ts) before vitest runs.
    server = await startTestServer();
    browser = await launchChromium();
    // The first account is the mesh's owner.
    commander = await registerUser(server.url, "commander");
    watcher = await registerUser(server.url, "watcher");
    watcherRoom = await watcher.client.join("lobby");
    // Another member's bot, in the same room: inspectable, never selectable by the commander.
    rival = await registerUser(server.url, "rival");
    const rivalBot = await registerBot(server.url, rival.token, { name: "rival-bot" });
    rivalBotId = rivalBot.id;
    rivalBotRoom = await connect({ url: server.url, token: rivalBot.token }).join("lobby");
    // Out of the way of the commander's boxes (the owner may manage every bot, so may select this one too).
    rivalBotRoom.moveTo(50, 12);
    watcherRoom.moveTo(20, 44);
    opened = await open(commander);
  }, 120_000);
  afterAll(async () => {
    await watcherRoom?.leave();
    await rivalBotRoom?.leave();
    await browser?.close();
    await server?.stop();
  });

  async function open(user: TestUser, room = "lobby"): Promise<Opened> {
    const { page, faults } = await guardedPage(browser, VIEWPORT);
    await page.goto(`${server.url}/rts#room=${room}&token=${user.token}`);
    await waitInPage(page, "the RTS view to be ready", () => (window as unknown as HookWindow).meshRts?.ready === true && (window as unknown as HookWindow).meshRts.frames > 2, null, 30_000);
    return { page, faults };
  }

  /** Waits for a predicate in the page; a function, never a string (the page's CSP forbids eval). */
  async function waitInPage<A>(page: Page, what: string, predicate: (arg: A) => boolean, arg: A, timeout = 20_000): Promise<void> {
    try {
      await page.waitForFunction(predicate as (arg: unknown) => boolean, arg as unknown, { timeout });
    } catch (error) {
      const state = await page
        .evaluate(() => {
          const h = (window as unknown as HookWindow).meshRts;
          if (!h) return "no meshRts hook";
          return JSON.stringify({ ready: h.ready, roomId: h.roomId, frames: h.frames, units: h.units().map((u) => ({ name: u.name, x: u.x, z: u.z, sel: u.selected, order: u.order })), selected: h.selected() });
        })
        .catch((e) => String(e));
      throw new Error(`timed out waiting for ${what} (${state}): ${error instanceof Error ? error.message.slice(0, 300) : String(error)}`);
    }
  }

  const unitOf = (page: Page, id: string): Promise<Unit | undefined> => page.evaluate((who) => (window as unknown as HookWindow).meshRts.unit(who), id);
  const selectedIn = (page: Page): Promise<string[]> => page.evaluate(() => (window as unknown as HookWindow).meshRts.selected());
  const screenOf = async (page: Page, x: number, z: number) => {
    const point = await page.evaluate(([px, pz]) => (window as unknown as HookWindow).meshRts.screenOf(px, pz), [x, z] as const);
    if (!point) throw new Error(`floor point (${x}, ${z}) is not on screen`);
    return point;
  };

  /** Drags a box on the page from one page point to another (left button), as a person selects. */
  async function drag(page: Page, from: { x: number; y: number }, to: { x: number; y: number }): Promise<void> {
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 4 });
    await page.mouse.move(to.x, to.y, { steps: 4 });
    await page.mouse.up();
  }

  /** A box around a unit's place on the page, `pad` px each side. */
  async function boxAround(page: Page, id: string, pad: number): Promise<void> {
    const unit = await unitOf(page, id);
    if (!unit) throw new Error(`no unit ${id}`);
    await drag(page, { x: unit.screenX - pad, y: unit.screenY - pad }, { x: unit.screenX + pad, y: unit.screenY + pad });
  }

  /** A floor point `distance` from (x, z), toward the room's middle, so it stays inside the walls. */
  const inward = (x: number, z: number, distance: number) => ({ x: x > 32 ? x - distance : x + distance, z: z > 32 ? z - distance / 2 : z + distance / 2 });

  /** The page's unit statuses of one order, recorded every 20 ms from now on (window.rtsStatuses). */
  const recordStatuses = (page: Page, id: string) =>
    page.evaluate((who) => {
      const w = window as unknown as HookWindow;
      const seen: string[] = [];
      w.rtsStatuses = seen;
      const timer = setInterval(() => {
        const status = w.meshRts.unit(who)?.order?.status;
        if (status && seen.at(-1) !== status) seen.push(status);
        if (status === "done" || status === "failed" || seen.length > 20) clearInterval(timer);
      }, 20);
    }, id);

  it("starts the orderly bot from its panel, box-selects it, right-clicks a point: it walks there, active → done, on screen and in state", async () => {
    const { page, faults } = opened;
    // The spawn form beside "Your bots": the orderly reference bot, by name, created and started.
    const spawn = page.getByRole("form", { name: "Spawn a reference bot" });
    await spawn.getByLabel("Program").selectOption("orderly");
    await spawn.getByLabel("Name").fill("orderly-one");
    await spawn.getByRole("button", { name: "Create & start" }).click();
    const panel = page.getByRole("region", { name: "Your bots" });
    // The controller runs it as a child process; it joins the room and shows as a unit of mine.
    await waitInPage(page, "the orderly bot's unit", () => (window as unknown as HookWindow).meshRts.units().some((u) => u.name === "orderly-one" && u.kind === "bot" && u.mine), null, 30_000);
    botId = await page.evaluate(() => (window as unknown as HookWindow).meshRts.units().find((u) => u.name === "orderly-one")?.id ?? "");
    const inState = await waitFor("the watcher to see the bot", () => watcherRoom.participant(botId), 10_000);
    expect(inState.kind).toBe("bot");
    expect(inState.ownerId).toBe(commander.participant.id);
    // The panel lists it as running.
    await panel.getByText("orderly-one").waitFor({ timeout: 10_000 });
    await panel.getByRole("listitem").filter({ hasText: "orderly-one" }).getByText("running", { exact: true }).waitFor({ timeout: 20_000 });

    await waitFor("the rival's bot out of the way", () => Math.hypot((watcherRoom.participant(rivalBotId)?.x ?? 0) - 50, (watcherRoom.participant(rivalBotId)?.z ?? 0) - 12) < 0.5, 15_000);
    // Box-select: a drag on the floor around the bot's unit.
    expect(await selectedIn(page)).toEqual([]);
    await boxAround(page, botId, 40);
    await waitInPage(page, "the bot to be selected", (id) => (window as unknown as HookWindow).meshRts.unit(id)?.selected === true, botId);
    expect(await selectedIn(page)).toEqual([botId]);

    // Right-click a floor point well away from everyone.
    const start = await unitOf(page, botId);
    if (!start) throw new Error("no unit");
    const goal = inward(start.x, start.z, 18);
    const point = await screenOf(page, goal.x, goal.z);
    const clip = { x: Math.max(0, point.x - 40), y: Math.max(0, point.y - 40), width: 80, height: 80 };
    const before = await page.screenshot({ clip });
    const stateStatuses: string[] = [];
    const off = watcherRoom.onChange(() => {
      const status = watcherRoom.participant(botId)?.order?.status;
      if (status && stateStatuses.at(-1) !== status) stateStatuses.push(status);
    });
    await recordStatuses(page, botId);
    await page.mouse.click(point.x, point.y, { button: "right" });

    // In flight: the order is active and the bot is on its way; the screenshot shows the selection and the order.
    await waitInPage(
      page,
      "the bot under way",
      ([id, sx, sz]) => {
        const u = (window as unknown as HookWindow).meshRts.unit(id);
        return !!u && u.order?.kind === "move_to" && u.order.status === "active" && Math.hypot(u.x - sx, u.z - sz) > 3;
      },
      [botId, start.x, start.z] as const,
      15_000,
    );
    fs.mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, "rts-view.png") });

    // Arrival: done, at the point, in the page's hook …
    await waitInPage(
      page,
      "the bot at the point, its order done",
      ([id, gx, gz]) => {
        const u = (window as unknown as HookWindow).meshRts.unit(id);
        return !!u && u.order?.status === "done" && Math.hypot(u.x - gx, u.z - gz) < 0.5;
      },
      [botId, goal.x, goal.z] as const,
      20_000,
    );
    const seenInPage = await page.evaluate(() => (window as unknown as HookWindow).rtsStatuses ?? []);
    // The page showed the order active while the bot walked (the wait above saw it done at the point;
    // a page drawing a frame a second under load may skip reporting the last change in between).
    expect(seenInPage[0]).toBe("active");
    expect(seenInPage.every((s) => s === "active" || s === "done")).toBe(true);
    // … in the pixels around the point (the unit stands there now) …
    await page.waitForTimeout(300);
    const after = await page.screenshot({ clip });
    expect(after.equals(before)).toBe(false);
    // … and in the room's state, as another member's SDK client sees it.
    const seen = await waitFor(
      "the watcher to see the bot arrive, its order done",
      () => {
        const p = watcherRoom.participant(botId);
        return p && p.order?.status === "done" && Math.hypot(p.x - goal.x, p.z - goal.z) < 0.01 && p;
      },
      10_000,
    );
    off();
    expect(seen.order?.kind).toBe("move_to");
    expect(stateStatuses.filter((s) => s === "active" || s === "done")).toEqual(["active", "done"]);
    expect(faults).toEqual([]);
  }, 120_000);

  it("leaves another member's bot out of a box selection and a click", async () => {
    // The rival, a member, in a page of their own: their bot and the commander's stand side by side.
    const mine = await unitOf(opened.page, botId);
    if (!mine) throw new Error("test 1 left no bot");
    const { page, faults } = await open(rival);
    rivalBotRoom.moveTo(mine.x + 2, mine.z);
    await waitInPage(
      page,
      "the rival's bot beside the commander's",
      ([id, x, z]) => {
        const u = (window as unknown as HookWindow).meshRts.unit(id);
        return !!u && Math.hypot(u.x - x, u.z - z) < 0.3;
      },
      [rivalBotId, mine.x + 2, mine.z] as const,
    );
    const theirs = await unitOf(page, botId);
    expect(theirs?.kind).toBe("bot");
    expect(theirs?.mine).toBe(false);
    expect((await unitOf(page, rivalBotId))?.mine).toBe(true);
    // One box around both: only the rival's own bot is selected.
    const a = await screenOf(page, mine.x - 2, mine.z - 2);
    const b = await screenOf(page, mine.x + 4, mine.z + 2);
    await drag(page, { x: Math.min(a.x, b.x), y: Math.min(a.y, b.y) }, { x: Math.max(a.x, b.x), y: Math.max(a.y, b.y) });
    await waitInPage(page, "the rival's own bot selected by the box", (id) => (window as unknown as HookWindow).meshRts.unit(id)?.selected === true, rivalBotId);
    expect(await selectedIn(page)).toEqual([rivalBotId]);
    expect((await unitOf(page, botId))?.selected).toBe(false);
    // A click on the commander's bot does not select it either (it is inspectable, not selectable).
    const other = await unitOf(page, botId);
    if (!other) throw new Error("no unit");
    await page.mouse.click(other.screenX, other.screenY);
    await page.waitForTimeout(300);
    expect(await selectedIn(page)).not.toContain(botId);
    expect((await unitOf(page, botId))?.selected).toBe(false);
    expect(faults).toEqual([]);
    await page.close();
    rivalBotRoom.moveTo(50, 12);
    await waitFor("the rival's bot out of the way", () => Math.hypot((watcherRoom.participant(rivalBotId)?.x ?? 0) - 50, (watcherRoom.participant(rivalBotId)?.z ?? 0) - 12) < 0.5, 15_000);
  }, 90_000);

  it("sets a control group with Ctrl+1 and recalls it with 1", async () => {
    const { page, faults } = opened;
    await boxAround(page, botId, 30);
    await waitInPage(page, "my bot selected", (id) => (window as unknown as HookWindow).meshRts.selected().join() === id, botId);
    await page.keyboard.press("Control+1");
    await page.keyboard.press("Escape");
    if ((await selectedIn(page)).length > 0) {
      // Escape may not clear: a click on the empty floor does.
      const unit = await unitOf(page, botId);
      if (!unit) throw new Error("no unit");
      const empty = await screenOf(page, unit.x > 32 ? unit.x - 8 : unit.x + 8, unit.z > 32 ? unit.z - 8 : unit.z + 8);
      await page.mouse.click(empty.x, empty.y);
    }
    await waitInPage(page, "an empty selection", () => (window as unknown as HookWindow).meshRts.selected().length === 0, null);
    await page.keyboard.press("1");
    await waitInPage(page, "group 1 recalled", (id) => (window as unknown as HookWindow).meshRts.selected().join() === id, botId);
    expect(faults).toEqual([]);
  }, 60_000);

  /** Right-clicks a far floor point for the selected bot and waits until its move is under way. */
  async function sendFar(page: Page): Promise<{ x: number; z: number }> {
    const unit = await unitOf(page, botId);
    if (!unit) throw new Error("no unit");
    const goal = inward(unit.x, unit.z, 22);
    const point = await screenOf(page, goal.x, goal.z);
    await page.mouse.click(point.x, point.y, { button: "right" });
    await waitFor("the move order in state", () => watcherRoom.participant(botId)?.order?.kind === "move_to" && watcherRoom.participant(botId)?.order?.status === "active", 10_000);
    await waitFor(
      "the bot to be walking",
      () => {
        const p = watcherRoom.participant(botId);
        return p && Math.hypot(p.x - unit.x, p.z - unit.z) > 1;
      },
      10_000,
    );
    return goal;
  }

  async function expectStoppedShort(page: Page, goal: { x: number; z: number }): Promise<void> {
    await waitFor("the stop order done", () => watcherRoom.participant(botId)?.order?.kind === "stop" && watcherRoom.participant(botId)?.order?.status === "done", 10_000);
    const stoppedAt = watcherRoom.participant(botId);
    if (!stoppedAt) throw new Error("the bot left");
    await page.waitForTimeout(800);
    const later = watcherRoom.participant(botId);
    expect(Math.hypot((later?.x ?? 0) - stoppedAt.x, (later?.z ?? 0) - stoppedAt.z)).toBeLessThan(0.5);
    expect(Math.hypot((later?.x ?? 0) - goal.x, (later?.z ?? 0) - goal.z)).toBeGreaterThan(2);
    await waitInPage(page, "the page to show the stop done", (id) => (window as unknown as HookWindow).meshRts.unit(id)?.order?.kind === "stop" && (window as unknown as HookWindow).meshRts.unit(id)?.order?.status === "done", botId);
  }

  it("stops a walking bot from the order bar's Stop and with the S key", async () => {
    const { page, faults } = opened;
    const orders = page.getByRole("toolbar", { name: "Orders" });
    await boxAround(page, botId, 30);
    await waitInPage(page, "my bot selected", (id) => (window as unknown as HookWindow).meshRts.selected().join() === id, botId);
    let goal = await sendFar(page);
    await orders.getByRole("button", { name: /^Stop/ }).click();
    await expectStoppedShort(page, goal);
    goal = await sendFar(page);
    // The key goes to the page, not to a button or a text field.
    await page.locator("canvas").first().focus().catch(() => undefined);
    await page.keyboard.press("s");
    await expectStoppedShort(page, goal);
    expect(faults).toEqual([]);
  }, 90_000);

  it("says a line through the order bar's Say form, heard by an SDK client", async () => {
    const { page, faults } = opened;
    const heard: { authorId: string; text: string }[] = [];
    const off = watcherRoom.onMessage((m) => heard.push({ authorId: m.authorId, text: m.text }));
    if ((await selectedIn(page)).join() !== botId) await boxAround(page, botId, 30);
    await waitInPage(page, "my bot selected", (id) => (window as unknown as HookWindow).meshRts.selected().join() === id, botId);
    await page.getByRole("toolbar", { name: "Orders" }).getByRole("button", { name: /^Say/ }).click();
    const field = page.getByRole("form", { name: "Say" }).getByLabel("What should they say?");
    await field.waitFor({ timeout: 5000 });
    await field.fill("Orderly reporting from the RTS view");
    await field.press("Enter");
    await waitFor("the watcher to hear the bot say it", () => heard.some((m) => m.authorId === botId && m.text === "Orderly reporting from the RTS view"), 15_000);
    off();
    expect(faults).toEqual([]);
  }, 60_000);
});
