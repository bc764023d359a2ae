import { describe, expect, it } from "vitest";
import { serializeBaseline } from "../../pipeline/modules/report/bench.js";
import type { TestSuiteResult } from "../../pipeline/modules/report/model.js";
import type { ToolRun } from "../../pipeline/modules/stage.js";
import { benchVerdict, lintVerdict, testVerdict } from "../../pipeline/modules/verdicts.js";

/**
 * The verdicts' parts the summary shows, at the rules' edges (verdicts.ts): a suite that did not
 * build names itself, a failing test's message is excerpted under its FAIL line, counts read in
 * the singular for one, a clean lint passes, and a bench stage whose baseline cannot be read fails
 * alone with the reason.
 */

const run = (exitCode: number, stdout = "", stderr = ""): ToolRun => ({ argv: ["go", "test", "./..."], exitCode, stdout, stderr, files: {} });
const suite = (name: string, tests: TestSuiteResult["tests"], failedBuild?: string): TestSuiteResult => ({ name, durationSeconds: 0, tests, ...(failedBuild ? { failedBuild } : {}) });
const test = (name: string, status: "passed" | "failed" | "skipped", failureMessage?: string) => ({ name, classname: "example.com/app", durationSeconds: 0, status, ...(failureMessage ? { failureMessage } : {}) });

describe("testVerdict's lines", () => {
  it("names a package that failed to build, before the failing tests", () => {
    const v = testVerdict({ stage: "test", run: run(1), suites: [suite("example.com/app/db", [], "setup failed"), suite("example.com/app", [test("TestA", "failed", "boom: error")])] });
    expect(v.status).toBe("failed");
    expect(v.errorLines).toEqual(["go test ./... exited with code 1", "example.com/app/db: setup failed", "FAIL example.com/app TestA: boom: error"]);
  });

  it("puts a failure's first error line after its name and the next ones indented below, or the name alone without a message", () => {
    const message = "log line\nError: first\n  at x\nAssertionError: second\nFAIL: third\nerror: fourth";
    const v = testVerdict({ stage: "test", run: run(1), suites: [suite("s", [test("TestA", "failed", message), test("TestB", "failed")])] });
    expect(v.errorLines.slice(1)).toEqual(["FAIL example.com/app TestA: Error: first", "    AssertionError: second", "    FAIL: third", "FAIL example.com/app TestB"]);
  });

  it("counts tests in the singular for one and the plural otherwise", () => {
    expect(testVerdict({ stage: "test", run: run(0), suites: [suite("s", [test("A", "passed")])] }).details[0]).toBe("1 test: 1 passed, 0 failed, 0 skipped");
    expect(testVerdict({ stage: "test", run: run(0), suites: [suite("s", [test("A", "passed"), test("B", "skipped")])] }).details[0]).toBe("2 tests: 1 passed, 0 failed, 1 skipped");
  });

  it("puts the coverage of a project in a subfolder under its folder in the reports", () => {
    const coverage = { linesCovered: 9, linesValid: 10, percent: 90, files: [{ path: "app.py", covered: 9, total: 10 }] };
    const v = testVerdict({ stage: "test", run: run(0), suites: [suite("s", [test("A", "passed")])], coverage, coverageThreshold: 80, projectFolder: "services/api" });
    expect(v.reports["test/coverage.cobertura.xml"]).toContain('filename="services/api/app.py"');
    expect(v.details).toEqual(["1 test: 1 passed, 0 failed, 0 skipped", "coverage 90.0% meets the 80% threshold"]);
  });

  it("does not call a coverage gate failed for want of a report when no test ran at all", () => {
    // Without tests there is nothing to cover: whatever the verdict on that, it is not a coverage one.
    const v = testVerdict({ stage: "test", run: run(0), suites: [], coverageThreshold: 80 });
    expect([...v.details, ...v.errorLines].filter((l) => /coverage/.test(l))).toEqual([]);
  });

  it("with a signal, the tool's own lines come first even when parsed failures explain the exit", () => {
    const killed: ToolRun = { ...run(137, "", "fatal error: out of memory"), signal: 9 };
    const v = testVerdict({ stage: "test", run: killed, suites: [suite("s", [test("TestA", "failed", "boom: error")])] });
    expect(v.errorLines).toHaveLength(3);
    expect(v.errorLines[0]).toMatch(/^go test \.\/\.\.\. was killed by signal 9 /);
    expect(v.errorLines.slice(1)).toEqual(["fatal error: out of memory", "FAIL example.com/app TestA: boom: error"]);
  });
});

describe("lintVerdict", () => {
  it("passes when every tool is clean, saying so per command, and logs each command with its output", () => {
    const v = lintVerdict([{ run: { ...run(0, "ok"), argv: ["ruff", "check", "."] } }, { run: { ...run(0, "", "warning only"), argv: ["black", "--check", "."] } }]);
    expect(v.status).toBe("passed");
    expect(v.details).toEqual(["ruff check .: clean", "black --check .: clean"]);
    expect(v.errorLines).toEqual([]);
    expect(v.reports["lint/output.txt"]).toBe("$ ruff check .\nok\nexit code 0\n\n$ black --check .\nwarning only\nexit code 0\n");
  });

  it("fails on a non-zero exit, naming the command and its exit code, then the tool's error lines", () => {
    const v = lintVerdict([{ run: { ...run(1, "a.py:1:1: F401 unused import"), argv: ["ruff", "check", "."] } }, { run: { ...run(0), argv: ["black", "--check", "."] } }]);
    expect(v.status).toBe("failed");
    expect(v.details).toEqual(["ruff check .: problems found", "black --check .: clean"]);
    expect(v.errorLines).toEqual(["ruff check . (exit code 1)", "a.py:1:1: F401 unused import"]);
    expect(v.reports["lint/output.txt"]).toBe("$ ruff check .\na.py:1:1: F401 unused import\nexit code 1\n\n$ black --check .\nexit code 0\n");
  });
});

describe("benchVerdict's lines", () => {
  const gate = { count: 6, thresholdPercent: 10, alpha: 0.05, baselinePath: ".pipeline/bench-baseline.json" };
  const one = [{ name: "Parse", unit: "ns/op", samples: [1, 2, 3, 4] }];
  const two = [...one, { name: "Print", unit: "ns/op", samples: [1, 2, 3, 4] }];

  it("fails alone, with the reason line by line, when something else sits at the baseline's path", () => {
    const v = benchVerdict({ run: run(0), current: two, gate: { ...gate, baselineText: undefined, baselineProblem: "first line\n  Fix: second" } });
    expect(v).toMatchObject({ status: "failed", details: ["2 benchmarks measured"], errorLines: ["first line", "  Fix: second"] });
    expect(Object.keys(v.reports).sort()).toEqual(["bench/current.json", "bench/output.txt"]);
  });

  it("passes without a baseline, saying how to record one", () => {
    const v = benchVerdict({ run: run(0), current: one, gate: { ...gate, baselineText: undefined } });
    expect(v).toEqual({
      status: "passed",
      details: ["1 benchmark measured; no baseline at .pipeline/bench-baseline.json", "record one with: dagger call bench-baseline -o .pipeline/bench-baseline.json"],
      errorLines: [],
      reports: { "bench/current.json": serializeBaseline(one), "bench/output.txt": "" },
    });
  });

  it("fails on a baseline that does not parse, with the parser's message and the fix", () => {
    const v = benchVerdict({ run: run(0), current: one, gate: { ...gate, baselineText: "{" } });
    const fix = "record a new one with: dagger call bench-baseline -o .pipeline/bench-baseline.json";
    expect(v.status).toBe("failed");
    expect(v.details).toEqual(["1 benchmark measured", fix]);
    expect(v.errorLines).toHaveLength(2);
    expect(v.errorLines[0]).toContain(".pipeline/bench-baseline.json");
    expect(v.errorLines[1]).toBe(fix);
  });

  it("passes a comparison without regressions, with its table and the gate's sum-up", () => {
    const v = benchVerdict({ run: run(0), current: two, gate: { ...gate, baselineText: serializeBaseline(two) } });
    expect(v.status).toBe("passed");
    expect(v.details).toEqual(["2 benchmarks compared with .pipeline/bench-baseline.json", "no benchmark regressions (2 compared: 2 insignificant)"]);
    expect(v.errorLines).toEqual([]);
    expect(v.reports["bench/comparison.md"]).toContain("| Parse | ns/op |");
  });
});

describe("the verdicts' edges the summary shows", () => {
  const coverage = { linesCovered: 9, linesValid: 10, percent: 90, files: [{ path: "app.py", covered: 9, total: 10 }] };

  it("keeps coverage paths as the tool wrote them for a project at the repository's root", () => {
    const v = testVerdict({ stage: "test", run: run(0), suites: [suite("s", [test("A", "passed")])], coverage, coverageThreshold: 80 });
    expect(v.reports["test/coverage.cobertura.xml"]).toContain('filename="app.py"');
  });

  it("says nothing of a coverage provider when no gate asks for coverage", () => {
    const v = testVerdict({ stage: "test", run: run(0), suites: [suite("s", [test("A", "passed")])], coverageThreshold: 0, noCoverageProvider: "add @vitest/coverage-v8" });
    expect(v.details).toEqual(["1 test: 1 passed, 0 failed, 0 skipped"]);
  });

  it("names where a lint command ran, and a timed-out one by its timeout", () => {
    const timedOut: ToolRun = { ...run(124), argv: ["go", "vet", "./..."], timedOutSeconds: 60 };
    const v = lintVerdict([{ run: timedOut, where: "module api", errorLines: [] }, { run: { ...run(0), argv: ["gofmt", "-l", "."] }, where: "module api" }]);
    expect(v.details).toEqual(["go vet ./... in module api: problems found", "gofmt -l . in module api: clean"]);
    expect(v.errorLines).toEqual(["go vet ./... timed out after 1m (the stage's timeout): stopped, with the output so far in module api"]);
    expect(v.reports["lint/output.txt"]).toContain("$ go vet ./... in module api\n");
  });

  it("skips a bench run that measured nothing with no error line", () => {
    expect(benchVerdict({ run: run(0), current: [], gate: { count: 6, thresholdPercent: 10, alpha: 0.05, baselinePath: "b.json", baselineText: undefined } }).errorLines).toEqual([]);
  });
});

describe("benchVerdict's gate options", () => {
  const samples = (center: number) => [0.99, 1, 1.01, 0.98, 1.02, 1].map((f) => f * center);
  const baselineText = serializeBaseline([{ name: "Parse", unit: "ns/op", samples: samples(100) }]);
  const gate = { count: 6, thresholdPercent: 10, alpha: 0.05, baselinePath: "b.json", baselineText };
  const slower = (factor: number) => [{ name: "Parse", unit: "ns/op", samples: samples(100 * factor) }];

  it("fails a significant slowdown beyond the threshold with the gate's message as its error line", () => {
    const v = benchVerdict({ run: run(0), current: slower(1.3), gate });
    expect(v.status).toBe("failed");
    expect(v.errorLines).toEqual([v.details[1]]);
    expect(v.errorLines[0]).toMatch(/^1 benchmark regression: Parse ns\/op \+30\.00% /);
  });

  it("passes the same slowdown under a larger threshold, or a smaller alpha than its p", () => {
    expect(benchVerdict({ run: run(0), current: slower(1.3), gate: { ...gate, thresholdPercent: 31 } }).status).toBe("passed");
    // 6 + 6 fully separated: p = 2/924 (exact, with the samples' ties).
    expect(benchVerdict({ run: run(0), current: slower(1.3), gate: { ...gate, alpha: 0.001 } }).status).toBe("passed");
  });
});
