import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execaSync } from "execa";
import { describe, expect, it } from "vitest";
import { REAL_TOOL_TIMEOUT } from "../helpers/run-locally.js";
import { benchGate, compareBenchmarks, parsePytestBenchmark, serializeBaseline } from "../../modules/report/bench.js";
import type { BenchmarkSamples } from "../../modules/report/model.js";
import { parseCobertura } from "../../modules/report/coverage.js";
import { parseJUnit } from "../../modules/report/junit.js";
import * as args from "../../modules/python/args.js";
import { NON_ROOT_HOME, NON_ROOT_USER } from "../../modules/non-root.js";
import { asUser, canRunAsOtherUser, runLocally } from "../helpers/run-locally.js";
import { benchVerdict, lintVerdict, testVerdict } from "../../modules/verdicts.js";
import { copyExample } from "../helpers/examples.js";

/**
 * Real-tool tests: the exact argv the Python toolchain runs (args.ts), run
 * with Debian's /usr/bin/python3 on copies of examples/python-service, and
 * the real outputs read with the real parsers and verdicts.
 */

const PYTHON = "/usr/bin/python3";

function pythonHas(modules: string): boolean {
  try {
    return execaSync(PYTHON, ["-c", `import ${modules}`], { reject: false }).exitCode === 0;
  } catch {
    return false;
  }
}

const pytestReady = pythonHas("pytest, pytest_cov, pytest_benchmark, hypothesis");
const ruffReady = execaSync("ruff", ["--version"], { reject: false }).exitCode === 0;
const MISSING = "(skipped: /usr/bin/python3 lacks pytest, pytest-cov, pytest-benchmark or hypothesis)";

/** A property test that records how many examples hypothesis ran, into $COUNT_FILE. */
const COUNTING_PROPERTY = `import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

pytestmark = pytest.mark.property
CALLS = []

@given(st.integers())
def test_counts_examples(x):
    CALLS.append(x)

def teardown_module():
    with open(os.environ["COUNT_FILE"], "w") as f:
        f.write(str(len(CALLS)))
`;


/** The bench stage's own verdict on a current run against a baseline, through the committed file format. */
function benchStageVerdict(baseline: BenchmarkSamples[], current: BenchmarkSamples[]) {
  const gate = { count: 6, thresholdPercent: 10, alpha: 0.05, baselinePath: "bench-baseline.json", baselineText: serializeBaseline(baseline) };
  return benchVerdict({ run: { argv: ["bench"], exitCode: 0, stdout: "", stderr: "", files: {} }, current, gate });
}

describe.skipIf(!pytestReady)(`python toolchain commands on the real tools ${pytestReady ? "" : MISSING}`, REAL_TOOL_TIMEOUT, () => {
  it("runs the unit tests with coverage: JUnit counts, Cobertura percent, and a failing gate above it", async () => {
    const root = copyExample("python-service");
    // An untested function, so coverage is below 100% and a gate can sit above it.
    writeFileSync(join(root, "app", "untested.py"), "def unused(x):\n    if x:\n        return 1\n    return 2\n");
    writeFileSync(join(root, "tests", "test_imports_untested.py"), "import app.untested  # noqa: F401\n");
    const paths = args.reportPaths(root);
    const result = await runLocally(args.unitTestArgs(root, PYTHON), root, {}, [paths.testJunit, paths.coverageXml]);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);

    const suites = parseJUnit(result.files[paths.testJunit]!);
    const cases = suites.flatMap((s) => s.tests);
    expect(cases.filter((t) => t.status === "passed").length).toBeGreaterThan(20);
    expect(cases.filter((t) => t.status === "failed")).toEqual([]);
    // Property tests are deselected; benchmarks are skipped by --benchmark-skip.
    expect(cases.some((t) => t.classname.includes("test_properties"))).toBe(false);
    expect(cases.filter((t) => t.classname.includes("test_bench")).every((t) => t.status === "skipped")).toBe(true);

    const coverage = parseCobertura(result.files[paths.coverageXml]!, { projectRoot: root });
    // coverage.py names files relative to its <source>: read against the project root, they are its real files.
    expect(coverage.files.map((f) => f.path)).toContain("app/money.py");
    for (const file of coverage.files) expect(existsSync(join(root, file.path)), file.path).toBe(true);
    expect(coverage.percent).toBeGreaterThan(50);
    expect(coverage.percent).toBeLessThan(100);

    const passing = testVerdict({ stage: "test", run: result, suites, coverage, coverageThreshold: 50 });
    expect(passing.status).toBe("passed");
    const gated = testVerdict({ stage: "test", run: result, suites, coverage, coverageThreshold: 100 });
    expect(gated.status).toBe("failed");
    expect(gated.errorLines.join("\n")).toMatch(/100/);
  });

  it.skipIf(!canRunAsOtherUser)(`runs the tests as the container's non-root user, in a source tree it owns${canRunAsOtherUser ? "" : " (skipped: needs root and setpriv to switch users)"}`, async () => {
    const root = copyExample("python-service");
    execaSync("chown", ["-R", NON_ROOT_USER, root]);
    const paths = args.reportPaths(root);
    const env = { HOME: NON_ROOT_HOME, PYTHONDONTWRITEBYTECODE: "1", [args.PROPERTY_ITERATIONS_ENV]: "20" };
    const unit = await runLocally(asUser(NON_ROOT_USER, args.unitTestArgs(root, PYTHON)), root, env, [paths.testJunit, paths.coverageXml]);
    expect(unit.exitCode, unit.stdout + unit.stderr).toBe(0);
    expect(parseCobertura(unit.files[paths.coverageXml]!).percent).toBeGreaterThan(50);
    const property = await runLocally(asUser(NON_ROOT_USER, args.propertyTestArgs(root, PYTHON)), root, env, [paths.propertyJunit]);
    expect(property.exitCode, property.stdout + property.stderr).toBe(0);
    expect(parseJUnit(property.files[paths.propertyJunit]!).flatMap((s) => s.tests).length).toBeGreaterThan(0);
  });

  it("reports a failing test with pytest's own failure text", async () => {
    const root = copyExample("python-service");
    writeFileSync(join(root, "tests", "test_broken.py"), "def test_broken():\n    assert 1 + 1 == 3\n");
    const paths = args.reportPaths(root);
    const result = await runLocally(args.unitTestArgs(root, PYTHON), root, {}, [paths.testJunit, paths.coverageXml]);
    expect(result.exitCode).toBe(1);
    const verdict = testVerdict({
      stage: "test",
      run: result,
      suites: parseJUnit(result.files[paths.testJunit]!),
      coverage: parseCobertura(result.files[paths.coverageXml]!),
      coverageThreshold: 0,
    });
    expect(verdict.status).toBe("failed");
    expect(verdict.errorLines[0]).toContain("exited with code 1");
    expect(verdict.errorLines.join("\n")).toMatch(/FAIL .*test_broken/);
  });

  it("honours HYPOTHESIS_MAX_EXAMPLES in the property stage", async () => {
    const root = copyExample("python-service");
    writeFileSync(join(root, "tests", "test_counting_property.py"), COUNTING_PROPERTY);
    const paths = args.reportPaths(root);
    const countFile = join(root, "count.txt");
    const ranWith = async (iterations: number) => {
      const env = { [args.PROPERTY_ITERATIONS_ENV]: String(iterations), COUNT_FILE: countFile };
      const result = await runLocally(args.propertyTestArgs(root, PYTHON), root, env, [paths.propertyJunit]);
      expect(result.exitCode, result.stdout + result.stderr).toBe(0);
      const verdict = testVerdict({ stage: "propertyTest", run: result, suites: parseJUnit(result.files[paths.propertyJunit]!) });
      expect(verdict.status).toBe("passed");
      return { examples: Number(readFileSync(countFile, "utf8")), cases: parseJUnit(result.files[paths.propertyJunit]!).flatMap((s) => s.tests) };
    };
    const few = await ranWith(5);
    const many = await ranWith(80);
    expect(few.examples).toBeGreaterThan(0);
    expect(few.examples).toBeLessThanOrEqual(5);
    expect(many.examples).toBeGreaterThan(40);
    // Only property tests ran.
    expect(few.cases.every((t) => /test_properties|test_counting_property/.test(t.classname))).toBe(true);
  });

  it("detects a benchmark regression made on purpose against a baseline of the unmodified code", async () => {
    const count = 6;
    const measure = async (root: string) => {
      const out = args.reportPaths(root).benchJson;
      const result = await runLocally(args.benchArgs(count, root, PYTHON), root, {}, [out]);
      expect(result.exitCode, result.stdout + result.stderr).toBe(0);
      return parsePytestBenchmark(result.files[out]!);
    };
    const baseline = await measure(copyExample("python-service"));
    expect(baseline.map((b) => b.name).sort()).toEqual(expect.arrayContaining([expect.stringContaining("test_bench_allocate")]));
    expect(Math.min(...baseline.map((b) => b.samples.length))).toBeGreaterThanOrEqual(count);

    const slowed = copyExample("python-service");
    const money = join(slowed, "app", "money.py");
    const source = readFileSync(money, "utf8");
    const withSleep = source.replace(/(def allocate\([^)]*\)[^:]*:\n)/, '$1    __import__("time").sleep(0.0005)\n');
    expect(withSleep).not.toBe(source);
    writeFileSync(money, withSleep);
    const current = await measure(slowed);

    const rows = compareBenchmarks(baseline, current, { thresholdPercent: 10, alpha: 0.05 });
    const gate = benchGate(rows);
    expect(gate.passed).toBe(false);
    expect(gate.message).toMatch(/allocate/);
    const stage = benchStageVerdict(baseline, current);
    expect(stage.status).toBe("failed");
    expect(stage.reports["bench/comparison.md"]).toMatch(/allocate.*regression/);
  });

  it("installs nothing from a pyproject.toml without dependencies (the install step's script runs on Python 3.11)", async () => {
    const root = copyExample("python-service");
    const result = await runLocally(args.pyprojectInstallArgs(PYTHON), root);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe("pyproject.toml dependencies: none");
  });

  it.skipIf(!ruffReady)(`lints with ruff ${ruffReady ? "" : "(skipped: ruff is not installed here; the image gets it from PYTHON_TOOLS)"}`, async () => {
    const root = copyExample("python-service");
    const [check, format] = await Promise.all([runLocally(args.ruffCheckArgs(), root), runLocally(args.ruffFormatArgs(), root)]);
    expect(lintVerdict([{ run: check }, { run: format }]).status).toBe("passed");
  });
});
