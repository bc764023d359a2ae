import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Coverage of the engine's own code (what `dagger call ci` gates on this repository).
    coverage: { include: ["cli/**", "pipeline/src/**", "pipeline/modules/**"] },
  },
});
