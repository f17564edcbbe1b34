import { buildWeb } from "../../../scripts/build-web.ts";
import { startMeshWorld } from "../network/mesh-world.ts";
import { progress } from "../report.ts";
import type { BenchSuite } from "../suite.ts";
import { browserBench } from "./browser.bench.ts";
import { bundleSizes } from "./bundle.bench.ts";
import { rtsBench } from "./rts.bench.ts";

/**
 * The web clients as a visitor meets them: bytes to download per page, time to the first frame
 * in headless Chromium, frames with many walking avatars in /3d and many units under orders in
 * /rts (each against a raw WebGL page of the same run).
 */
export const webSuite: BenchSuite = {
  name: "web",
  description: "bundle size per page (raw, gzip); /3d time to first frame and frame cost with 200 walking avatars, /rts frame cost with 500 units under orders, in headless Chromium vs a raw WebGL page",
  run: async (options, emit) => {
    if ((await buildWeb()) === "built") progress("web: built dist/web first");
    bundleSizes(emit);
    // The RTS bench's viewer owns its 499 units: bot sign-ups count against room creations.
    const world = await startMeshWorld("child", { MESH_BOTS_PER_MEMBER: "100000", MESH_ROOM_CREATES_PER_MIN: "10000" });
    try {
      await browserBench(world, options.quick ? 30 : 200, emit);
      await rtsBench(world, options.quick ? 50 : 500, emit);
    } finally {
      await world.close();
    }
  },
};
