import { defineConfig } from "vitest/config";

/**
 * End-to-end checks that install a fresh clone (minutes of npm install): they run after the
 * rest of the suite, alone, so they neither slow nor starve the timing-sensitive tests.
 */
export default defineConfig({
  test: {
    include: ["server/test/e2e/**/*.e2e.ts"],
    testTimeout: 900_000,
    hookTimeout: 60_000,
    maxWorkers: 1,
  },
});
