import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MessageData } from "@mesh/schema";
import { cuttableProxy, launchChromium, registerUser, startTestServer, type TestServer, waitFor } from "./harness.ts";

/**
 * A page whose connection drops (the network between it and the server is cut, as when a laptop
 * changes networks): it says "reconnecting…", the SDK resumes, the banner goes, and it talks again.
 */
describe("a client page losing its connection", () => {
  let server: TestServer;
  let browser: Browser;
  let proxy: Awaited<ReturnType<typeof cuttableProxy>>;

  beforeAll(async () => {
    server = await startTestServer();
    proxy = await cuttableProxy(new URL(server.url));
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
    await server?.stop();
  });

  it("shows 'reconnecting…' while the SDK resumes, then hides it, and nothing said is lost", async () => {
    const walker = await registerUser(server.url, "roamer");
    const friend = await registerUser(server.url, "friend");
    const friendRoom = await friend.client.join("lobby");
    const heard: MessageData[] = [];
    friendRoom.onMessage((m) => heard.push(m));
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const faults: string[] = [];
    page.on("pageerror", (error) => faults.push(error.message));
    // Through the proxy: the page's origin is the proxy, so its socket runs through it too.
    await page.goto(`${proxy.url}/3d#room=lobby&view=2d&token=${walker.token}`);
    await page.waitForFunction(() => (window as unknown as { meshScene?: { ready: boolean } }).meshScene?.ready === true, undefined, { timeout: 30_000 });
    // Record every text the banner shows, however briefly.
    await page.evaluate(() => {
      const banner = document.querySelector(".mesh-banner");
      const seen: string[] = [];
      (window as unknown as { bannerSeen: string[] }).bannerSeen = seen;
      if (!banner) throw new Error("no banner on the page");
      new MutationObserver(() => {
        if (!(banner as HTMLElement).hidden) seen.push(banner.textContent ?? "");
      }).observe(banner, { attributes: true, childList: true, characterData: true, subtree: true });
    });
    expect(proxy.cut()).toBeGreaterThan(0);
    await page.waitForFunction(() => (window as unknown as { bannerSeen: string[] }).bannerSeen.some((t) => /reconnecting/i.test(t)), undefined, { timeout: 15_000 });
    await page.waitForFunction(() => (document.querySelector(".mesh-banner") as HTMLElement | null)?.hidden === true, undefined, { timeout: 30_000 });
    // Back: what the page says reaches the friend, and what the friend says reaches the page.
    const box = page.locator(".mesh-chat textarea").first();
    await box.fill("back after the cut");
    await box.press("Enter");
    await waitFor("the friend to hear the page", () => heard.find((m) => m.text === "back after the cut"), 15_000);
    await friendRoom.sendAndWait("welcome back");
    await page.locator(".mesh-chat").getByText("welcome back").waitFor({ timeout: 15_000 });
    expect(faults).toEqual([]);
    await friendRoom.leave();
    await page.close();
  }, 90_000);
});
