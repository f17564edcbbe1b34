/** Benchmarks are run through `npm run bench` (src/main.ts); this face only names their types. */
export type { BenchLine } from "./report.ts";
export type { BenchOptions, BenchSuite } from "./suite.ts";
export { suites } from "./suites.ts";
