import { cpSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { REAL_TOOL_TIMEOUT } from "../helpers/run-locally.js";
import * as args from "../../pipeline/modules/node/args.js";
import { benchGate, compareBenchmarks, parseTinybench, serializeBaseline } from "../../pipeline/modules/report/bench.js";
import type { BenchmarkSamples } from "../../pipeline/modules/report/model.js";
import { parseLcov } from "../../pipeline/modules/report/coverage.js";
import { parseJUnit } from "../../pipeline/modules/report/junit.js";
import { runLocally } from "../helpers/run-locally.js";
import { benchVerdict, lintVerdict, testVerdict } from "../../pipeline/modules/verdicts.js";
import { copyExample, REPO, tempDir } from "../helpers/examples.js";
import { testScript } from "../../pipeline/modules/node/scripts.js";
import { scriptTestCommand } from "../../pipeline/modules/node/test-script.js";

/**
 * Real-tool tests: the exact argv the Node toolchain runs (args.ts), run with
 * the Node here on copies of examples/node-service whose dependencies come
 * from `npm ci --ignore-scripts` and the lifecycle scripts after it (what
 * the pipeline's install steps run), and the real outputs read with the real
 * parsers and verdicts.
 */

/** npm's codes for "the registry could not be reached": only then do these tests skip. */
const OFFLINE = /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH)\b/;

let installed: string | undefined;
let skipReason: string | undefined;

beforeAll(async () => {
  const root = copyExample("node-service");
  const { manager, lockfile } = args.detectPackageManager(readdirSync(root));
  const [file, ...rest] = args.installArgs(manager, lockfile !== undefined, readdirSync(root));
  const install = await execa(file!, rest, { cwd: root, reject: false, timeout: 300_000 });
  if (install.exitCode !== 0) {
    const output = `${String(install.stderr)}\n${String(install.stdout)}`;
    if (OFFLINE.test(output)) {
      skipReason = `the npm registry is unreachable, so ${[file, ...rest].join(" ")} cannot install the example's dependencies`;
      return;
    }
    throw new Error(`${[file, ...rest].join(" ")} failed in a copy of examples/node-service (the pipeline's install step would too):\n${output}`);
  }
  for (const [step, ...stepArgs] of args.lifecycleArgs(manager, readdirSync(root))) await execa(step!, stepArgs, { cwd: root, timeout: 300_000 });
  installed = root;
}, 300_000);

/** A fresh copy of the example sharing the installed node_modules, with `files` written over it. */
function project(files: Record<string, string> = {}): string {
  const root = tempDir("node-service-");
  cpSync(installed!, root, { recursive: true, filter: (src) => !src.split(sep).includes("node_modules") });
  symlinkSync(join(installed!, "node_modules"), join(root, "node_modules"));
  for (const [path, contents] of Object.entries(files)) writeFileSync(join(root, path), contents);
  return root;
}

/** Every file under `root` (relative, `/`-separated), as `project.source.glob` would list them. */
function listFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)).split(sep).join("/"))
    .filter((f) => !f.split("/").includes("node_modules"));
}

function packageJson(root: string): args.PackageJson {
  return args.parsePackageJson(readFileSync(join(root, "package.json"), "utf8"));
}

/** A test whose module has a branch no test takes, so coverage stays below 100%. */
const PARTLY_COVERED = {
  "src/partly.ts": "export function partly(x: number): number {\n  if (x > 0) {\n    return 1;\n  }\n  return 2;\n}\n",
  "test/partly.test.ts": 'import { test } from "node:test";\nimport { partly } from "../src/partly.js";\ntest("partly", () => {\n  partly(1);\n});\n',
};

/**
 * fast-check properties that record how many cases they ran, into files
 * beside the project: one leaves numRuns unset, reading no setting at all,
 * one passes its own (which fast-check puts over the global settings).
 */
const COUNTING_PROPERTY = `import { writeFileSync } from "node:fs";
import { test } from "node:test";
import fc from "fast-check";

test("counts runs", () => {
  let runs = 0;
  fc.assert(fc.property(fc.integer(), () => { runs++; }));
  writeFileSync(new URL("../count.txt", import.meta.url), String(runs));
});

test("keeps its own numRuns", () => {
  let runs = 0;
  fc.assert(fc.property(fc.integer(), () => { runs++; }), { numRuns: 3 });
  writeFileSync(new URL("../own.txt", import.meta.url), String(runs));
});
`;

/** Writes a command's files (the fast-check setup module) where the container would have them. */
function writeCommandFiles(command: args.TestCommand): void {
  for (const [path, contents] of Object.entries(command.files ?? {})) writeFileSync(path, contents);
}

/** The bench stage's own verdict on a current run against a baseline, through the committed file format. */
function benchStageVerdict(baseline: BenchmarkSamples[], current: BenchmarkSamples[]) {
  const gate = { count: 6, thresholdPercent: 10, alpha: 0.05, baselinePath: "bench-baseline.json", baselineText: serializeBaseline(baseline) };
  return benchVerdict({ run: { argv: ["bench"], exitCode: 0, stdout: "", stderr: "", files: {} }, current, gate });
}

describe("node toolchain commands on the real tools", REAL_TOOL_TIMEOUT, () => {
  it("runs the unit tests with coverage: JUnit counts, lcov without the test files, and a failing gate above it", async (ctx) => {
    if (!installed) return ctx.skip(skipReason);
    const root = project(PARTLY_COVERED);
    const pkg = packageJson(root);
    expect(args.detectTestRunner(pkg)).toBe("node");
    const files = args.splitTestFiles(listFiles(root));
    expect(files.unit).toContain("test/partly.test.ts");
    expect(files.property).toEqual(["test/normalize.property.test.ts"]);

    const command = args.unitTestCommand("node", pkg, files.unit, root);
    expect(command.argv.slice(0, 3)).toEqual(["node", "--import", "tsx"]);
    const result = await runLocally(command.argv, root, command.env, [command.results.path, command.coverage!.path]);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);

    const suites = parseJUnit(result.files[command.results.path]!);
    const cases = suites.flatMap((s) => s.tests);
    expect(cases.filter((t) => t.status === "passed").length).toBeGreaterThan(20);
    expect(cases.filter((t) => t.status === "failed")).toEqual([]);

    const lcov = result.files[command.coverage!.path]!;
    expect(lcov).toMatch(/^SF:.*test\/partly\.test\.ts$/m);
    const coverage = parseLcov(args.dropLcovRecords(lcov, files.unit));
    expect(coverage.files.map((f) => f.path).join(" ")).not.toMatch(/test\//);
    expect(coverage.files.map((f) => f.path).join(" ")).toMatch(/src\/partly\.ts/);
    expect(coverage.percent).toBeGreaterThan(50);
    expect(coverage.percent).toBeLessThan(100);

    expect(testVerdict({ stage: "test", run: result, suites, coverage, coverageThreshold: 50 }).status).toBe("passed");
    const gated = testVerdict({ stage: "test", run: result, suites, coverage, coverageThreshold: 100 });
    expect(gated.status).toBe("failed");
    expect(gated.errorLines.join("\n")).toMatch(/100/);
  });

  it("runs the example's own test script, its reporters kept and the pipeline's JUnit and lcov added through NODE_OPTIONS", async (ctx) => {
    if (!installed) return ctx.skip(skipReason);
    const root = project(PARTLY_COVERED);
    const pkg = packageJson(root);
    const command = scriptTestCommand("npm", pkg, testScript(pkg)!, root);
    expect(command.argv).toEqual(["npm", "run", "test"]);
    const result = await runLocally(command.argv, root, command.env, [command.results!.path, command.coverage!.path]);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    const suites = parseJUnit(result.files[command.results!.path]!);
    // Every test file of the script's glob, property tests included: the script is the project's definition of its tests.
    expect(suites.flatMap((s) => s.tests).filter((t) => t.status === "passed").length).toBeGreaterThan(20);
    expect(suites.flatMap((s) => s.tests).filter((t) => t.status === "failed")).toEqual([]);
    const files = args.splitTestFiles(listFiles(root));
    const coverage = parseLcov(args.dropLcovRecords(result.files[command.coverage!.path]!, files.unit));
    expect(coverage.files.map((f) => f.path).join(" ")).toMatch(/src\/partly\.ts/);
    // The script's own JUnit file, from its own reporters, is still written.
    expect(readFileSync(join(root, "reports", "junit.xml"), "utf8")).toContain("<testsuites");
  });

  it("reports a failing test with node:test's own failure", async (ctx) => {
    if (!installed) return ctx.skip(skipReason);
    const root = project({
      "test/broken.test.ts": 'import assert from "node:assert/strict";\nimport { test } from "node:test";\ntest("broken on purpose", () => {\n  assert.equal(1 + 1, 3);\n});\n',
    });
    const pkg = packageJson(root);
    const files = args.splitTestFiles(listFiles(root));
    const command = args.unitTestCommand("node", pkg, files.unit, root);
    const result = await runLocally(command.argv, root, command.env, [command.results.path, command.coverage!.path]);
    expect(result.exitCode).toBe(1);
    const verdict = testVerdict({ stage: "test", run: result, suites: parseJUnit(result.files[command.results.path]!), coverageThreshold: 0 });
    expect(verdict.status).toBe("failed");
    expect(verdict.errorLines[0]).toContain("exited with code 1");
    expect(verdict.errorLines.join("\n")).toMatch(/FAIL .*broken on purpose/);
  });

  it("runs exactly stages.propertyTest.iterations cases per property with node --test, in tests that read no setting", async (ctx) => {
    if (!installed) return ctx.skip(skipReason);
    const root = project({ "test/count.property.test.ts": COUNTING_PROPERTY });
    const pkg = packageJson(root);
    const files = args.splitTestFiles(listFiles(root));
    expect(files.property).toEqual(["test/count.property.test.ts", "test/normalize.property.test.ts"]);
    const ranWith = async (iterations: number) => {
      const command = args.propertyTestCommand("node", pkg, files.property, iterations, root, root);
      writeCommandFiles(command);
      const result = await runLocally(command.argv, root, command.env, [command.results.path]);
      const suites = parseJUnit(result.files[command.results.path]!);
      return { result, suites, verdict: testVerdict({ stage: "propertyTest", run: result, suites }) };
    };
    const counted = (name: string) => Number(readFileSync(join(root, name), "utf8"));

    const few = await ranWith(7);
    expect(few.verdict.status, few.result.stdout).toBe("passed");
    expect(counted("count.txt")).toBe(7);
    expect(counted("own.txt")).toBe(3);
    // Only property tests ran.
    expect(few.suites.flatMap((s) => s.tests).some((t) => /slugifies|answers \/healthz/.test(t.name))).toBe(false);

    const many = await ranWith(300);
    expect(many.verdict.status).toBe("passed");
    expect(counted("count.txt")).toBe(300);
    expect(counted("own.txt")).toBe(3);
  });

  it("sets vitest's fast-check runs the same way (the vitest and fast-check installed here)", async () => {
    const root = tempDir("vitest-property-");
    writeFileSync(join(root, "package.json"), JSON.stringify({ name: "p", type: "module", devDependencies: { vitest: "*", "fast-check": "*" } }));
    // A node_modules of its own (the setup module is written into it) linking to this repository's packages, not its tool caches.
    mkdirSync(join(root, "node_modules"));
    for (const name of readdirSync(join(REPO, "node_modules")).filter((n) => !n.startsWith(".") || n === ".bin")) {
      symlinkSync(join(REPO, "node_modules", name), join(root, "node_modules", name));
    }
    mkdirSync(join(root, "test"));
    writeFileSync(
      join(root, "test", "count.property.test.ts"),
      COUNTING_PROPERTY.replace('import { test } from "node:test";', 'import { test } from "vitest";'),
    );
    const pkg = packageJson(root);
    expect(args.detectTestRunner(pkg)).toBe("vitest");
    const command = args.propertyTestCommand("vitest", pkg, ["test/count.property.test.ts"], 11, root, root);
    writeCommandFiles(command);
    const result = await runLocally(command.argv, root, command.env, [command.results.path]);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(parseJUnit(result.files[command.results.path]!).flatMap((s) => s.tests).map((t) => t.status)).toEqual(["passed", "passed"]);
    expect(Number(readFileSync(join(root, "count.txt"), "utf8"))).toBe(11);
    expect(Number(readFileSync(join(root, "own.txt"), "utf8"))).toBe(3);
  });

  it("detects a benchmark regression made on purpose against a baseline of the unmodified code", async (ctx) => {
    if (!installed) return ctx.skip(skipReason);
    const root = project();
    const pkg = packageJson(root);
    const command = args.benchCommand("npm", pkg, args.ownFiles(listFiles(root), args.BENCH_FILE_PATTERN), 6, root);
    expect(command).toMatchObject({ runs: [{ argv: ["npm", "run", "bench"] }], format: "tinybench" });
    const [{ argv, output }] = command!.runs as [args.BenchRun];
    // BENCH_TIME_MS is the example's own knob: shorter runs keep this test quick.
    const measure = async () => {
      const result = await runLocally(argv, root, { ...command!.env, BENCH_TIME_MS: "300" }, [output]);
      expect(result.exitCode, result.stdout + result.stderr).toBe(0);
      return parseTinybench(result.files[output]!);
    };
    const baseline = await measure();
    expect(baseline.map((b) => b.name)).toContain("slugify");
    expect(Math.min(...baseline.map((b) => b.samples.length))).toBeGreaterThan(10);

    // Make slugify slower on purpose: a busy wait of 50µs per call.
    const slug = join(root, "src", "slug.ts");
    const source = readFileSync(slug, "utf8");
    const slowed = source.replace(/(export function slugify\([^)]*\)[^{]*\{\n)/, "$1  const until = performance.now() + 0.05;\n  while (performance.now() < until) {}\n");
    expect(slowed).not.toBe(source);
    writeFileSync(slug, slowed);
    const current = await measure();

    const rows = compareBenchmarks(baseline, current, { thresholdPercent: 10, alpha: 0.05 });
    expect(rows.find((r) => r.name === "slugify")?.verdict).toBe("regression");
    const gate = benchGate(rows);
    expect(gate.passed).toBe(false);
    expect(gate.message).toMatch(/slugify/);
    const stage = benchStageVerdict(baseline, current);
    expect(stage.status).toBe("failed");
    expect(stage.reports["bench/comparison.md"]).toMatch(/slugify.*regression/);
  });

  it("lints with the project's lint and typecheck scripts", async (ctx) => {
    if (!installed) return ctx.skip(skipReason);
    const root = project();
    const scripts = args.lintScripts(packageJson(root));
    expect(scripts).toEqual(["lint", "typecheck"]);
    const runs = await Promise.all(scripts.map((script) => runLocally(args.runScriptArgs("npm", script), root)));
    const verdict = lintVerdict(runs.map((r) => ({ run: r })));
    expect(verdict.status, verdict.errorLines.join("\n")).toBe("passed");

    // A type error fails the typecheck script, with tsc's own message.
    writeFileSync(join(root, "src", "broken.ts"), "export const n: number = 'not a number';\n");
    const broken = await runLocally(args.runScriptArgs("npm", "typecheck"), root);
    const failed = lintVerdict([{ run: broken }]);
    expect(failed.status).toBe("failed");
    expect(failed.errorLines.join("\n")).toMatch(/TS2322/);
  });
});
