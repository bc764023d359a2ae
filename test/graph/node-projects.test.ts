import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ExecOutcome } from "../../cli/recording-engine/engine.js";
import { recordRun } from "../../cli/recording-engine/run.js";
import { testsRan } from "../../cli/recording-engine/tests-ran.js";
import * as args from "../../pipeline/modules/node/args.js";
import { copyTestProject, testProjectPath } from "../helpers/examples.js";
import { pipelineOn, stageSummary } from "../helpers/pipeline.js";
import { chainOf, envOf } from "../helpers/records.js";

/**
 * Recorded plans of the Node toolchain on the one-case projects of
 * test/projects: the project's own scripts first, its runner's
 * configuration kept, workspaces run, lifecycle scripts after the source.
 */

const paths = args.reportPaths();

/** Mocha 12's own output on the project (its .mocharc.json picks the dot reporter), for the verdict. */
const MOCHA_OUTPUT = "\n> node-mocha@1.0.0 test\n> mocha\n\n\n\n  ...,\n\n  3 passing (2ms)\n  1 pending\n\n";

describe("node toolchain plans on the test projects", () => {
  it("runs a mocha project's tests through its own test script, with nothing added, and counts them from mocha's summary", async () => {
    const root = testProjectPath("node-mocha");
    const outcome = (argv: readonly string[]): ExecOutcome | undefined => (argv.join(" ") === "npm run test" ? { exitCode: 0, stdout: MOCHA_OUTPUT } : undefined);
    const { engine, result, error } = await recordRun(() => stageSummary(root, "test"), { execOutcome: outcome });
    expect(error).toBeUndefined();
    const tests = engine.executedCommands().filter((argv) => argv.includes("test"));
    // mocha takes one reporter: a JUnit one would replace the project's dot reporter (.mocharc.json), so none is added.
    expect(tests).toEqual([["npm", "run", "test"]]);
    expect(result).toContain("4 tests: 3 passed, 0 failed, 1 skipped (from mocha's summary");
    expect(result).not.toContain("no tests found");
  });

  it("fails a mocha project whose tests fail, naming the failing command", async () => {
    const failing = (argv: readonly string[]): ExecOutcome | undefined =>
      argv.join(" ") === "npm run test" ? { exitCode: 1, stdout: "  ..!,\n\n  2 passing (4ms)\n  1 pending\n  1 failing\n\n  1) sum\n       fails on purpose when FAILDEMO=1:\n\n      AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:\n" } : undefined;
    const { result } = await recordRun(() => stageSummary(testProjectPath("node-mocha"), "test"), { execOutcome: failing });
    expect(result).toContain("npm run test exited with code 1");
    expect(result).toContain("4 tests: 2 passed, 1 failed, 1 skipped");
    expect(result).toContain("AssertionError");
  });

  it("fails the default coverage gate of a mocha project, which writes no coverage, saying how to fix it", async () => {
    const root = copyTestProject("node-mocha", { "pipeline.yaml": "stages: {}\n" });
    const outcome = (argv: readonly string[]): ExecOutcome | undefined => (argv.join(" ") === "npm run test" ? { exitCode: 0, stdout: MOCHA_OUTPUT } : undefined);
    const { result } = await recordRun(() => stageSummary(root, "test"), { execOutcome: outcome });
    expect(result).toContain("no coverage report was produced, so the 80% coverage gate cannot be checked (set stages.test.coverageThreshold: 0");
  });

  it("lints with the project's check:* scripts when it keeps its lint there", async () => {
    const { engine, error } = await recordRun(async () => (await pipelineOn(testProjectPath("node-mocha"))).lint());
    expect(error).toBeUndefined();
    const runs = engine.executedCommands().filter((argv) => argv[0] === "npm" && argv[1] === "run" && argv[2] !== "--if-present");
    expect(runs).toEqual([["npm", "run", "check:lint"], ["npm", "run", "check:types"]]);
  });

  it("leaves out a check:* script that the lint script already runs, and check:* scripts that test", async () => {
    const pkg = JSON.parse(readFileSync(join(testProjectPath("node-mocha"), "package.json"), "utf8"));
    pkg.scripts = { ...pkg.scripts, lint: "npm run check:lint", "check:test": "mocha" };
    const root = copyTestProject("node-mocha", { "package.json": JSON.stringify(pkg) });
    const { engine, error } = await recordRun(async () => (await pipelineOn(root)).lint());
    expect(error).toBeUndefined();
    const runs = engine.executedCommands().filter((argv) => argv[0] === "npm" && argv[1] === "run" && argv[2] !== "--if-present");
    expect(runs).toEqual([["npm", "run", "lint"], ["npm", "run", "check:types"]]);
  });

  it("runs an npm-workspaces monorepo's test and lint scripts in its workspaces, never nothing", async () => {
    const root = testProjectPath("node-workspaces");
    const { engine, result, error } = await recordRun(async () => [await stageSummary(root, "test"), await stageSummary(root, "lint")].join("\n"));
    expect(error).toBeUndefined();
    const commands = engine.executedCommands();
    expect(commands).toContainEqual(["npm", "run", "test", "--workspaces", "--if-present"]);
    // greet defines lint, shout check:types: each script once, npm skipping the workspaces without it.
    expect(commands).toContainEqual(["npm", "run", "lint", "--workspaces", "--if-present"]);
    expect(commands).toContainEqual(["npm", "run", "check:types", "--workspaces", "--if-present"]);
    expect(result).not.toMatch(/skipped|no test/i);
  });

  it("runs each workspace's script by name with yarn, and recursively with pnpm", async () => {
    const yarn = copyTestProject("node-workspaces", { "yarn.lock": "# yarn lockfile v1\n" });
    const { rmSync } = await import("node:fs");
    rmSync(join(yarn, "package-lock.json"));
    const ranYarn = await recordRun(async () => (await pipelineOn(yarn)).test());
    expect(ranYarn.error).toBeUndefined();
    expect(ranYarn.engine.executedCommands().filter((argv) => argv.includes("workspace"))).toEqual([
      ["corepack", "yarn", "workspace", "@ws/greet", "run", "test"],
      ["corepack", "yarn", "workspace", "@ws/shout", "run", "test"],
    ]);

    const pnpm = copyTestProject("node-workspaces", { "pnpm-lock.yaml": "lockfileVersion: '9.0'\n", "pnpm-workspace.yaml": "packages:\n  - 'packages/*'\n" });
    rmSync(join(pnpm, "package-lock.json"));
    const pkg = JSON.parse(readFileSync(join(pnpm, "package.json"), "utf8"));
    delete pkg.workspaces;
    const { writeFileSync } = await import("node:fs");
    writeFileSync(join(pnpm, "package.json"), JSON.stringify(pkg));
    const ranPnpm = await recordRun(async () => (await pipelineOn(pnpm)).lint());
    expect(ranPnpm.error).toBeUndefined();
    expect(ranPnpm.engine.executedCommands()).toContainEqual(["corepack", "pnpm", "--recursive", "--if-present", "run", "lint"]);
    expect(ranPnpm.engine.executedCommands()).toContainEqual(["corepack", "pnpm", "--recursive", "--if-present", "run", "check:types"]);
  });

  it("installs without lifecycle scripts from the manifests alone, then runs them once the source is there", async () => {
    const root = testProjectPath("node-prepare-build");
    const { engine, error } = await recordRun(async () => (await pipelineOn(root)).test(), testsRan());
    expect(error).toBeUndefined();
    const steps = chainOf(engine.records, ["npm", "run", "--if-present", "prepare"]);
    const copies = steps.flatMap((s, i) => (s.field === "withDirectory" ? [i] : []));
    const execs = steps.flatMap((s, i) => (s.field === "withExec" ? [{ i, argv: s.args["args"] }] : []));
    expect(execs.map((e) => e.argv)).toEqual([
      ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
      ["npm", "rebuild"],
      ["npm", "run", "--if-present", "prepare"],
    ]);
    // The install sees the manifests only; rebuild and prepare come after the whole source.
    expect(steps[copies[0]!]!.args["include"]).toEqual([...args.INSTALL_INPUTS]);
    expect(execs[0]!.i).toBeLessThan(copies[1]!);
    expect(copies[1]!).toBeLessThan(execs[1]!.i);
    // The test script runs after prepare, in the container it built.
    const test = chainOf(engine.records, ["npm", "run", "test"]);
    expect(test.filter((s) => s.field === "withExec").map((s) => s.args["args"])).toContainEqual(["npm", "run", "--if-present", "prepare"]);
  });

  it("never replaces a jest project's own testPathIgnorePatterns: its script runs with reporter flags that only add", async () => {
    const root = testProjectPath("node-jest-ignores");
    const { engine, error } = await recordRun(async () => (await pipelineOn(root)).test(), testsRan());
    expect(error).toBeUndefined();
    const jest = engine.executedCommands().find((argv) => argv.slice(0, 3).join(" ") === "npm run test")!;
    expect(jest).toEqual([
      "npm", "run", "test", "--",
      "--ci", "--json", `--outputFile=${paths.testJestJson}`,
      "--coverage", "--coverageReporters=cobertura", "--coverageReporters=text-summary", `--coverageDirectory=${paths.coverageDir}`,
    ]);
    expect(jest.join(" ")).not.toContain("testPathIgnorePatterns");
  });

  it("without a test script, keeps the ignore list of a jest config, and sets one only over jest's default", async () => {
    const pkg = JSON.parse(readFileSync(join(testProjectPath("node-jest-ignores"), "package.json"), "utf8"));
    delete pkg.scripts;
    const configured = copyTestProject("node-jest-ignores", { "package.json": JSON.stringify(pkg) });
    const ran = await recordRun(async () => (await pipelineOn(configured)).test());
    const direct = ran.engine.executedCommands().find((argv) => argv.includes("jest"))!;
    expect(direct.slice(0, 5)).toEqual(["npx", "--no", "--", "jest", "--ci"]);
    expect(direct.join(" ")).not.toContain("testPathIgnorePatterns");

    delete pkg.jest;
    const bare = copyTestProject("node-jest-ignores", { "package.json": JSON.stringify(pkg) });
    const ranBare = await recordRun(async () => (await pipelineOn(bare)).test());
    expect(ranBare.engine.executedCommands().find((argv) => argv.includes("jest"))).toContain("--testPathIgnorePatterns=/node_modules/");
  });

  it("adds vitest's reporters and excludes after a vitest script (vitest adds CLI excludes to the config's)", async () => {
    const pkg = { name: "v", scripts: { test: "vitest run --passWithNoTests" }, devDependencies: { vitest: "4.1.12" } };
    const root = copyTestProject("node-mocha", { "package.json": JSON.stringify(pkg) });
    const { engine } = await recordRun(async () => (await pipelineOn(root)).test());
    const argv = engine.executedCommands().find((a) => a.slice(0, 3).join(" ") === "npm run test")!;
    expect(argv).toEqual([
      "npm", "run", "test", "--",
      "--reporter=default", "--reporter=junit", `--outputFile.junit=${paths.testJunit}`,
      "--exclude=**/*.property.{test,spec}.*", `--exclude=${args.INTEGRATION_FILES}`,
    ]);
  });

  it("passes a compound test script no flag, and says the counts are unavailable", async () => {
    const pkg = { name: "c", scripts: { test: "npm run build && node scripts/run-tests.js" } };
    const root = copyTestProject("node-mocha", { "package.json": JSON.stringify(pkg) });
    const { engine, result } = await recordRun(() => stageSummary(root, "test"));
    const argv = engine.executedCommands().find((a) => a.slice(0, 3).join(" ") === "npm run test")!;
    expect(argv).toEqual(["npm", "run", "test"]);
    expect(envOf(chainOf(engine.records, argv))["NODE_OPTIONS"]).toBeUndefined();
    expect(result).toContain("test counts and reports unavailable");
  });
});
