import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { EVERY_STAGE_REPORTS, pipelineOn, reportFiles, stageSummary } from "../helpers/pipeline.js";
import { describe, expect, it } from "vitest";
import type { ExecOutcome } from "../../cli/recording-engine/engine.js";
import { recordRun } from "../../cli/recording-engine/run.js";
import * as args from "../../pipeline/modules/node/args.js";
import { IMAGES } from "../../pipeline/modules/pins.js";
import { TOOL_INPUT_EXCLUDES } from "../../pipeline/modules/project.js";
import { serializeBaseline } from "../../pipeline/modules/report/bench.js";
import { copyExample, examplePath } from "../helpers/examples.js";
import { haveFixtures, readFixture } from "../helpers/fixtures.js";
import { chainOf, envOf, newFilesOf, wavesOf } from "../helpers/records.js";

/**
 * Recorded graphs of the Node toolchain on examples/node-service (npm
 * lockfile, `node --test` through tsx, fast-check, tinybench script).
 */

const paths = args.reportPaths();
/** The example's test files, split by the toolchain's own convention. */
const { unit: UNIT_FILES, property: PROPERTY_FILES } = args.splitTestFiles(
  readdirSync(join(examplePath("node-service"), "test")).map((name) => `test/${name}`),
);
const UNIT = [
  "node", "--import", "tsx", "--test", "--experimental-test-coverage",
  "--test-reporter=spec", "--test-reporter-destination=stdout",
  "--test-reporter=junit", `--test-reporter-destination=${paths.testJunit}`,
  "--test-reporter=lcov", `--test-reporter-destination=${paths.testLcov}`,
  ...UNIT_FILES,
];
/** The fast-check setup module the property stage writes into the project's node_modules and preloads. */
const SETUP_MJS = "/src/node_modules/.pipeline-fast-check-setup.mjs";
const PROPERTY = [
  "node", "--import", "tsx", "--import", SETUP_MJS, "--test",
  "--test-reporter=spec", "--test-reporter-destination=stdout",
  "--test-reporter=junit", `--test-reporter-destination=${paths.propertyJunit}`,
  ...PROPERTY_FILES,
];
const BENCH = ["npm", "run", "bench"];
/** The example's own `test` script: `node --test` with its own reporters, so the pipeline's come through NODE_OPTIONS. */
const SCRIPT_TEST = ["npm", "run", "test"];
const SCRIPT_REPORTERS = `--test-reporter=junit --test-reporter-destination=${paths.testJunit} --test-reporter=lcov --test-reporter-destination=${paths.testLcov}`;
const INSTALL = ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"];
/** The example without its test script: the pipeline picks `node --test` and the files itself. */
function withoutTestScript(root: string): string {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  delete pkg.scripts.test;
  writeFileSync(join(root, "package.json"), JSON.stringify(pkg));
  return root;
}

/** A tinybench result as the example's bench script writes it (times in ms). */
const TINYBENCH = JSON.stringify([{ name: "slugify", result: { latency: { samples: [0.0051, 0.005, 0.0052, 0.0049, 0.005, 0.0051] } } }]);

/** Real node:test outputs (../shared/fixtures/node) for the report files the stages read. */
function realReports(path: string): string | undefined {
  if (path === paths.testJunit || path === paths.propertyJunit) return readFixture("node/node-test-junit-pass.xml");
  if (path === paths.testLcov) return readFixture("node/node-test-lcov.info");
  if (path === paths.benchJson) return TINYBENCH;
  return undefined;
}

// These graphs read real tool reports from ../shared/fixtures.
describe.skipIf(!haveFixtures)("node toolchain graph", () => {
  it("runs as the non-root node user, installs from the manifests alone with npm ci --ignore-scripts, copies the source, then runs the lifecycle scripts and the project's test script", async () => {
    const root = examplePath("node-service");
    const { engine, error } = await recordRun(async () => (await pipelineOn(root)).test(), { fileContents: realReports });
    expect(error).toBeUndefined();

    expect(UNIT_FILES).toEqual(expect.arrayContaining(["test/slug.test.ts", "test/url.test.ts"]));
    expect(PROPERTY_FILES).toEqual(["test/normalize.property.test.ts"]);
    const chain = chainOf(engine.records, SCRIPT_TEST);
    expect(chain.slice(0, 2)).toEqual([
      { field: "container", args: {} },
      { field: "from", args: { address: IMAGES.node } },
    ]);
    const caches = chain.filter((s) => s.field === "withMountedCache").map((s) => s.args);
    expect(caches).toEqual([
      { path: "/cache/npm", cache: { $chain: [{ field: "cacheVolume", args: { key: "npm" } }] }, owner: "node" },
      { path: "/cache/corepack", cache: { $chain: [{ field: "cacheVolume", args: { key: "corepack" } }] }, owner: "node" },
      { path: "/cache/pnpm-store", cache: { $chain: [{ field: "cacheVolume", args: { key: "pnpm-store" } }] }, owner: "node" },
      { path: "/cache/yarn", cache: { $chain: [{ field: "cacheVolume", args: { key: "yarn" } }] }, owner: "node" },
    ]);
    // Every exec runs as `node`: the user is set before the first one.
    const user = chain.findIndex((s) => s.field === "withUser");
    expect(chain[user]!.args).toEqual({ name: "node" });
    expect(user).toBeLessThan(chain.findIndex((s) => s.field === "withExec"));
    expect(chain.find((s) => s.field === "withWorkdir")!.args).toEqual({ path: "/src" });
    expect(envOf(chain)).toMatchObject({ CI: "true" });

    // Install step: its inputs are the manifests and lockfiles only, with no lifecycle script (they may need the source);
    // then the source without node_modules, then the lifecycle scripts (rebuild, prepare), then the test script.
    const tail = chain.slice(chain.findIndex((s) => s.field === "withDirectory"));
    // The stage's label comes before the stage's own command: the install layers stay shared between stages.
    expect(tail.map((s) => s.field)).toEqual(["withDirectory", "withExec", "withDirectory", "withExec", "withExec", "withLabel", "withEnvVariable", "withEntrypoint", "withExec"]);
    const source = { $chain: [{ field: "host", args: {} }, { field: "directory", args: { path: root } }, { field: "filter", args: { exclude: [...TOOL_INPUT_EXCLUDES] } }] };
    expect(tail[0]!.args).toEqual({ path: "/src", source, include: [...args.INSTALL_INPUTS], owner: "node" });
    expect(tail[1]!.args["args"]).toEqual(INSTALL);
    expect(tail[2]!.args).toEqual({ path: "/src", source, exclude: args.SOURCE_EXCLUDES, owner: "node" });
    expect([tail[3]!.args["args"], tail[4]!.args["args"]]).toEqual([["npm", "rebuild"], ["npm", "run", "--if-present", "prepare"]]);
    // The script's own reporters stay (it sets them): the pipeline's JUnit and lcov are added through NODE_OPTIONS.
    expect(tail[5]!.args).toEqual({ name: "org.pipeline.stage", value: "test" });
    expect(tail[6]!.args).toEqual({ name: "NODE_OPTIONS", value: SCRIPT_REPORTERS });
    expect(tail[8]!.args).toEqual({ args: SCRIPT_TEST, useEntrypoint: true, expect: "ANY" });
  });

  it("without a test script, runs node --test on the test files it finds", async () => {
    const root = withoutTestScript(copyExample("node-service"));
    const { engine, error } = await recordRun(async () => (await pipelineOn(root)).test(), { fileContents: realReports });
    expect(error).toBeUndefined();
    expect(chainOf(engine.records, UNIT).at(-1)!.args).toEqual({ args: UNIT, useEntrypoint: true, expect: "ANY" });
  });

  it("never passes build output or dependencies to node --test", async () => {
    const root = withoutTestScript(copyExample("node-service"));
    mkdirSync(join(root, "dist", "test"), { recursive: true });
    writeFileSync(join(root, "dist", "test", "url.test.js"), "// compiled copy\n");
    const { engine, error } = await recordRun(async () => (await pipelineOn(root)).test(), { fileContents: realReports });
    expect(error).toBeUndefined();
    expect(chainOf(engine.records, UNIT).length).toBeGreaterThan(0);
  });

  it("runs only the *.property.test.* files, preloading a module that sets fast-check's numRuns from stages.propertyTest.iterations", async () => {
    const root = copyExample("node-service", { "pipeline.yaml": "stages:\n  propertyTest:\n    iterations: 250\n" });
    const { engine, error } = await recordRun(async () => (await pipelineOn(root)).propertyTest(), { fileContents: realReports });
    expect(error).toBeUndefined();
    const chain = chainOf(engine.records, PROPERTY);
    // Written after the install and the source, as `node`, right before the run: no env variable for the tests to read.
    expect(chain.slice(-3).map((s) => s.field)).toEqual(["withNewFile", "withEntrypoint", "withExec"]);
    expect(chain.at(-3)!.args).toEqual({ path: SETUP_MJS, contents: args.fastCheckSetup(250, "esm", "/src").source, owner: "node" });
    expect(newFilesOf(chain)[SETUP_MJS]).toContain("numRuns: 250 })");
    expect(Object.keys(envOf(chain))).not.toContain("FAST_CHECK_NUM_RUNS");
  });

  it("preloads the fast-check setup in vitest's workers through NODE_OPTIONS, and in jest with --setupFiles", async () => {
    const iterations = "stages:\n  propertyTest:\n    iterations: 42\n";
    const vitest = copyExample("node-service", { "package.json": JSON.stringify({ name: "x", devDependencies: { vitest: "4.1.12" } }), "pipeline.yaml": iterations });
    const ranVitest = await recordRun(async () => (await pipelineOn(vitest)).propertyTest(), { fileContents: realReports });
    expect(ranVitest.error).toBeUndefined();
    const vitestArgv = ["npx", "--no", "vitest", "run", ...PROPERTY_FILES, "--reporter=default", "--reporter=junit", `--outputFile.junit=${paths.propertyJunit}`];
    const vitestChain = chainOf(ranVitest.engine.records, vitestArgv);
    expect(envOf(vitestChain)["NODE_OPTIONS"]).toBe(`--import=${SETUP_MJS}`);
    expect(newFilesOf(vitestChain)).toEqual({ [SETUP_MJS]: args.fastCheckSetup(42, "esm", "/src").source });

    const jest = copyExample("node-service", { "package.json": JSON.stringify({ name: "x", devDependencies: { jest: "30.5.2" } }), "pipeline.yaml": iterations });
    const ranJest = await recordRun(async () => (await pipelineOn(jest)).propertyTest());
    const setupCjs = "/src/node_modules/.pipeline-fast-check-setup.cjs";
    const jestArgv = ["npx", "--no", "--", "jest", "--ci", "--json", `--outputFile=${paths.propertyJestJson}`, "\\.property\\.(test|spec)\\.", `--setupFiles=${setupCjs}`];
    expect(ranJest.engine.executedCommands()).toContainEqual(jestArgv);
    const jestSetup = newFilesOf(chainOf(ranJest.engine.records, jestArgv))[setupCjs];
    expect(jestSetup).toBe(args.fastCheckSetup(42, "cjs", "/src").source);
    expect(jestSetup).toContain('require("fast-check")');
  });

  it("runs the bench script with BENCH_OUTPUT and parses its tinybench JSON", async () => {
    const { engine, result, error } = await recordRun(() => stageSummary(examplePath("node-service"), "bench"), {
      fileContents: realReports,
    });
    expect(error).toBeUndefined();
    expect(envOf(chainOf(engine.records, BENCH))[args.BENCH_OUTPUT_ENV]).toBe(paths.benchJson);
    expect(result).toMatch(/1 benchmark measured/);
  });

  it("runs the lint and typecheck scripts concurrently", async () => {
    const { engine, error } = await recordRun(async () => (await pipelineOn(examplePath("node-service"))).lint());
    expect(error).toBeUndefined();
    const [lint, typecheck] = wavesOf(await engine.executions(), ["npm", "run", "lint"], ["npm", "run", "typecheck"]);
    expect(lint).toBe(typecheck);
  });

  it("skips lint with the reason when package.json has neither script, and uses pnpm/yarn through corepack", async () => {
    const pkg = JSON.stringify({ name: "x", scripts: { bench: "node bench.js" }, devDependencies: { vitest: "4.1.12" } });
    const pnpm = copyExample("node-service", { "package.json": pkg, "pnpm-lock.yaml": "lockfileVersion: '9.0'\n" });
    const { engine, result, error } = await recordRun(async () => {
      return [await stageSummary(pnpm, "lint"), await stageSummary(pnpm, "bench")].join("\n");
    }, { fileContents: (path) => (path.startsWith("/tmp/node-vitest-bench-") ? JSON.stringify({ files: [] }) : undefined) });
    expect(error).toBeUndefined();
    // No linter to run: lint fails by default (stages.lint.ifNothingRuns: fail), naming why.
    expect(result).toContain("lint: nothing ran: package.json defines no lint, typecheck or check:* script");
    expect(engine.executedCommands()).toContainEqual(["corepack", "pnpm", "install", "--frozen-lockfile", "--ignore-scripts"]);
    expect(engine.executedCommands()).toContainEqual(["corepack", "pnpm", "rebuild"]);
    expect(engine.executedCommands()).toContainEqual(["corepack", "pnpm", "run", "--if-present", "prepare"]);
    // vitest with *.bench.* files: vitest's own bench runner, once per sample; with no baseline yet, one sample.
    expect(engine.executedCommands()).toContainEqual(["npx", "--no", "vitest", "bench", "--run", "--outputJson", paths.vitestBenchJson(1)]);
    expect(engine.executedCommands()).not.toContainEqual(["npx", "--no", "vitest", "bench", "--run", "--outputJson", paths.vitestBenchJson(2)]);
  });

  it("runs vitest bench once per sample, one run after another, and compares the medians with the baseline", async () => {
    const pkg = JSON.stringify({ name: "x", devDependencies: { vitest: "4.1.12" } });
    const baseline = serializeBaseline([{ name: "normalize > slugify", unit: "ms", samples: [1, 1.01, 0.99, 1.02] }]);
    const root = copyExample("node-service", {
      "package.json": pkg,
      "pipeline.yaml": "stages:\n  bench: { count: 4 }\n",
      ".pipeline/bench-baseline.json": baseline,
    });
    // Run i reports a median of 1.5 + i/100 ms: every run 50% slower than the baseline.
    const vitestJson = (path: string) => {
      const run = /node-vitest-bench-(\d+)\.json$/.exec(path)?.[1];
      if (run === undefined) return undefined;
      const benchmark = { name: "slugify", median: 1.5 + Number(run) / 100, samples: [] };
      return JSON.stringify({ files: [{ filepath: "bench/normalize.bench.ts", groups: [{ fullName: "normalize", benchmarks: [benchmark] }] }] });
    };
    const { engine, result, error } = await recordRun(() => stageSummary(root, "bench"), { fileContents: vitestJson });
    expect(error).toBeUndefined();
    const runs = [1, 2, 3, 4].map((i) => ["npx", "--no", "vitest", "bench", "--run", "--outputJson", paths.vitestBenchJson(i)]);
    expect(engine.executedCommands().filter((argv) => argv.includes("bench"))).toEqual(runs);
    // Each run follows the previous one in the same chain, so they never overlap.
    const last = chainOf(engine.records, runs[3]!).filter((s) => s.field === "withExec").map((s) => s.args["args"]);
    expect(last.slice(-4)).toEqual(runs);
    expect(result).toMatch(/1 benchmark regression: normalize > slugify ms \+5\d\.\d\d% \(p=0\.029\)/);
  });

  it("runs jest with its own JSON results (no reporter package) and Cobertura coverage", async () => {
    const root = copyExample("node-service", { "package.json": JSON.stringify({ name: "x", devDependencies: { jest: "30.5.2" } }) });
    const reports = (path: string) =>
      path === paths.testJestJson ? readFixture("node/jest-results.json") : path === paths.testCobertura ? readFixture("node/c8-cobertura.xml") : undefined;
    const { engine, result, error } = await recordRun(() => stageSummary(root, "test"), { fileContents: reports });
    expect(error).toBeUndefined();
    // `--` keeps npx from taking jest's flags as its own.
    expect(engine.executedCommands()).toContainEqual(expect.arrayContaining(["npx", "--no", "--", "jest", "--json", `--outputFile=${paths.testJestJson}`]));
    expect(result).toContain("5 tests: 2 passed, 1 failed, 2 skipped");
    // Paths relative to the project (the fixture ran in /src/nodesample).
    expect(result).toContain("FAIL nodesample/jestdemo/clamp.test.js clamp fails on purpose when FAILDEMO=1: Error: expect(received).toBe(expected)");
  });

  it("uses yarn through corepack when yarn.lock is the lockfile", async () => {
    const root = copyExample("node-service", { "yarn.lock": "# yarn lockfile v1\n" });
    const { rmSync } = await import("node:fs");
    rmSync(join(root, "package-lock.json"));
    const { engine, error } = await recordRun(async () => (await pipelineOn(root)).lint());
    expect(error).toBeUndefined();
    expect(engine.executedCommands()).toEqual([
      ["corepack", "yarn", "install", "--frozen-lockfile", "--ignore-scripts"],
      // Yarn 1 lays out node_modules as npm does: npm rebuilds it and runs prepare.
      ["npm", "rebuild"],
      ["npm", "run", "--if-present", "prepare"],
      ["corepack", "yarn", "run", "lint"],
      ["corepack", "yarn", "run", "typecheck"],
    ]);
  });

  it("runs lint, test and property tests of ci concurrently, sharing one install, then the benchmarks alone", async () => {
    const { engine } = await recordRun(async () => (await pipelineOn(examplePath("node-service"))).ci(), {
      fileContents: realReports,
    });
    const executions = await engine.executions();
    const [install, prepare, bench, ...stages] = wavesOf(executions, INSTALL, ["npm", "run", "--if-present", "prepare"], BENCH, SCRIPT_TEST, PROPERTY, ["npm", "run", "lint"]);
    expect(prepare).toBeGreaterThan(install!);
    // One wave answered every other stage's tool: none waited for another's answer, all for the one install and its lifecycle scripts.
    expect(new Set(stages)).toEqual(new Set([prepare! + 1]));
    // Bench measures after every other exec, as quietly as bench-baseline does.
    const others = executions.filter((e) => e.args.join(" ") !== BENCH.join(" "));
    expect(bench).toBeGreaterThan(Math.max(...others.map((e) => e.wave)));
  });

  it("fails test with node:test's own failure while reports() keeps every stage's reports", async () => {
    const failing = (argv: readonly string[]): ExecOutcome | undefined =>
      argv.join(" ") === SCRIPT_TEST.join(" ") ? { exitCode: 1, stdout: readFixture("node/node-test-coverage-spec.txt") } : undefined;
    const reportsFor = (path: string) => (path === paths.testJunit ? readFixture("node/node-test-junit-fail.xml") : realReports(path));

    const failed = await recordRun(async () => (await pipelineOn(examplePath("node-service"))).test(), {
      execOutcome: failing,
      fileContents: reportsFor,
    });
    const message = String((failed.error as Error).message);
    expect(message).toContain(`${SCRIPT_TEST.join(" ")} exited with code 1`);
    expect(message).toMatch(/FAIL test fails on purpose when FAILDEMO=1: .*Expected values to be strictly equal/);

    const files = await reportFiles(examplePath("node-service"), { execOutcome: failing, fileContents: reportsFor });
    expect(Object.keys(files).sort()).toEqual(EVERY_STAGE_REPORTS);
    expect(files["test/junit.xml"]).toContain("fails on purpose when FAILDEMO=1");
    expect(files["test/coverage.cobertura.xml"]).toContain("math.js");
  });
});
