import { defineConfig } from "vitest/config";

// The tests Stryker may run against a mutant: the pure ones (no engine, no spawned CLI, no tools).
export default defineConfig({
  test: {
    include: ["test/unit/**/*.test.ts", "test/config/**/*.test.ts"],
    testTimeout: 60_000,
  },
});
