import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { MeshRoom } from "@mesh/bots";
import type { Browser, CDPSession, Page } from "playwright-core";
import type { MeshWorld } from "../network/mesh-world.ts";
import type { BenchLine } from "../report.ts";
import { progress } from "../report.ts";
import { lcg, round } from "../stats.ts";

/** The 3D client's test hook (client-3d): what the bench reads from the page. */
interface SceneHook {
  ready: boolean;
  mode: "3d" | "2d";
  frames: number;
  fps: number;
  updateMs: number;
  avatarCount: number;
}
/** The page's window as the bench sees it (the client declares the hook its own way). */
type HookedWindow = { meshScene?: SceneHook };

export async function launchBrowser(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!fs.existsSync(executablePath)) throw new Error(`no browser at ${executablePath}: install Debian's chromium or set CHROMIUM_PATH`);
  const { chromium } = await import("playwright-core");
  return chromium.launch({ executablePath, args: ["--no-sandbox", "--disable-background-networking", "--no-first-run"] });
}

/**
 * The baseline page: raw WebGL, no framework, no network after the HTML. Its first frame is the
 * floor any page pays in this browser (process, context creation, software GL); its frame rate
 * is the most this browser draws clearing a canvas.
 */
const RAW_PAGE = `<!doctype html><canvas id=c width=1280 height=800></canvas><script>
const gl = document.getElementById("c").getContext("webgl2");
window.raw = { frames: 0, firstFrameMs: 0 };
function frame() {
  gl.clearColor(0.02, 0.03, 0.05, 1); gl.clear(gl.COLOR_BUFFER_BIT);
  if (raw.frames++ === 0) raw.firstFrameMs = performance.now();
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);
</script>`;

export async function rawServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end(RAW_PAGE));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export async function newPage(browser: Browser): Promise<Page> {
  return browser.newPage({ viewport: { width: 1280, height: 800 } });
}

/**
 * Frames per second and our per-frame update cost, sampled over `ms` of a page already running;
 * `hookName` is the page's test hook (`meshScene` on /3d, `meshRts` on /rts), which counts frames
 * and keeps the mean update cost.
 */
async function sampleFrames(page: Page, ms: number, hookName: "meshScene" | "meshRts"): Promise<{ fps: number; updateMs: number }> {
  return page.evaluate(
    async ([duration, name]) => {
      const hook = (window as unknown as Record<string, { frames: number; updateMs: number } | undefined>)[name];
      if (!hook) throw new Error(`the page has no ${name} hook`);
      const frames0 = hook.frames;
      const t0 = performance.now();
      let updates = 0;
      let samples = 0;
      const until = t0 + duration;
      while (performance.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        updates += hook.updateMs;
        samples++;
      }
      return { fps: ((hook.frames - frames0) * 1000) / (performance.now() - t0), updateMs: updates / Math.max(1, samples) };
    },
    [ms, hookName] as const,
  );
}

/**
 * Five seconds of a running page's frames: fps against the same run's raw WebGL page, our update
 * cost (from the page's hook) and where the browser's main thread spends a frame (script, style,
 * layout), from its own counters. The figures both frames benches report.
 */
export async function frameFigures(page: Page, hookName: "meshScene" | "meshRts", rawFps: number): Promise<Record<string, number>> {
  const framesNow = () => page.evaluate((name) => (window as unknown as Record<string, { frames: number } | undefined>)[name]?.frames ?? 0, hookName);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Performance.enable");
  const before = await mainThread(cdp);
  const framesBefore = await framesNow();
  const { fps, updateMs } = await sampleFrames(page, 5000, hookName);
  const after = await mainThread(cdp);
  const frames = Math.max(1, (await framesNow()) - framesBefore);
  const perFrame = (key: keyof MainThread) => round(((after[key] - before[key]) * 1000) / frames, 3);
  return {
    fps: round(fps, 3),
    raw_webgl_fps: round(rawFps, 3),
    fps_vs_raw: round(fps / rawFps, 3),
    scene_update_ms: round(updateMs, 3),
    main_script_ms_per_frame: perFrame("script"),
    main_style_ms_per_frame: perFrame("style"),
    main_layout_ms_per_frame: perFrame("layout"),
    main_busy_ms_per_frame: perFrame("task"),
    frame_budget_ms_60fps: 16.67,
    update_share_of_budget: round(updateMs / 16.67, 3),
    target_fps: 60,
  };
}

/** The page's main-thread time so far, in seconds (Chromium's Performance domain). */
export interface MainThread {
  script: number;
  style: number;
  layout: number;
  task: number;
}

export async function mainThread(cdp: CDPSession): Promise<MainThread> {
  const { metrics } = (await cdp.send("Performance.getMetrics")) as { metrics: Array<{ name: string; value: number }> };
  const get = (name: string) => metrics.find((m) => m.name === name)?.value ?? 0;
  return { script: get("ScriptDuration"), style: get("RecalcStyleDuration"), layout: get("LayoutDuration"), task: get("TaskDuration") };
}

export async function rawFrames(page: Page, ms: number): Promise<number> {
  return page.evaluate(async (duration) => {
    const raw = (window as unknown as { raw: { frames: number } }).raw;
    const f0 = raw.frames;
    const t0 = performance.now();
    await new Promise((resolve) => setTimeout(resolve, duration));
    return ((raw.frames - f0) * 1000) / (performance.now() - t0);
  }, ms);
}

/** Walkers that keep choosing a new point every couple of seconds, as people and wanderers do. */
function keepWalking(rooms: readonly MeshRoom[]): () => void {
  const random = lcg(9);
  const step = () => {
    for (const room of rooms) if (random() < 0.25) room.moveTo(4 + random() * 56, 4 + random() * 56);
  };
  step();
  const timer = setInterval(step, 500);
  return () => clearInterval(timer);
}

/**
 * Time to first frame of /3d (and its 2D view) against the raw WebGL page, then frame rate and
 * our scene-update cost with `walkers` moving avatars, against the raw page's frame rate.
 */
export async function browserBench(world: MeshWorld, walkers: number, emit: (line: BenchLine) => void): Promise<void> {
  const browser = await launchBrowser();
  const raw = await rawServer();
  try {
    const [viewer, ...others] = await world.sessions(walkers + 1);
    for (const mode of ["3d", "2d"] as const) {
      const rawPage = await newPage(browser);
      await rawPage.goto(raw.url);
      await rawPage.waitForFunction(() => (window as unknown as { raw: { frames: number } }).raw.frames > 0);
      const rawFirst = await rawPage.evaluate(() => (window as unknown as { raw: { firstFrameMs: number } }).raw.firstFrameMs);
      const page = await newPage(browser);
      const hash = mode === "2d" ? "&view=2d" : "";
      await page.goto(`${world.server.url}/3d#room=lobby${hash}&token=${viewer.token}`);
      await page.waitForFunction(() => ((window as unknown as HookedWindow).meshScene?.frames ?? 0) > 0, undefined, { timeout: 60_000, polling: "raf" });
      const first = await page.evaluate(() => performance.now());
      emit({ bench: "web.first_frame", page: "/3d", mode, ms: round(first), raw_webgl_ms: round(rawFirst), vs_raw: round(first / rawFirst, 3) });
      await page.close();
      await rawPage.close();
    }
    progress(`web: ${walkers} walkers join the lobby`);
    const rooms = await world.join(others);
    const stop = keepWalking(rooms);
    try {
      const rawPage = await newPage(browser);
      await rawPage.goto(raw.url);
      const rawFps = await rawFrames(rawPage, 3000);
      await rawPage.close();
      for (const mode of ["3d", "2d"] as const) {
        const page = await newPage(browser);
        const hash = mode === "2d" ? "&view=2d" : "";
        await page.goto(`${world.server.url}/3d#room=lobby${hash}&token=${viewer.token}`);
        await page.waitForFunction((n) => ((window as unknown as HookedWindow).meshScene?.avatarCount ?? 0) >= n, walkers + 1, { timeout: 60_000 });
        await page.waitForTimeout(1000);
        const figures = await frameFigures(page, "meshScene", rawFps);
        emit({
          bench: "web.frames",
          page: "/3d",
          mode,
          avatars: walkers + 1,
          ...figures,
          note: "headless Chromium draws with software GL (SwiftShader): fps is far below a GPU's; scene_update_ms is our CPU cost per frame apart from drawing",
        });
        await page.close();
      }
    } finally {
      stop();
    }
  } finally {
    await raw.close();
    await browser.close();
  }
}
