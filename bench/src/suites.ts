import { simSuite } from "./sim/index.ts";
import type { BenchSuite } from "./suite.ts";

/**
 * Every suite `npm run bench` knows, in the order they run.
 * Add new ones here (e.g. persistence write-behind, network fan-out), one folder each.
 */
export const suites: readonly BenchSuite[] = [simSuite];
