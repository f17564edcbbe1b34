import { buildWeb } from "../../../scripts/build-web.ts";
import { startMeshWorld } from "../network/mesh-world.ts";
import { progress } from "../report.ts";
import type { BenchSuite } from "../suite.ts";
import { browserBench } from "./browser.bench.ts";
import { bundleSizes } from "./bundle.bench.ts";

/**
 * The web clients as a visitor meets them: bytes to download per page, time to the first frame
 * in headless Chromium, and frames with many walking avatars (against a raw WebGL page).
 */
export const webSuite: BenchSuite = {
  name: "web",
  description: "bundle size per page (raw, gzip); /3d time to first frame and frame cost with 200 walking avatars in headless Chromium, vs a raw WebGL page",
  run: async (options, emit) => {
    if ((await buildWeb()) === "built") progress("web: built dist/web first");
    bundleSizes(emit);
    const world = await startMeshWorld("child");
    try {
      await browserBench(world, options.quick ? 30 : 200, emit);
    } finally {
      await world.close();
    }
  },
};
