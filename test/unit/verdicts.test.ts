import { describe, expect, it } from "vitest";
import type { TestSuiteResult } from "../../pipeline/modules/report/model.js";
import type { ToolRun } from "../../pipeline/modules/stage.js";
import { serializeBaseline } from "../../pipeline/modules/report/bench.js";
import { benchVerdict, lintVerdict, testVerdict } from "../../pipeline/modules/verdicts.js";

const run = (exitCode: number, stdout = "", stderr = ""): ToolRun => ({ argv: ["tool", "run"], exitCode, stdout, stderr, files: {} });
const suites = (...statuses: ("passed" | "failed" | "skipped")[]): TestSuiteResult[] => [
  { name: "pkg", durationSeconds: 0, tests: statuses.map((status, i) => ({ name: `T${i}`, classname: "pkg", durationSeconds: 0, status })) },
];
const coverage = (percent: number) => ({ linesCovered: percent, linesValid: 100, percent, files: [{ path: "a.go", covered: percent, total: 100 }] });

describe("testVerdict", () => {
  it("passes green tests above the threshold and keeps JUnit, Cobertura and coverage.md", () => {
    const v = testVerdict({ stage: "test", run: run(0), suites: suites("passed", "skipped"), coverage: coverage(85), coverageThreshold: 80 });
    expect(v.status).toBe("passed");
    expect(v.details).toEqual(["2 tests: 1 passed, 0 failed, 1 skipped", "coverage 85.0% meets the 80% threshold"]);
    expect(Object.keys(v.reports).sort()).toEqual(["test/coverage.cobertura.xml", "test/coverage.md", "test/junit.xml"]);
  });

  it("fails when tests ran but left no coverage to check the gate against", () => {
    const v = testVerdict({ stage: "test", run: run(0), suites: suites("passed"), coverageThreshold: 80 });
    expect(v.status).toBe("failed");
    expect(v.errorLines).toEqual(["no coverage report was produced, so the 80% coverage gate cannot be checked"]);
  });

  it("skips the gate with the fix when no coverage provider could measure, instead of failing for the missing report", () => {
    const fix = "vitest has no coverage provider in package.json: add one with npm install -D @vitest/coverage-v8";
    const v = testVerdict({ stage: "test", run: run(0), suites: suites("passed"), coverageThreshold: 80, noCoverageProvider: fix });
    expect(v.status).toBe("passed");
    expect(v.details).toContain(`coverage gate skipped: ${fix}, or set stages.test.coverageThreshold: 0 to check no coverage`);
    // A failing test still fails the stage; the gate's note stays.
    expect(testVerdict({ stage: "test", run: run(1), suites: suites("failed"), coverageThreshold: 80, noCoverageProvider: fix }).status).toBe("failed");
  });

  it("skips when the tool found no tests, saying so as nothing having run, and fails on a non-zero exit even with no test failing", () => {
    const none = testVerdict({ stage: "propertyTest", run: run(0), suites: [] });
    expect(none.status).toBe("skipped");
    expect(none.nothingRan).toBe("no tests found by tool run");
    const crashed = testVerdict({ stage: "test", run: run(2, "", "panic: boom\nexit status 2"), suites: [] });
    expect(crashed.status).toBe("failed");
    expect(crashed.errorLines).toEqual(["tool run exited with code 2", "panic: boom", "exit status 2"]);
  });
});

describe("lintVerdict", () => {
  it("lets a tool that reports on stdout with exit 0 fail the stage, and logs every command", () => {
    const v = lintVerdict([{ run: run(0) }, { run: run(0, "main.go\n"), failed: true, errorLines: ["main.go: not formatted"] }]);
    expect(v.status).toBe("failed");
    expect(v.errorLines).toEqual(["tool run (exit code 0)", "main.go: not formatted"]);
    expect(v.reports["lint/output.txt"]).toContain("$ tool run\nmain.go\n");
  });
});

describe("a tool killed by a signal", () => {
  const killed: ToolRun = { ...run(139, "", "Segmentation fault in parser\n"), signal: 11 };

  it("says which signal killed it in every verdict, with its own last lines, and logs it", () => {
    const expected = "tool run was killed by signal 11 (SIGSEGV: a segmentation fault)";
    expect(testVerdict({ stage: "test", run: killed, suites: suites("passed") }).errorLines).toEqual([expected, "Segmentation fault in parser"]);
    const lint = lintVerdict([{ run: killed }]);
    expect(lint.errorLines[0]).toBe(expected);
    expect(lint.reports["lint/output.txt"]).toContain("exit code 139: killed by signal 11 (SIGSEGV: a segmentation fault)");
    const gate = { count: 6, thresholdPercent: 10, alpha: 0.05, baselinePath: "b.json", baselineText: undefined };
    expect(benchVerdict({ run: killed, current: [], gate }).errorLines[0]).toBe(expected);
  });
});

describe("benchVerdict", () => {
  const gate = { count: 6, thresholdPercent: 10, alpha: 0.05, baselinePath: ".pipeline/bench-baseline.json" };
  const samples = (center: number) => [0.99, 1, 1.01, 0.98, 1.02, 1].map((f) => f * center);

  it("skips when nothing was measured, and says how to record a baseline when there is none", () => {
    expect(benchVerdict({ run: run(0), current: [], gate: { ...gate, baselineText: undefined } }).status).toBe("skipped");
    const v = benchVerdict({ run: run(0), current: [{ name: "Parse", unit: "ns/op", samples: samples(100) }], gate: { ...gate, baselineText: undefined } });
    expect(v.status).toBe("passed");
    expect(v.details[1]).toBe("record one with: dagger call bench-baseline -o .pipeline/bench-baseline.json");
  });

  it("fails a significant slowdown beyond the threshold, with the comparison as a report", () => {
    const baseline = [{ name: "Parse", unit: "ns/op", samples: samples(100) }];
    const baselineText = serializeBaseline(baseline);
    const v = benchVerdict({ run: run(0), current: [{ name: "Parse", unit: "ns/op", samples: samples(130) }], gate: { ...gate, baselineText } });
    expect(v.status).toBe("failed");
    expect(v.reports["bench/comparison.md"]).toContain("Parse");
    const same = benchVerdict({ run: run(0), current: baseline, gate: { ...gate, baselineText } });
    expect(same.status).toBe("passed");
  });

  it("fails the bench stage alone on a broken baseline, keeping the measurements and saying how to replace it", () => {
    const current = [{ name: "Parse", unit: "ns/op", samples: samples(100) }];
    const v = benchVerdict({ run: run(0), current, gate: { ...gate, baselineText: "{ not json" } });
    expect(v.status).toBe("failed");
    expect(v.errorLines[0]).toMatch(/^\.pipeline\/bench-baseline\.json: is not valid JSON/);
    expect(v.errorLines[1]).toBe("record a new one with: dagger call bench-baseline -o .pipeline/bench-baseline.json");
    expect(JSON.parse(v.reports["bench/current.json"]!).benchmarks).toHaveLength(1);
  });
});
