import fs from "node:fs";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, registerUser, startTestServer, type TestServer } from "./harness.ts";

const SHOTS = path.resolve("test-results");

describe("the status page in a real browser", () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("shows the server running, its version and who is online", async () => {
    const user = await registerUser(server.url, "visitor");
    const room = await user.client.join("lobby");
    const page = await browser.newPage({ viewport: { width: 900, height: 640 } });
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`${server.url}/status`);
    await page.getByText("Server is running").waitFor({ timeout: 10_000 });
    expect(await page.locator("#version").textContent()).toMatch(/^\d+\.\d+\.\d+/);
    expect(await page.locator("#tick").textContent()).toBe("20 Hz");
    await page.waitForFunction(() => document.getElementById("online")?.textContent === "1", undefined, { timeout: 10_000 });
    fs.mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, "status-page.png") });
    expect(errors).toEqual([]);
    await room.leave();
  });
});
