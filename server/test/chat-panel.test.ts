import fs from "node:fs";
import path from "node:path";
import type { MeshRoom } from "@mesh/bots";
import type { MessageData } from "@mesh/schema";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KeyedRateLimiter } from "../src/limits.ts";
import { launchChromium, registerUser, startTestServer, type TestServer, type TestUser, waitFor } from "./harness.ts";

const SCREENSHOT = path.resolve("docs/screenshots/chat-panel.png");
/** A 1×1 transparent PNG: an image attachment small enough to get a thumbnail. */
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");

/**
 * The chat panel of the client kit, as the /3d page mounts it (2D view: the panel is the same),
 * in real Chromium, talking with SDK clients through a real server.
 */
describe("the chat panel", () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let panel: Locator;
  let owner: TestUser;
  let sam: TestUser;
  let bea: TestUser;
  let samRoom: MeshRoom;
  let ownerRoom: MeshRoom;
  const heard: MessageData[] = [];
  const dialogs: string[] = [];
  const pageErrors: string[] = [];

  const message = (text: string) => panel.locator("article.msg").filter({ has: page.locator(".msg-text", { hasText: text }) }).last();
  const samHeard = (check: (m: MessageData) => boolean, what: string) => waitFor(what, () => heard.find(check), 10_000);
  const relaxLimits = () => {
    server.services.limits.inputs = new KeyedRateLimiter(100_000, 100_000);
    server.services.limits.reads = new KeyedRateLimiter(100_000, 100_000);
  };

  beforeAll(async () => {
    server = await startTestServer();
    owner = await registerUser(server.url, "olive");
    sam = await registerUser(server.url, "sam");
    bea = await registerUser(server.url, "bea");
    ownerRoom = await owner.client.join("lobby");
    samRoom = await sam.client.join("lobby");
    samRoom.onMessage((m) => heard.push(m));
    await samRoom.sendAndWait("hello from before you came");
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await page.goto(`${server.url}/3d#room=lobby&view=2d&token=${bea.token}`);
    panel = page.locator(".mesh-chat");
    await panel.waitFor({ timeout: 20_000 });
    await waitFor("bea in the room", () => samRoom.participant(bea.participant.id), 10_000);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("is a labelled log with the room's messages so far, and the composer is labelled", async () => {
    const log = panel.getByRole("log");
    expect(await log.getAttribute("aria-live")).toBe("polite");
    expect(await log.getAttribute("aria-label")).toBe("Messages in Lobby");
    await message("hello from before you came").waitFor();
    expect(await panel.getByLabel("Message", { exact: true }).evaluate((e) => e.tagName)).toBe("TEXTAREA");
  });

  it("shows an SDK client's message with its author", async () => {
    await samRoom.sendAndWait("sam says hi");
    const shown = message("sam says hi");
    await shown.waitFor();
    expect(await shown.locator(".msg-author").textContent()).toBe("sam");
    expect(await shown.locator("time").count()).toBe(1);
  });

  it("marks what it shows as read, so the start page's unread count falls to nothing", async () => {
    await samRoom.sendAndWait("read me, bea");
    await message("read me, bea").waitFor();
    const unread = async () => (await bea.rest.rooms()).rooms.find((r) => r.id === "lobby")?.unread;
    await expect.poll(unread, { timeout: 10_000 }).toBe(0);
  });

  it("Enter sends what was typed; Shift+Enter makes a new line", async () => {
    const box = panel.getByLabel("Message", { exact: true });
    await box.click();
    await box.pressSequentially("hello sam");
    await box.press("Enter");
    const first = await samHeard((m) => m.text === "hello sam", "sam hears bea");
    expect(first.authorId).toBe(bea.participant.id);
    expect(await box.inputValue()).toBe("");
    await box.pressSequentially("line one");
    await box.press("Shift+Enter");
    await box.pressSequentially("line two");
    expect(await box.inputValue()).toBe("line one\nline two");
    await box.press("Enter");
    await samHeard((m) => m.text === "line one\nline two", "the two-line message");
    await message("line two").waitFor();
  });

  it("shows an edit and a delete made by the SDK client", async () => {
    const sent = await samRoom.sendAndWait("a typo mesage");
    await message("a typo mesage").waitFor();
    samRoom.edit(sent.id, "a typo message, fixed");
    const edited = panel.locator(`#msg-${sent.id}`);
    await expect.poll(() => edited.locator(".msg-text").textContent(), { timeout: 10_000 }).toBe("a typo message, fixed");
    expect(await edited.locator(".msg-edited").textContent()).toBe("edited");
    samRoom.delete(sent.id);
    await expect.poll(() => edited.locator(".msg-text").textContent(), { timeout: 10_000 }).toBe("message deleted");
    expect(await panel.textContent()).not.toContain("a typo message, fixed");
  });

  it("shows reactions; a chip toggles your own; the picker adds one", async () => {
    const sent = await samRoom.sendAndWait("react to this");
    samRoom.react(sent.id, "👍");
    const shown = panel.locator(`#msg-${sent.id}`);
    const chip = shown.locator('.chip[data-emoji="👍"]');
    await expect.poll(() => chip.textContent(), { timeout: 10_000 }).toBe("👍1");
    expect(await chip.getAttribute("aria-pressed")).toBe("false");
    const updates: MessageData[] = [];
    samRoom.onUpdate((m) => updates.push(m));
    await chip.click();
    await waitFor("bea's 👍", () => updates.find((m) => m.id === sent.id && m.reactions["👍"]?.includes(bea.participant.id)), 10_000);
    await expect.poll(() => chip.textContent(), { timeout: 10_000 }).toBe("👍2");
    expect(await chip.getAttribute("aria-pressed")).toBe("true");
    // The re-render kept the keyboard focus on the chip.
    expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.emoji)).toBe("👍");
    await chip.click();
    await waitFor("bea's 👍 taken back", () => updates.findLast((m) => m.id === sent.id && !m.reactions["👍"]?.includes(bea.participant.id)), 10_000);
    await shown.getByRole("button", { name: "Add a reaction" }).click();
    await panel.getByRole("button", { name: "React with 🎉" }).click();
    await waitFor("bea's 🎉", () => updates.find((m) => m.id === sent.id && m.reactions["🎉"]?.includes(bea.participant.id)), 10_000);
  });

  it("shows a DM distinctly, and sends one through the To choice and through /dm", async () => {
    await samRoom.sendDirectAndWait(bea.participant.id, "psst, just you");
    const dm = message("psst, just you");
    await dm.waitFor();
    expect(await dm.getAttribute("class")).toContain("dm");
    expect(await dm.locator(".msg-dm").textContent()).toContain("direct");
    await panel.getByLabel("To", { exact: true }).selectOption({ label: "sam — direct" });
    const box = panel.getByLabel("Message", { exact: true });
    await box.fill("only for sam");
    await box.press("Enter");
    const direct = await samHeard((m) => m.text === "only for sam", "the DM");
    expect(direct.to).toBe(sam.participant.id);
    await panel.getByLabel("To", { exact: true }).selectOption({ label: "Everyone" });
    await box.fill("/dm sam by command");
    await box.press("Enter");
    const command = await samHeard((m) => m.text === "by command", "the /dm");
    expect(command.to).toBe(sam.participant.id);
    expect(ownerRoom.messages().some((m) => m.text === "by command" || m.text === "only for sam")).toBe(false);
  });

  it("replies in a thread", async () => {
    const root = await samRoom.sendAndWait("thread root question");
    const shown = panel.locator(`#msg-${root.id}`);
    await shown.waitFor();
    await shown.getByRole("button", { name: "Reply to sam" }).click();
    expect(await panel.locator(".chat-mode .mode-text").textContent()).toContain("Replying to sam");
    const box = panel.getByLabel("Message", { exact: true });
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("chat-input");
    await box.pressSequentially("the answer");
    await box.press("Enter");
    const reply = await samHeard((m) => m.text === "the answer", "the reply");
    expect(reply.threadId).toBe(root.id);
    const replyShown = message("the answer");
    await replyShown.waitFor();
    expect(await replyShown.locator(".msg-reply-to").textContent()).toContain("sam: thread root question");
  });

  it("highlights a mention of you", async () => {
    await samRoom.sendAndWait("hey @bea, look");
    const shown = message("look");
    await shown.waitFor();
    expect(await shown.getAttribute("class")).toContain("mention-me");
    expect(await shown.locator(".mention.me").textContent()).toBe("@bea");
  });

  it("shows who is typing, and says when you are", async () => {
    samRoom.typing(true);
    await expect.poll(() => panel.locator(".chat-typing").textContent(), { timeout: 10_000 }).toBe("sam is typing…");
    samRoom.typing(false);
    await expect.poll(() => panel.locator(".chat-typing").textContent(), { timeout: 10_000 }).toBe("");
    await panel.getByLabel("Message", { exact: true }).pressSequentially("thinking");
    await waitFor("bea typing", () => samRoom.participant(bea.participant.id)?.typing, 10_000);
    await panel.getByLabel("Message", { exact: true }).fill("");
  });

  it("a refusal is said in words, and a refused send keeps its text", async () => {
    const box = panel.getByLabel("Message", { exact: true });
    ownerRoom.mute(bea.participant.id, 60);
    await waitFor("bea muted", () => samRoom.participant(bea.participant.id)?.muted, 10_000);
    await box.fill("can anyone hear me");
    await box.press("Enter");
    const alert = panel.getByRole("alert");
    await expect.poll(() => alert.textContent(), { timeout: 10_000 }).toMatch(/^Not allowed: .*mute/i);
    await expect.poll(() => box.inputValue(), { timeout: 10_000 }).toBe("can anyone hear me");
    ownerRoom.mute(bea.participant.id, 0);
    await waitFor("bea unmuted", () => samRoom.participant(bea.participant.id)?.muted === false, 10_000);
    await alert.getByRole("button", { name: "Dismiss" }).click();

    const normal = server.services.limits.inputs;
    server.services.limits.inputs = new KeyedRateLimiter(0.001, 1);
    server.services.limits.inputs.bucket(bea.participant.id).spend(1);
    try {
      // Typing spends this second's warning first; the send still hears its own refusal at once.
      await box.fill("too fast");
      await box.press("Enter");
      await expect.poll(() => alert.textContent(), { timeout: 10_000 }).toMatch(/^Slow down: you are sending too fast/);
      await expect.poll(() => box.inputValue(), { timeout: 10_000 }).toBe("too fast");
    } finally {
      server.services.limits.inputs = normal;
    }
    await box.fill("");
  });

  it("uploads a file and sends it; the file shows with its size and an image thumbnail", async () => {
    await panel.locator('input[type="file"]').setInputFiles([{ name: "dot.png", mimeType: "image/png", buffer: PNG }]);
    // Uploaded, not merely uploading: Enter during an upload is refused with "wait for the files".
    await panel.locator(".chat-pending li:not(.uploading)", { hasText: "dot.png" }).waitFor({ timeout: 10_000 });
    const box = panel.getByLabel("Message", { exact: true });
    await box.fill("a picture");
    await box.press("Enter");
    const sent = await samHeard((m) => m.text === "a picture", "the picture");
    expect(sent.attachments.map((a) => [a.name, a.type, a.size])).toEqual([["dot.png", "image/png", PNG.length]]);
    const shown = message("a picture");
    await shown.locator(".file-name", { hasText: "dot.png" }).waitFor();
    expect(await shown.locator(".file-size").textContent()).toBe(`${PNG.length} B`);
    await expect.poll(() => shown.locator("img.thumb").getAttribute("src"), { timeout: 10_000 }).toMatch(/^blob:/);
    expect(await shown.locator("img.thumb").evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(1);
  });

  it("finds a message by search, and shows it", async () => {
    await samRoom.sendAndWait("the zebra crossing is painted");
    await message("zebra crossing").waitFor();
    await panel.getByRole("button", { name: "Search messages" }).click();
    await panel.getByRole("searchbox", { name: "Search messages" }).fill("zebra");
    await panel.getByRole("searchbox", { name: "Search messages" }).press("Enter");
    const result = panel.locator(".search-results li").first();
    await expect.poll(() => result.textContent(), { timeout: 10_000 }).toContain("the zebra crossing is painted");
    await result.getByRole("button").click();
    await expect.poll(() => message("zebra crossing").getAttribute("class")).toContain("flash");
    await panel.getByRole("button", { name: "Close search" }).click();
  });

  it("renders hostile text as inert text that cannot break the layout", async () => {
    const hostile = [
      "<img src=x onerror=alert(1)>",
      "javascript:alert(1)",
      "\u202Eevil.exe\u202C reversed text",
      `long${"W".repeat(7990)}`,
      `Z${"\u0336\u0337\u0338\u0334\u0335\u0361\u035c".repeat(60)}algo`,
      "<script>alert(2)</script> see https://example.com/a?b=c",
    ];
    relaxLimits();
    const sent: MessageData[] = [];
    for (const text of hostile) sent.push(await samRoom.sendAndWait(text));
    for (const m of sent) await panel.locator(`#msg-${m.id}`).waitFor({ timeout: 10_000 });
    for (const m of sent) {
      const text = panel.locator(`#msg-${m.id} .msg-text`);
      expect(await text.textContent()).toBe(m.text);
      expect(await text.getAttribute("dir")).toBe("auto");
      expect(await text.evaluate((e) => getComputedStyle(e).unicodeBidi)).toBe("isolate");
      expect(await text.evaluate((e) => getComputedStyle(e).overflow)).toBe("hidden");
      expect(await text.locator("img, script").count()).toBe(0);
    }
    // Only the http(s) address is a link, with no opener or referrer; `javascript:` stays text.
    expect(await panel.locator(`#msg-${sent[1].id} a`).count()).toBe(0);
    const link = panel.locator(`#msg-${sent[5].id} .msg-text a`);
    expect(await link.getAttribute("href")).toBe("https://example.com/a?b=c");
    expect(await link.getAttribute("rel")).toBe("noopener noreferrer");
    // The 8,000-letter word wraps inside the panel; zalgo stays within its message.
    const layout = await page.evaluate((ids) => {
      const chat = document.querySelector(".mesh-chat") as HTMLElement;
      const scroll = chat.querySelector(".chat-scroll") as HTMLElement;
      const box = chat.getBoundingClientRect();
      const article = (id: string) => (document.getElementById(`msg-${id}`) as HTMLElement).getBoundingClientRect();
      return { overflowX: scroll.scrollWidth - scroll.clientWidth, longRight: article(ids[0]).right - box.right, zalgo: article(ids[1]).height };
    }, [sent[3].id, sent[4].id]);
    expect(layout.overflowX).toBeLessThanOrEqual(0);
    expect(layout.longRight).toBeLessThanOrEqual(0);
    expect(layout.zalgo).toBeLessThan(400);
    // The author's name after an override still reads in order: the override is isolated in its text.
    const head = await panel.locator(`#msg-${sent[2].id} .msg-head .msg-author`).textContent();
    expect(head).toBe("sam");
    await page.waitForTimeout(300);
    expect(dialogs).toEqual([]);
    expect(await page.evaluate(() => document.querySelectorAll(".msg-text img").length)).toBe(0);
  });

  it("loads history beyond the last 100 messages, and keeps at most 500 in the DOM", async () => {
    relaxLimits();
    for (let i = 1; i <= 620; i++) samRoom.send(`bulk ${i}`);
    await samHeard((m) => m.text === "bulk 620", "the last bulk message");
    await message("bulk 620").waitFor({ timeout: 20_000 });
    expect(await panel.locator("article.msg").count()).toBeLessThanOrEqual(500);
    // A fresh page holds the window; earlier ones come from history on demand.
    await page.reload();
    panel = page.locator(".mesh-chat");
    await message("bulk 620").waitFor({ timeout: 20_000 });
    expect(await message("bulk 480").count()).toBe(0);
    const earlier = panel.getByRole("button", { name: "Load earlier messages" });
    await earlier.click();
    await message("bulk 480").waitFor({ timeout: 10_000 });
    expect(await message("bulk 620").count()).toBe(1);
    const seqs = await panel.locator("article.msg:not(.dm)").evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset.seq)));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it("looks right (screenshot)", async () => {
    relaxLimits();
    const created = await owner.rest.request<{ id: string }>("POST", "/api/rooms", { id: "studio", name: "Studio", topic: "Design reviews and build news" });
    expect(created.id).toBe("studio");
    const ownerStudio = await owner.client.join("studio");
    const samStudio = await sam.client.join("studio");
    // Same page, new hash: a reload makes the client start again in the studio.
    await page.goto(`${server.url}/3d#room=studio&view=3d`);
    await page.reload();
    panel = page.locator(".mesh-chat");
    await panel.waitFor({ timeout: 20_000 });
    await waitFor("bea in the studio", () => samStudio.participant(bea.participant.id), 10_000);
    const hi = await samStudio.sendAndWait("Morning! The nightly build finished — 0 failures.");
    samStudio.react(hi.id, "🎉");
    ownerStudio.react(hi.id, "🚀");
    await ownerStudio.sendAndWait("@bea can you look at the deploy notes before the review? https://example.com/notes");
    await samStudio.sendAndWait("On it after lunch.", { threadId: hi.id });
    const box = panel.getByLabel("Message", { exact: true });
    await box.fill("Looks good to me — shipping the map change today.");
    await box.press("Enter");
    await samStudio.sendDirectAndWait(bea.participant.id, "ping me when you are free");
    await message("ping me when you are free").waitFor();
    samStudio.typing(true);
    await panel.locator(".chat-typing", { hasText: "sam is typing" }).waitFor({ timeout: 10_000 });
    await box.fill("Sure, in ten minutes");
    await page.mouse.move(400, 500);
    await page.waitForTimeout(1500);
    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    expect(pageErrors).toEqual([]);
    await samStudio.leave();
    await ownerStudio.leave();
  });
});
