
import path from "node:path";
import { build } from "esbuild";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MessageData } from "@mesh/schema";
import { launchChromium, registerUser, startTestServer, type TestServer, waitFor } from "./harness.ts";

const SDK_ENTRY = path.resolve("bots/src/index.ts");

/**
 * The SDK is also the three clients' connection layer: bundled for the browser, in real
 * Chromium, it joins the same room as a Node client and each sees the other.
 */
describe("the SDK in a real browser", () => {
  let server: TestServer;
  let browser: Browser;
  let bundle: string;

  beforeAll(async () => {
    const built = await build({
      entryPoints: [SDK_ENTRY],
      bundle: true,
      platform: "browser",
      format: "iife",
      globalName: "MeshSdk",
      write: false,
      logLevel: "silent",
    });
    bundle = built.outputFiles[0].text;
    server = await startTestServer();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("bundles without Node built-ins", () => {
    expect(bundle).not.toMatch(/require\(["']node:/);
    expect(bundle.length).toBeGreaterThan(1000);
  });

  it("joins, walks and talks from the page; a Node client sees it and answers", async () => {
    const web = await registerUser(server.url, "web");
    const node = await registerUser(server.url, "node");
    const nodeRoom = await node.client.join("lobby");
    const heard: MessageData[] = [];
    nodeRoom.onMessage((m) => heard.push(m));

    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    // A page of the server's origin without the web clients' CSP (it forbids the inline bundle
    // this test injects): the API's JSON answer is one.
    await page.goto(`${server.url}/api/health`);
    await page.addScriptTag({ content: bundle });
    await page.evaluate(async (token) => {
      type Sdk = {
        connect(o: { url: string; token: string }): { join(room: string): Promise<unknown> };
      };
      const sdk = (window as unknown as { MeshSdk: Sdk }).MeshSdk;
      const room = (await sdk.connect({ url: location.origin, token }).join("lobby")) as {
        moveTo(x: number, z: number): void;
        sendAndWait(text: string): Promise<unknown>;
        onMessage(fn: (m: { text: string }) => void): void;
      };
      const seen: string[] = [];
      room.onMessage((m) => seen.push(m.text));
      Object.assign(window, { meshRoom: room, seen });
      room.moveTo(3, 4);
      await room.sendAndWait("hello from the browser");
    }, web.token);

    await waitFor("node hears the browser", () => heard.some((m) => m.text === "hello from the browser" && m.authorName === "web"));
    await waitFor("node sees the browser walk", () => {
      const p = nodeRoom.participant(web.participant.id);
      return p && p.x === 3 && p.z === 4;
    }, 20_000);
    await nodeRoom.sendAndWait("hello from node");
    await page.waitForFunction(() => (window as unknown as { seen: string[] }).seen.includes("hello from node"));
    expect(errors).toEqual([]);
    await page.close();
    await nodeRoom.leave();
  }, 40_000);
});
