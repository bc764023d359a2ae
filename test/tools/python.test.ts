import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execaSync } from "execa";
import { describe, expect, it } from "vitest";
import { REAL_TOOL_TIMEOUT } from "../helpers/run-locally.js";
import { benchGate, compareBenchmarks, parsePytestBenchmark, serializeBaseline } from "../../pipeline/modules/report/bench.js";
import type { BenchmarkSamples } from "../../pipeline/modules/report/model.js";
import { parseCobertura } from "../../pipeline/modules/report/coverage.js";
import { parseJUnit } from "../../pipeline/modules/report/junit.js";
import * as args from "../../pipeline/modules/python/args.js";
import { NON_ROOT_HOME, NON_ROOT_USER } from "../../pipeline/modules/non-root.js";
import { asUser, canRunAsOtherUser, runLocally } from "../helpers/run-locally.js";
import { benchVerdict, lintVerdict, testVerdict } from "../../pipeline/modules/verdicts.js";
import { copyExample, tempDir } from "../helpers/examples.js";
import { localPythonSetup } from "../helpers/python-setup.js";
import { TOOLS_MANIFEST, toolPins } from "../helpers/tools-manifest.js";

/**
 * Real-tool tests: the exact argv the Python toolchain runs (args.ts), run
 * with the Python on PATH and the tools tools/requirements.txt pins (the
 * pipeline's PYTHON_TOOLS) on copies of examples/python-service, and the
 * real outputs read with the real parsers and verdicts.
 */

/** The interpreter `python3` on PATH runs, by its absolute path (a pyenv shim would not resolve for another user). */
const PYTHON = (() => {
  try {
    const found = execaSync("python3", ["-c", "import sys; print(sys.executable)"], { reject: false });
    return found.exitCode === 0 ? String(found.stdout).trim() : "python3";
  } catch {
    return "python3";
  }
})();

function pythonHas(modules: string): boolean {
  try {
    return execaSync(PYTHON, ["-c", `import ${modules}`], { reject: false }).exitCode === 0;
  } catch {
    return false;
  }
}

const pytestReady = pythonHas("pytest, pytest_cov, pytest_benchmark, hypothesis");
const ruffReady = execaSync("ruff", ["--version"], { reject: false }).exitCode === 0;
const MISSING = `(skipped: ${PYTHON} lacks pytest, pytest-cov, pytest-benchmark or hypothesis; python3 -m pip install -r ${TOOLS_MANIFEST})`;

/**
 * Whether the container's non-root user can run PYTHON with its packages as
 * it is; if not (pyenv under a /root only root may enter), that user runs it
 * with read access everywhere (see asUser), its writes still checked.
 */
const [probe, ...probeArgs] = asUser(NON_ROOT_USER, [PYTHON, "-c", "import pytest"]);
const pythonReadableByOthers = canRunAsOtherUser && pytestReady && execaSync(probe!, probeArgs, { reject: false, cwd: "/" }).exitCode === 0;

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

/** Like COUNTING_PROPERTY, but its first example takes 300 ms: it passes only without a deadline. */
const SLOW_COUNTING_PROPERTY = COUNTING_PROPERTY.replace("    CALLS.append(x)\n", "    CALLS.append(x)\n    if len(CALLS) == 1:\n        __import__(\"time\").sleep(0.3)\n");

/** A conftest below tests/ (pytest imports it during collection) loading a profile of its own. */
const slowProfileConftest = (deadline: string) => `from hypothesis import settings

settings.register_profile("slow", max_examples=3, deadline=${deadline})
settings.load_profile("slow")
`;

/** The property stage's plugin where the container has it: in a folder outside the project, on PYTHONPATH. */
function pluginEnv(): { PYTHONPATH: string } {
  const dir = tempDir("pipeline-python-plugin-");
  writeFileSync(join(dir, `${args.ITERATIONS_PLUGIN.module}.py`), args.ITERATIONS_PLUGIN.source);
  chmodSync(dir, 0o755); // read by the non-root user too
  return { PYTHONPATH: dir };
}

/** coverage.py's TOTAL percentage, as its terminal report prints it. */
function coveragePyTotal(stdout: string): number {
  const total = /^TOTAL\s.*?\s(\d+(?:\.\d+)?)%\s*$/m.exec(stdout);
  if (!total) throw new Error(`no TOTAL line in:\n${stdout}`);
  return Number(total[1]);
}

/** The bench stage's own verdict on a current run against a baseline, through the committed file format. */
function benchStageVerdict(baseline: BenchmarkSamples[], current: BenchmarkSamples[]) {
  const gate = { count: 6, thresholdPercent: 10, alpha: 0.05, baselinePath: "bench-baseline.json", baselineText: serializeBaseline(baseline) };
  return benchVerdict({ run: { argv: ["bench"], exitCode: 0, stdout: "", stderr: "", files: {} }, current, gate });
}

describe.skipIf(!pytestReady)(`python toolchain commands on the real tools ${pytestReady ? "" : MISSING}`, REAL_TOOL_TIMEOUT, () => {
  it(`runs the versions ${TOOLS_MANIFEST} pins (the pipeline's PYTHON_TOOLS), with ${PYTHON}`, () => {
    const pins = toolPins().filter((p) => ["pytest", "pytest-cov", "pytest-benchmark", "hypothesis", "coverage", "ruff", "black", "isort", "flake8"].includes(p.name));
    expect(pins).toHaveLength(9);
    const script = "import sys\nfrom importlib.metadata import version\nfor name in sys.argv[1:]:\n    print(name + '==' + version(name))";
    const installed = execaSync(PYTHON, ["-c", script, ...pins.map((p) => p.name)], { reject: false });
    expect(installed.exitCode, installed.stderr).toBe(0);
    expect(String(installed.stdout).trim().split("\n")).toEqual(pins.map((p) => `${p.name}==${p.version}`));
    // The ruff on PATH, which the lint commands run, is that one too.
    expect(execaSync("ruff", ["--version"], { reject: false }).stdout).toBe(`ruff ${pins.find((p) => p.name === "ruff")!.version}`);
  });

  it("runs the unit tests with coverage: JUnit counts, coverage.py's own total, and a failing gate above it", async () => {
    const root = copyExample("python-service");
    // An untested function, so coverage is below 100% and a gate can sit above it.
    writeFileSync(join(root, "app", "untested.py"), "def unused(x):\n    if x:\n        return 1\n    return 2\n");
    writeFileSync(join(root, "tests", "test_imports_untested.py"), "import app.untested  # noqa: F401\n");
    // Two decimals in coverage.py's TOTAL, to compare it with ours closely.
    const pyproject = join(root, "pyproject.toml");
    writeFileSync(pyproject, readFileSync(pyproject, "utf8").replace("[tool.coverage.report]\n", "[tool.coverage.report]\nprecision = 2\n"));
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

    const coverage = parseCobertura(result.files[paths.coverageXml]!, { projectRoot: root, withBranches: true });
    // coverage.py names files relative to its <source>: read against the project root, they are its real files.
    expect(coverage.files.map((f) => f.path)).toContain("app/money.py");
    for (const file of coverage.files) expect(existsSync(join(root, file.path)), file.path).toBe(true);
    expect(coverage.percent).toBeGreaterThan(50);
    expect(coverage.percent).toBeLessThan(100);
    // The example measures branches: the total is coverage.py's (lines and branches), not lines alone.
    const total = coveragePyTotal(result.stdout);
    expect(Math.abs(coverage.percent - total)).toBeLessThanOrEqual(0.005);
    const linesOnly = (coverage.linesCovered / coverage.linesValid) * 100;
    expect(Math.abs(linesOnly - total)).toBeGreaterThan(0.1);

    const passing = testVerdict({ stage: "test", run: result, suites, coverage, coverageThreshold: 50 });
    expect(passing.status).toBe("passed");
    const gated = testVerdict({ stage: "test", run: result, suites, coverage, coverageThreshold: 100 });
    expect(gated.status).toBe("failed");
    expect(gated.errorLines.join("\n")).toMatch(/100/);
  });

  const readAnywhere = !pythonReadableByOthers;
  it.skipIf(!canRunAsOtherUser)(`runs the tests as the container's non-root user, in a source tree it owns${canRunAsOtherUser ? (readAnywhere ? ` (reading ${PYTHON}'s files with CAP_DAC_READ_SEARCH: that user cannot enter its folder)` : "") : " (skipped: needs root and setpriv to switch users)"}`, async () => {
    const root = copyExample("python-service");
    execaSync("chown", ["-R", NON_ROOT_USER, root]);
    const paths = args.reportPaths(root);
    const env = { HOME: NON_ROOT_HOME, PYTHONDONTWRITEBYTECODE: "1", ...pluginEnv() };
    const unit = await runLocally(asUser(NON_ROOT_USER, args.unitTestArgs(root, PYTHON), { readAnywhere }), root, env, [paths.testJunit, paths.coverageXml]);
    expect(unit.exitCode, unit.stdout + unit.stderr).toBe(0);
    expect(parseCobertura(unit.files[paths.coverageXml]!).percent).toBeGreaterThan(50);
    const property = await runLocally(asUser(NON_ROOT_USER, args.propertyTestArgs(20, root, PYTHON), { readAnywhere }), root, env, [paths.propertyJunit]);
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

  it("runs exactly the configured iterations per property, over the profile the project's conftest loads", async () => {
    // The example's conftest loads its own profile (100 examples, no deadline) and reads no environment.
    const root = copyExample("python-service", { "tests/test_counting_property.py": COUNTING_PROPERTY });
    const paths = args.reportPaths(root);
    const countFile = join(root, "count.txt");
    const env = { ...pluginEnv(), COUNT_FILE: countFile };
    const ranWith = async (iterations: number) => {
      const result = await runLocally(args.propertyTestArgs(iterations, root, PYTHON), root, env, [paths.propertyJunit]);
      expect(result.exitCode, result.stdout + result.stderr).toBe(0);
      const suites = parseJUnit(result.files[paths.propertyJunit]!);
      expect(testVerdict({ stage: "propertyTest", run: result, suites }).status).toBe("passed");
      return { examples: Number(readFileSync(countFile, "utf8")), cases: suites.flatMap((s) => s.tests) };
    };
    const few = await ranWith(5);
    expect(few.examples).toBe(5);
    expect((await ranWith(130)).examples).toBe(130);
    // Only property tests ran.
    expect(few.cases.every((t) => /test_properties|test_counting_property/.test(t.classname))).toBe(true);
  });

  it("keeps the other settings of a profile a deeper conftest loads during collection", async () => {
    const withDeadline = (deadline: string) =>
      copyExample("python-service", {
        "tests/slow/conftest.py": slowProfileConftest(deadline),
        "tests/slow/test_slow_property.py": SLOW_COUNTING_PROPERTY,
      });
    const run = async (root: string) => {
      const countFile = join(root, "count.txt");
      const argv = args.propertyTestArgs(7, root, PYTHON);
      const result = await runLocally(argv, root, { ...pluginEnv(), COUNT_FILE: countFile }, []);
      return { result, examples: existsSync(countFile) ? Number(readFileSync(countFile, "utf8")) : undefined };
    };
    // deadline=None kept: the slow first example passes; max_examples is the configured 7, not the profile's 3.
    const unlimited = await run(withDeadline("None"));
    expect(unlimited.result.exitCode, unlimited.result.stdout + unlimited.result.stderr).toBe(0);
    expect(unlimited.examples).toBe(7);
    // The same profile with a 200 ms deadline: hypothesis enforces it, so the deadline did come from the profile.
    const limited = await run(withDeadline("200"));
    expect(limited.result.exitCode).toBe(1);
    expect(limited.result.stdout).toContain("DeadlineExceeded");
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

  it("plans no install of pyproject.toml's for the example, which declares no dependency, and pip installs its requirements-dev.txt as planned", async () => {
    const root = copyExample("python-service");
    const { dependencies } = localPythonSetup(root);
    expect(dependencies.pipArgs).toEqual(["-r", "requirements-dev.txt"]);
    // No index: tools/requirements.txt pins all of them here, so the planned install fetches nothing.
    const installed = await runLocally(args.dependenciesInstallArgs(dependencies.pipArgs), root, { PIP_NO_INDEX: "1" });
    expect(installed.exitCode, installed.stdout + installed.stderr).toBe(0);
    expect(installed.stdout).toMatch(/Requirement already satisfied: pytest==8\.3\.4/);
  });

  it.skipIf(!ruffReady)(`lints with ruff check, flake8 and black, which the example configures (pyproject.toml, .flake8) ${ruffReady ? "" : "(skipped: ruff is not installed here; the image gets it from PYTHON_TOOLS)"}`, async () => {
    const root = copyExample("python-service");
    const plan = localPythonSetup(root).lint;
    expect(plan.commands.map((c) => c.tool)).toEqual(["ruff-check", "flake8", "black"]);
    const runs = await Promise.all(plan.commands.map((c) => runLocally(c.argv, root)));
    expect(lintVerdict(runs.map((run) => ({ run }))).status).toBe("passed");
  });
});
