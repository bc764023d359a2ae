import { describe, expect, it } from "vitest";
import { serializeBaseline } from "../../pipeline/modules/report/bench.js";
import type { TestSuiteResult } from "../../pipeline/modules/report/model.js";
import type { ToolRun } from "../../pipeline/modules/stage.js";
import { benchVerdict, testVerdict } from "../../pipeline/modules/verdicts.js";

/**
 * The verdict rules at their edges (verdicts.ts): skipped only when nothing
 * ran and nothing failed; the tool's own output only when no parsed failure
 * says why it exited; the first 10 failing tests named; the bench gate
 * comparing current samples thinned as the baseline was.
 */

const run = (exitCode: number, stdout = "", stderr = ""): ToolRun => ({ argv: ["pytest", "-q"], exitCode, stdout, stderr, files: {} });
const failing = (count: number): TestSuiteResult[] => [
  {
    name: "tests",
    durationSeconds: 0,
    tests: Array.from({ length: count }, (_, i) => ({ name: `test_${i + 1}`, classname: "tests.test_app", durationSeconds: 0, status: "failed" as const, failureMessage: `AssertionError: case ${i + 1}` })),
  },
];
const coverage = (percent: number) => ({ linesCovered: percent, linesValid: 100, percent, files: [{ path: "app.py", covered: percent, total: 100 }] });

describe("testVerdict: skipped", () => {
  it("is skipped when the tool exits 0 with no test and no gate failing", () => {
    expect(testVerdict({ stage: "test", run: run(0), suites: [] })).toMatchObject({ status: "skipped", details: ["no tests found by pytest -q"], errorLines: [] });
  });

  it("is failed, not skipped, when no test ran but the coverage gate failed", () => {
    const v = testVerdict({ stage: "test", run: run(0), suites: [], coverage: coverage(0), coverageThreshold: 80 });
    expect(v.status).toBe("failed");
    expect(v.errorLines).toEqual(["coverage 0.0% is below the 80% threshold"]);
  });

  it("is failed, not skipped, when no test was parsed but the tool failed", () => {
    expect(testVerdict({ stage: "test", run: run(1, "boom"), suites: [] }).status).toBe("failed");
  });
});

describe("testVerdict: status", () => {
  it("fails on a failing test even when the tool exits 0 (a runner that reports but does not exit non-zero)", () => {
    const v = testVerdict({ stage: "test", run: run(0), suites: failing(1) });
    expect(v.status).toBe("failed");
    expect(v.errorLines).toEqual(["FAIL tests.test_app test_1: AssertionError: case 1"]);
  });

  it("fails on the coverage gate alone, with tests passing and the tool exiting 0", () => {
    const suites: TestSuiteResult[] = [{ name: "tests", durationSeconds: 0, tests: [{ name: "t", classname: "c", durationSeconds: 0, status: "passed" }] }];
    expect(testVerdict({ stage: "test", run: run(0), suites, coverage: coverage(50), coverageThreshold: 80 })).toMatchObject({ status: "failed", errorLines: ["coverage 50.0% is below the 80% threshold"] });
    // Without a threshold, a missing coverage report is no problem.
    expect(testVerdict({ stage: "test", run: run(0), suites })).toMatchObject({ status: "passed", details: ["1 test: 1 passed, 0 failed, 0 skipped"], errorLines: [] });
  });
});

describe("testVerdict: error lines", () => {
  const noisy = "============ FAILURES ============\nE   AssertionError: case 1\nFAILED tests/test_app.py::test_1 - AssertionError\n1 failed in 0.12s";

  it("names the failing tests and leaves out the tool's raw output when they explain the exit", () => {
    const v = testVerdict({ stage: "test", run: run(1, noisy), suites: failing(1) });
    expect(v.errorLines).toEqual(["pytest -q exited with code 1", "FAIL tests.test_app test_1: AssertionError: case 1"]);
  });

  it("falls back on the tool's own lines when nothing parsed explains the exit", () => {
    const v = testVerdict({ stage: "test", run: run(4, "", "ERROR: file or directory not found: tests/"), suites: [] });
    expect(v.errorLines).toEqual(["pytest -q exited with code 4", "ERROR: file or directory not found: tests/"]);
  });

  it("names the first 10 failing tests, and counts them all", () => {
    const v = testVerdict({ stage: "test", run: run(1), suites: failing(12) });
    const named = v.errorLines.filter((l) => l.startsWith("FAIL "));
    expect(named).toEqual(Array.from({ length: 10 }, (_, i) => `FAIL tests.test_app test_${i + 1}: AssertionError: case ${i + 1}`));
    expect(v.details[0]).toBe("12 tests: 0 passed, 12 failed, 0 skipped");
    expect(testVerdict({ stage: "test", run: run(1), suites: failing(10) }).errorLines.filter((l) => l.startsWith("FAIL "))).toHaveLength(10);
  });
});

describe("benchVerdict", () => {
  const gate = { count: 6, thresholdPercent: 10, alpha: 0.05, baselinePath: ".pipeline/bench-baseline.json" };

  it("compares the current samples thinned to the baseline's 100, as the baseline was stored", () => {
    const values = Array.from({ length: 1000 }, (_, i) => 100 + (i % 50) / 10);
    const baselineText = serializeBaseline([{ name: "Parse", unit: "ns/op", samples: values }]);
    // 1000 current samples, each 0.3% slower: a trivial change. scipy's asymptotic U test (1.17.1, ties and
    // continuity corrected) gives p = 0.1008 for 100 + 100 after thinning, but 0.0265 for 100 + 1000 unthinned,
    // which a threshold of 0 would fail.
    const v = benchVerdict({ run: run(0), current: [{ name: "Parse", unit: "ns/op", samples: values.map((x) => x * 1.003) }], gate: { ...gate, thresholdPercent: 0, baselineText } });
    const row = v.reports["bench/comparison.md"]!.split("\n").find((l) => l.startsWith("| Parse"));
    expect(row).toBe("| Parse | ns/op | 102.5 | 102.8 | +0.30% | 0.101 | 100 | ~ insignificant |");
    // The current report keeps what was measured, thinned as a baseline is written.
    expect(JSON.parse(v.reports["bench/current.json"]!).benchmarks[0].samples).toHaveLength(100);
    expect(v.status).toBe("passed");
  });

  it("fails when the tool failed, whatever it measured before, with its own lines", () => {
    const v = benchVerdict({ run: run(2, "", "panic: boom"), current: [{ name: "Parse", unit: "ns/op", samples: [1, 2, 3, 4] }], gate: { ...gate, baselineText: undefined } });
    expect(v).toMatchObject({ status: "failed", details: ["1 benchmark measured before the failure"], errorLines: ["pytest -q exited with code 2", "panic: boom"] });
  });

  it("is skipped when the tool measured nothing, even with a baseline", () => {
    const baselineText = serializeBaseline([{ name: "Parse", unit: "ns/op", samples: [1, 2, 3, 4] }]);
    expect(benchVerdict({ run: run(0), current: [], gate: { ...gate, baselineText } })).toMatchObject({ status: "skipped", details: ["no benchmarks found by pytest -q"] });
  });
});
