import { describe, expect, it } from "vitest";
import { recordRun } from "../../cli/recording-engine/run.js";
import * as goArgs from "../../pipeline/modules/go/args.js";
import * as pyArgs from "../../pipeline/modules/python/args.js";
import { parseBaseline } from "../../pipeline/modules/report/bench.js";
import { copyExample, examplePath } from "../helpers/examples.js";
import { pipelineOn, stageSummary } from "../helpers/pipeline.js";
import { newFilesOf } from "../helpers/records.js";

/**
 * Stage verdicts through the module, on the recording engine, with inline
 * tool outputs (no shared fixtures needed): pytest's exit codes for the
 * property stage (5: nothing collected, skipped; 1: tests failed, failed), and
 * bench-baseline returning the measurement, or failing with the bench stage.
 */

const PROPERTY = pyArgs.propertyTestArgs(100).join(" ");
const propertyJunit = (failures: number) =>
  `<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" errors="0" failures="${failures}" skipped="0" tests="1" time="0.1">` +
  `<testcase classname="tests.test_props" name="test_clamp_is_idempotent" time="0.1">${failures ? '<failure message="AssertionError: assert 3 == 2">AssertionError: assert 3 == 2</failure>' : ""}</testcase>` +
  "</testsuite></testsuites>";

describe("pytest's exit code in the property stage", () => {
  const runWith = (exitCode: number, junit: string | undefined) =>
    recordRun(() => stageSummary(examplePath("python-service"), "propertyTest"), {
      execOutcome: (argv) => (argv.join(" ") === PROPERTY ? { exitCode, stdout: exitCode === 1 ? "FAILED tests/test_props.py::test_clamp_is_idempotent\n1 failed in 0.10s" : "" } : undefined),
      fileContents: (path) => (path === pyArgs.reportPaths().propertyJunit ? junit : undefined),
    });

  it("fails it on exit 1 (tests failed), naming the failing test, never skipped", async () => {
    const { result, error } = await runWith(1, propertyJunit(1));
    expect(error).toBeUndefined();
    expect(result).toMatch(/propertyTest \| ❌ failed/);
    expect(result).toContain(`${PROPERTY} exited with code 1`);
    expect(result).toContain("FAIL tests.test_props test_clamp_is_idempotent: AssertionError: assert 3 == 2");
    expect(result).not.toMatch(/propertyTest \| ⏭ skipped/);
  });

  it("fails it on exit 1 even when pytest left no JUnit report", async () => {
    const { result } = await runWith(1, undefined);
    expect(result).toMatch(/propertyTest \| ❌ failed/);
  });

  it("skips it on exit 5 (nothing collected)", async () => {
    const { result } = await runWith(5, undefined);
    expect(result).toMatch(/propertyTest \| ⏭ skipped/);
    expect(result).toContain("no tests marked @pytest.mark.property");
  });
});

describe("bench-baseline", () => {
  const BENCH = goArgs.benchArgs(6).join(" ");
  const stdout = ["goos: linux", "goarch: amd64", "pkg: example.com/go-service", ...[101, 99, 100, 102, 98, 100].map((ns) => `BenchmarkParse-2 \t 1000000\t ${ns} ns/op`), "PASS"].join("\n");

  it("returns the measured samples as a baseline file, on every call", async () => {
    for (let call = 1; call <= 2; call++) {
      const { engine, error } = await recordRun(async () => (await pipelineOn(copyExample("go-service"))).benchBaseline().then((f) => f.id()), {
        execOutcome: (argv) => (argv.join(" ") === BENCH ? { exitCode: 0, stdout } : undefined),
      });
      expect(error, `call ${call}`).toBeUndefined();
      const file = engine.records.filter((r) => r.leaf === "id" && r.steps.some((s) => s.field === "withNewFile")).pop()!;
      const baseline = parseBaseline(newFilesOf(file.steps)["bench-baseline.json"]!, "bench-baseline.json");
      expect(baseline).toEqual([{ package: "example.com/go-service", name: "Parse", unit: "ns/op", samples: [101, 99, 100, 102, 98, 100] }]);
    }
  });

  it("fails with the bench stage's own error when the benchmarks fail", async () => {
    const { error } = await recordRun(async () => (await pipelineOn(copyExample("go-service"))).benchBaseline().then((f) => f.id()), {
      execOutcome: (argv) => (argv.join(" ") === BENCH ? { exitCode: 1, stdout: "--- FAIL: BenchmarkParse\n    parse_test.go:12: boom\nFAIL" } : undefined),
    });
    expect(String(error)).toContain(`${BENCH} exited with code 1`);
  });
});
