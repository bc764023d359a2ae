// Mutation testing (npm run mutate): Stryker mutates the pure logic, the gates, parsers and
// verdicts, and runs only the unit and config tests that import the mutated file (vitest's
// `related`). The score must stay at 90% or more; each survivor is explained in
// test/mutation-survivors.md.
/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  vitest: { configFile: "vitest.mutation.config.ts", related: true },
  // Not "perTest": with vitest 4.1 and runner 9.6.1 it ran the wrong tests for a mutant, so mutants
  // that the tests kill (verdicts.ts's plural, measured) were reported as survivors.
  coverageAnalysis: "all",
  mutate: [
    "pipeline/modules/report/*.ts",
    "pipeline/modules/verdicts.ts",
    "pipeline/modules/release/semver.ts",
    "pipeline/modules/release/image-ref.ts",
    "cli/secret-reference.ts",
  ],
  // The sandbox holds the repository's files only: node_modules and the shared fixtures are linked.
  ignorePatterns: ["dist", "dist.staging-*", "coverage", "reports", "examples/**/.venv", "pipeline/sdk"],
  tempDirName: ".stryker-tmp",
  reporters: ["clear-text", "progress", "json"],
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  clearTextReporter: { allowColor: false, allowEmojis: false, reportScoreTable: true, reportMutants: true, reportTests: false },
  concurrency: 2,
  timeoutMS: 10_000,
  thresholds: { high: 90, low: 85, break: 90 },
};
