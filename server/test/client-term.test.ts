import fs from "node:fs";
import path from "node:path";
import type { MeshRoom } from "@mesh/bots";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GuardedPage, guardedPage, launchChromium, registerUser, startTestServer, type TestServer, type TestUser, waitFor } from "./harness.ts";

const SHOTS = path.resolve("docs", "screenshots");
const VIEWPORT = { width: 1100, height: 700 };

/** What the tests read from the page's `window.meshTerm`. */
interface Hook {
  ready: boolean;
  roomId: string;
  ended: string;
  lines(): string[];
  type(text: string): void;
}
type HookWindow = { meshTerm: Hook };

type Opened = GuardedPage;

/**
 * The /term page in real Chromium against a real server: it signs in through the front door,
 * talks with SDK clients both ways, completes names, recalls history, goes through exits, keeps
 * its input intact while others talk and across a resize, and shows hostile text as inert text.
 */
describe("the terminal page in a real browser", () => {
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

  async function open(user: TestUser, room = "lobby", viewport = VIEWPORT): Promise<Opened> {
    const { page, faults } = await guardedPage(browser, viewport);
    // The address's token goes through client-kit's front door (signIn), which takes it out of the address.
    await page.goto(`${server.url}/term#room=${room}&token=${user.token}`);
    await waitInPage(page, "the terminal to be ready", () => (window as unknown as HookWindow).meshTerm?.ready === true, null, 30_000);
    return { page, faults };
  }

  const lines = (page: Page): Promise<string[]> => page.evaluate(() => (window as unknown as HookWindow).meshTerm.lines());

  /** Waits for a predicate in the page: a function, never a string (the page's CSP forbids eval, and the test would say so). */
  async function waitInPage<A>(page: Page, what: string, predicate: (arg: A) => boolean, arg: A, timeout = 20_000): Promise<void> {
    try {
      await page.waitForFunction(predicate as (arg: unknown) => boolean, arg as unknown, { timeout });
    } catch (error) {
      const shown = await page.evaluate(() => (window as unknown as HookWindow).meshTerm?.lines().slice(-12) ?? []).catch(() => []);
      throw new Error(`timed out waiting for ${what}; the terminal ends with:\n${shown.join("\n")}\n${error instanceof Error ? error.message.slice(0, 200) : String(error)}`);
    }
  }

  /** Waits until a line of the terminal contains `text`. */
  const waitForLine = (page: Page, text: string, timeout = 20_000) =>
    waitInPage(page, `a line with ${JSON.stringify(text)}`, (t) => (window as unknown as HookWindow).meshTerm.lines().some((l) => l.includes(t)), text, timeout);

  /** The last line of the terminal: the prompt and what is being typed. */
  const inputLine = async (page: Page) => (await lines(page)).at(-1) ?? "";

  it("signs in, looks, says a line an SDK client hears, and shows what the SDK client says", async () => {
    const reader = await registerUser(server.url, "reader");
    const listener = await registerUser(server.url, "listener");
    const listenerRoom = await listener.client.join("lobby");
    const heard: string[] = [];
    listenerRoom.onMessage((m) => heard.push(`${m.authorName}: ${m.text}`));
    const { page, faults } = await open(reader);
    expect(page.url()).not.toContain("token=");
    await waitForLine(page, "Welcome to The Mesh, reader");
    await page.getByText("Signed in as").waitFor();
    expect(await page.locator(".mt-me-name").textContent()).toBe("reader");
    await page.keyboard.type("look");
    await page.keyboard.press("Enter");
    await waitForLine(page, "listener is");
    const shown = await lines(page);
    expect(shown.some((l) => l.startsWith("Lobby (lobby)"))).toBe(true);
    expect(shown.some((l) => l.startsWith("There are no exits.") || l.startsWith("Exits:"))).toBe(true);
    await page.keyboard.type("say hello from the terminal");
    await page.keyboard.press("Enter");
    await waitFor("the SDK client to hear the terminal", () => heard.includes("reader: hello from the terminal"), 10_000);
    // Wide characters and emoji are edited and sent whole.
    await page.keyboard.type("say 日本語 and 👩‍👩‍👧 ok?");
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.press("Backspace");
    await page.keyboard.press("Enter");
    await waitFor("the SDK client to hear the wide text", () => heard.includes("reader: 日本語 and 👩‍👩‍👧 o?"), 10_000);
    await listenerRoom.sendAndWait("hello back, terminal");
    await waitForLine(page, "listener says: hello back, terminal");
    // The plain-text toggle: off by default; on, it turns on xterm's screen-reader mode.
    const plain = page.getByRole("button", { name: "Plain text" });
    expect(await plain.getAttribute("aria-pressed")).toBe("false");
    await plain.click();
    expect(await plain.getAttribute("aria-pressed")).toBe("true");
    await page.locator(".xterm-accessibility").waitFor({ state: "attached", timeout: 5000 });
    await plain.click();
    // quit ends the session: the page says so, with a way back.
    await page.keyboard.type("quit");
    await page.keyboard.press("Enter");
    await page.locator(".mesh-banner", { hasText: "Goodbye." }).waitFor({ timeout: 10_000 });
    expect(await page.locator(".mesh-banner a[href='/']").count()).toBe(1);
    await waitFor("the listener to see the reader leave", () => !listenerRoom.participant(reader.participant.id), 10_000);
    expect(faults).toEqual([]);
    // The fault guard does see CSP refusals: an inline <style> (what xterm would add without our stand-in) is reported.
    await page.evaluate(() => {
      const style = document.createElement("style");
      style.textContent = ".xterm { color: red }";
      document.head.append(style);
    });
    await waitFor("the guard to report the inline style", () => faults.some((f) => f.startsWith("csp:")), 5000);
    await listenerRoom.leave();
    await page.close();
  }, 90_000);

  it("completes a name with Tab, recalls the last line with Up and Ctrl-R, and keeps the typed line while others talk", async () => {
    const typist = await registerUser(server.url, "typist");
    const grace = await registerUser(server.url, "grace");
    const graceRoom = await grace.client.join("lobby");
    const direct: string[] = [];
    graceRoom.onMessage((m) => {
      if (m.to) direct.push(m.text);
    });
    const { page, faults } = await open(typist);
    await page.keyboard.type("tell gra");
    await page.keyboard.press("Tab");
    await waitInPage(page, "the name completed", () => ((window as unknown as HookWindow).meshTerm.lines().at(-1) ?? "").endsWith("tell grace"), null);
    await page.keyboard.type("psst, over here");
    await page.keyboard.press("Enter");
    await waitFor("grace to get the DM", () => direct.includes("psst, over here"), 10_000);
    await page.keyboard.press("ArrowUp");
    await waitInPage(page, "the last line recalled", () => ((window as unknown as HookWindow).meshTerm.lines().at(-1) ?? "").endsWith("> tell grace psst, over here"), null);
    // Ctrl-R searches the history (and does not reload the page); Escape gives the line back.
    await page.keyboard.press("Control+U");
    await page.keyboard.press("Control+R");
    await page.keyboard.type("pss");
    await waitInPage(page, "the search", () => (window as unknown as HookWindow).meshTerm.lines().at(-1) === "(reverse-i-search)'pss': tell grace psst, over here", null);
    await page.keyboard.press("Escape");
    await waitInPage(page, "the search abandoned", () => (window as unknown as HookWindow).meshTerm.lines().at(-1) === "lobby>", null);
    expect((await lines(page)).some((l) => l.includes("You tell grace: psst"))).toBe(true);
    // Half a line typed, the cursor moved back into it, and then someone talks: the line and the cursor stay.
    await page.keyboard.type("say half way");
    await page.keyboard.press("Home");
    await page.keyboard.press("Control+E");
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.press("ArrowLeft");
    await graceRoom.sendAndWait("interrupting you");
    await waitForLine(page, "grace says: interrupting you");
    expect(await inputLine(page)).toBe("lobby> say half way");
    await page.keyboard.press("Backspace");
    await page.keyboard.type("-");
    await waitInPage(page, "the edit at the cursor", () => (window as unknown as HookWindow).meshTerm.lines().at(-1) === "lobby> say half-way", null);
    const said: string[] = [];
    graceRoom.onMessage((m) => said.push(m.text));
    await page.keyboard.press("Enter");
    await waitFor("grace to hear the edited line", () => said.includes("half-way"), 10_000);
    // The interrupting line is above the prompt, not inside the input.
    const shown = await lines(page);
    expect(shown.filter((l) => l.includes("say half")).length).toBe(1);
    expect(faults).toEqual([]);
    await graceRoom.leave();
    await page.close();
  }, 90_000);

  it("shows hostile escape sequences from another participant as inert text and leaves the screen alone", async () => {
    const target = await registerUser(server.url, "target");
    const hostile = await registerUser(server.url, "hostile");
    const hostileRoom = await hostile.client.join("lobby");
    const { page, faults } = await open(target);
    await waitForLine(page, "Welcome to The Mesh, target");
    const title = await page.title();
    // The server strips control characters from messages; the terminal is the second line of defence
    // (a tab, which the server keeps, shows as ␉), and what is left of each sequence is plain text.
    await hostileRoom.sendAndWait("\u001b]0;pwned\u0007 clear:\u001b[2J red:\u001b[31mRED \u202Eevil\ttab");
    await waitForLine(page, "hostile says:");
    const shown = await lines(page);
    const said = shown.find((l) => l.includes("hostile says:")) ?? "";
    expect(said).toContain("]0;pwned clear:[2J red:[31mRED <U+202E>evil\u2409tab");
    expect(said).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
    // \x1b[2J did not clear the screen: what came before is still there.
    expect(shown.some((l) => l.includes("Welcome to The Mesh, target"))).toBe(true);
    // \x1b]0; did not set the title.
    expect(await page.title()).toBe(title);
    // \x1b[31m did not colour what follows it.
    const rowsWithRed = await page.locator(".xterm-rows .xterm-fg-1", { hasText: "RED" }).count();
    expect(rowsWithRed).toBe(0);
    expect(faults).toEqual([]);
    await hostileRoom.leave();
    await page.close();
  }, 90_000);

  it("goes north through an exit into the next room, where an SDK client sees it arrive", async () => {
    await owner.rest.request("POST", "/api/rooms", { id: "hall", name: "The Hall", exits: { south: "lobby" } });
    await owner.rest.request("PATCH", "/api/rooms/lobby", { exits: { north: "hall" } });
    try {
      const walker = await registerUser(server.url, "walker");
      const greeter = await registerUser(server.url, "greeter");
      const hallRoom = await greeter.client.join("hall");
      const { page, faults } = await open(walker);
      await waitForLine(page, "Exits: north to");
      await page.keyboard.type("go n");
      await page.keyboard.press("Tab");
      await waitInPage(page, "the exit completed", () => ((window as unknown as HookWindow).meshTerm.lines().at(-1) ?? "").endsWith("go north"), null);
      await page.keyboard.press("Enter");
      await waitInPage(page, "the hall", () => (window as unknown as HookWindow).meshTerm.roomId === "hall", null);
      await waitForLine(page, "The Hall (hall)");
      await waitFor("the greeter to see the walker arrive", () => hallRoom.participant(walker.participant.id), 10_000);
      expect(await inputLine(page)).toBe("hall>");
      await page.locator(".mt-room", { hasText: "The Hall" }).waitFor({ timeout: 10_000 });
      expect(faults).toEqual([]);
      await hallRoom.leave();
      await page.close();
    } finally {
      await owner.rest.request("PATCH", "/api/rooms/lobby", { exits: {} });
    }
  }, 90_000);

  it("keeps a long input whole when the window is resized, takes Ctrl-V pastes line by line and copies a selection with Ctrl-C", async () => {
    const resizer = await registerUser(server.url, "resizer");
    const friend = await registerUser(server.url, "friend");
    const friendRoom = await friend.client.join("lobby");
    const heard: string[] = [];
    friendRoom.onMessage((m) => heard.push(m.text));
    const { page, faults } = await open(resizer);
    const long = `say ${"the quick brown fox jumps over the lazy dog ".repeat(5).trim()}`;
    await page.evaluate((text) => (window as unknown as HookWindow).meshTerm.type(text), long);
    await waitInPage(page, "the long line", (t) => (window as unknown as HookWindow).meshTerm.lines().at(-1) === `lobby> ${t}`, long);
    for (const width of [520, 900, 640]) {
      await page.setViewportSize({ width, height: 600 });
      await page.waitForTimeout(300);
      await page.keyboard.type("!");
      await page.keyboard.press("Backspace");
      await waitInPage(page, `the line whole at ${width}px`, (t) => (window as unknown as HookWindow).meshTerm.lines().at(-1) === `lobby> ${t}`, long);
      expect((await lines(page)).filter((l) => l.includes("the quick brown fox")).length).toBe(1);
    }
    await page.keyboard.press("Enter");
    await waitFor("the friend to hear the long line", () => heard.includes(long.slice(4)), 10_000);
    // Ctrl-V: the browser's paste, which xterm brackets; each pasted line is a command.
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
    await page.evaluate(() => navigator.clipboard.writeText("say pasted one\nsay pasted two\n"));
    await page.keyboard.press("Control+V");
    await waitFor("both pasted lines", () => heard.includes("pasted one") && heard.includes("pasted two"), 10_000);
    // Ctrl-C with text selected copies it (and leaves the line being typed alone).
    await page.keyboard.type("say still here");
    const box = await page.locator(".xterm-screen").boundingBox();
    if (!box) throw new Error("no terminal on the page");
    await page.mouse.click(box.x + 30, box.y + 8, { clickCount: 3 });
    await page.keyboard.press("Control+C");
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText()), { timeout: 5000 }).toContain("Welcome to The Mesh, resizer");
    expect(await inputLine(page)).toBe("lobby> say still here");
    expect(faults).toEqual([]);
    await friendRoom.leave();
    await page.close();
  }, 90_000);

  it("takes a screenshot of a conversation", async () => {
    await owner.rest.request("POST", "/api/rooms", { id: "garden", name: "Roof Garden" });
    await owner.rest.request("POST", "/api/rooms", { id: "commons", name: "The Commons", topic: "Where the crew meets", exits: { north: "garden", east: "lobby" } });
    const me = await registerUser(server.url, "ada");
    const rooms: MeshRoom[] = [];
    for (const name of ["grace-h", "linus", "margaret"]) rooms.push(await (await registerUser(server.url, name)).client.join("commons"));
    rooms[0]?.moveTo(10, 50);
    rooms[1]?.moveTo(50, 12);
    const { page, faults } = await open(me, "commons", { width: 1000, height: 540 });
    await waitForLine(page, "The Commons (commons)");
    await rooms[0]?.sendAndWait("Welcome to the grid, ada. The garden is through the north door.");
    await waitForLine(page, "Welcome to the grid");
    await page.keyboard.type("say thanks! anyone seen the build logs?");
    await page.keyboard.press("Enter");
    await waitForLine(page, "ada says: thanks!");
    await rooms[2]?.sendAndWait("On it, sending them now.");
    await rooms[1]?.sendAndWait("/me waves from the east side");
    await waitForLine(page, "waves from the east side");
    await page.keyboard.type("tell mar");
    await page.keyboard.press("Tab");
    await page.keyboard.type("thank you");
    await page.waitForTimeout(400);
    fs.mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, "term.png") });
    expect(faults).toEqual([]);
    for (const room of rooms) await room.leave();
    await page.close();
  }, 90_000);
});
