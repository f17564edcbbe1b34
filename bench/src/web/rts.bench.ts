import type { MeshWorld } from "../network/mesh-world.ts";
import type { BenchLine } from "../report.ts";
import { progress } from "../report.ts";
import { lcg } from "../stats.ts";
import { frameFigures, launchBrowser, newPage, rawFrames, rawServer } from "./browser.bench.ts";

/** The RTS page's test hook (client-rts): what the bench reads from the page. */
interface RtsHook {
  ready: boolean;
  frames: number;
  fps: number;
  updateMs: number;
  unitCount: number;
}
/** The page's window as the bench sees it (the client declares the hook its own way). */
type HookedWindow = { meshRts?: RtsHook };

/** The room the RTS bench fills (its own, so the 3D bench's walkers in the lobby stay out of it). */
const ROOM = "rts-bench";
/** Agents one order moves: a group walks in formation, as a commander sends them. */
const GROUP = 50;

/** One JSON REST call with the viewer's token; a 429 waits as told and tries again; throws on anything else but 2xx. */
async function rest(url: string, token: string, method: string, route: string, body?: unknown): Promise<Record<string, unknown>> {
  let res: Response;
  for (let attempt = 0; ; attempt++) {
    res = await fetch(`${url}${route}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status !== 429 || attempt >= 60) break;
    await res.text();
    await new Promise((resolve) => setTimeout(resolve, 1000 * Math.max(1, Number(res.headers.get("retry-after")) || 1)));
  }
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${route} answered ${res.status}: ${text.slice(0, 200)}`);
  return text.startsWith("{") ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** Runs `work` for 0..n-1, at most `limit` at once. */
async function times(n: number, limit: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) await work(next++);
  };
  await Promise.all(Array.from({ length: Math.min(limit, n) }, worker));
}


/**
 * The commander keeps ordering: every 250 ms one group of its agents is sent to a new point (a
 * `command` over REST, as the page's right-click sends one over its socket), so orders are always
 * in flight and every unit walks within a few seconds.
 */
function keepCommanding(url: string, token: string, agents: readonly string[]): () => void {
  const random = lcg(11);
  let group = 0;
  let busy = false;
  const step = async () => {
    if (busy) return;
    busy = true;
    const start = (group++ * GROUP) % agents.length;
    const agentIds = agents.slice(start, start + GROUP);
    try {
      await rest(url, token, "POST", `/api/rooms/${ROOM}/input`, { type: "command", payload: { agentIds, order: { kind: "move_to", x: 8 + random() * 48, z: 8 + random() * 48 } } });
    } catch (error) {
      progress(`web: a bench order was refused: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      busy = false;
    }
  };
  void step();
  const timer = setInterval(() => void step(), 250);
  return () => clearInterval(timer);
}

/**
 * Frame cost of /rts with `units` in one room: the viewer and `units - 1` polling bots of its own
 * (present without a socket each, so this process holds one page, not 500 SDK clients), kept
 * walking by group orders. Against the same run's raw WebGL page, as the /3d frames bench.
 * Needs a world whose limits allow `units` bots for one member (MESH_BOTS_PER_MEMBER,
 * MESH_ROOM_CREATES_PER_MIN: bot sign-ups count as creations).
 */
export async function rtsBench(world: MeshWorld, units: number, emit: (line: BenchLine) => void): Promise<void> {
  const [viewer] = await world.sessions(1);
  const url = world.server.url;
  const browser = await launchBrowser();
  const raw = await rawServer();
  let stop = () => {};
  try {
    await rest(url, viewer.token, "POST", "/api/rooms", { id: ROOM, name: "RTS bench" });
    progress(`web: ${units - 1} polling bots enter ${ROOM}`);
    const agents: string[] = new Array(units - 1);
    await times(units - 1, 8, async (i) => {
      const created = await rest(url, viewer.token, "POST", "/api/bots", { name: `unit${i}`, mode: "polling", rooms: [ROOM] });
      const id = (created.bot as { id: string }).id;
      await rest(url, viewer.token, "POST", `/api/bots/${id}/start`);
      agents[i] = id;
    });
    const rawPage = await newPage(browser);
    await rawPage.goto(raw.url);
    const rawFps = await rawFrames(rawPage, 3000);
    await rawPage.close();
    const page = await newPage(browser);
    await page.goto(`${url}/rts#room=${ROOM}&token=${viewer.token}`);
    await page.waitForFunction((n) => ((window as unknown as HookedWindow).meshRts?.unitCount ?? 0) >= n, units, { timeout: 120_000 });
    stop = keepCommanding(url, viewer.token, agents);
    // Every group has had an order and is walking before the sample starts.
    await page.waitForTimeout(Math.max(2000, (agents.length / GROUP) * 250 + 1000));
    const figures = await frameFigures(page, "meshRts", rawFps);
    const unitCount = await page.evaluate(() => (window as unknown as HookedWindow).meshRts?.unitCount ?? 0);
    emit({
      bench: "web.frames",
      page: "/rts",
      units: unitCount,
      walking_agents: agents.length,
      ...figures,
      note: "the viewer commands its own polling bots (a group order every 250 ms); headless Chromium draws with software GL: scene_update_ms is our CPU cost per frame apart from drawing",
    });
    await page.close();
  } finally {
    stop();
    await raw.close();
    await browser.close();
  }
}
