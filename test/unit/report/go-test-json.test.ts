import { describe, expect, it } from "vitest";
import { parseGoTestJson } from "../../../pipeline/modules/report/go-test-json.js";
import { parseJUnit } from "../../../pipeline/modules/report/junit.js";
import type { TestSuiteResult } from "../../../pipeline/modules/report/model.js";
import { describeFixtures, readFixture } from "../../helpers/fixtures.js";

const counts = (suite: TestSuiteResult) => ({
  tests: suite.tests.length,
  passed: suite.tests.filter((t) => t.status === "passed").length,
  failed: suite.tests.filter((t) => t.status === "failed").length,
  skipped: suite.tests.filter((t) => t.status === "skipped").length,
});
const byName = (suites: TestSuiteResult[], name: string) => suites.find((s) => s.name === name)!;
const test = (suite: TestSuiteResult, name: string) => suite.tests.find((t) => t.name === name)!;
const event = (fields: Record<string, unknown>) => JSON.stringify({ Package: "example.com/p", ...fields });

describeFixtures("parseGoTestJson on real go test -json streams", () => {
  it("reads passes, subtests, a skip with its reason and a failure with its message (go/test-fail.jsonl)", () => {
    const [suite, ...rest] = parseGoTestJson(readFixture("go/test-fail.jsonl"));
    expect(rest).toEqual([]);
    expect(suite!.name).toBe("example.com/gosample");
    expect(counts(suite!)).toEqual({ tests: 6, passed: 4, failed: 1, skipped: 1 });
    expect(suite!.tests.map((t) => t.name)).toEqual(["TestAdd", "TestAbs", "TestAbs/#00", "TestAbs/#01", "TestSkipped", "TestJoinFails"]);
    expect(test(suite!, "TestJoinFails").failureMessage).toBe('fail_test.go:10: Join = "a-b", want "a--b"');
    expect(test(suite!, "TestSkipped").skipMessage).toBe("calc_test.go:22: skipped on purpose");
    expect(suite!.durationSeconds).toBe(0.003);
  });

  it("extracts per-package coverage and keeps a package without test files (go/test-race-cover.jsonl)", () => {
    const suites = parseGoTestJson(readFixture("go/test-race-cover.jsonl"));
    expect(suites.map((s) => [s.name, s.coveragePercent, counts(s).tests])).toEqual([
      ["example.com/gosample", 33.3, 5],
      ["example.com/gosample/racy", undefined, 0],
    ]);
  });

  it("reads Go 1.20 coverage lines and ignores '[no statements]' (with-cover-go1.20.jsonl)", () => {
    const suites = parseGoTestJson(readFixture("go/test-json/with-cover-go1.20.jsonl"));
    expect(byName(suites, "gotest.tools/gotestsum/testjson/internal/good").coveragePercent).toBe(66.7);
    expect(byName(suites, "gotest.tools/gotestsum/testjson/internal/empty").coveragePercent).toBeUndefined();
  });

  it.each(["go/race.jsonl", "go/test-json/race.jsonl"])("fails the racing test with the race report as its message (%s)", (path) => {
    const [suite] = parseGoTestJson(readFixture(path));
    expect(counts(suite!)).toEqual({ tests: 1, passed: 0, failed: 1, skipped: 0 });
    expect(suite!.tests[0]!.failureMessage).toMatch(/^WARNING: DATA RACE\n(Read|Write) at 0x/);
    expect(suite!.tests[0]!.failureMessage).toContain("race detected during execution of test");
  });

  it("counts every package of a multi-package run like gotestsum's JUnit of the same stream", () => {
    const suites = parseGoTestJson(readFixture("go/test-json/multi-package.jsonl"));
    const short = (name: string) => name.replace("gotest.tools/gotestsum/testjson/internal/", "");
    expect(suites.map((s) => [short(s.name), counts(s)])).toEqual([
      ["badmain", { tests: 1, passed: 0, failed: 1, skipped: 0 }],
      ["empty", { tests: 0, passed: 0, failed: 0, skipped: 0 }],
      ["good", { tests: 18, passed: 16, failed: 0, skipped: 2 }],
      ["parallelfails", { tests: 12, passed: 4, failed: 8, skipped: 0 }],
      ["withfails", { tests: 29, passed: 22, failed: 4, skipped: 3 }],
    ]);
    // junit/gotestsum-go.xml is gotestsum's --junitfile for this very stream.
    const junit = parseJUnit(readFixture("junit/gotestsum-go.xml"));
    expect(junit.map((s) => [short(s.name), counts(s)])).toEqual(suites.map((s) => [short(s.name), counts(s)]));
  });

  it("turns a TestMain that exits non-zero into a failed TestMain case, as gotestsum does", () => {
    const badmain = parseGoTestJson(readFixture("go/test-json/multi-package.jsonl"))[0]!;
    expect(badmain.tests[0]).toMatchObject({ name: "TestMain", status: "failed" });
    expect(badmain.tests[0]!.failureMessage).toMatch(/^sometimes main can exit 2\n/);
  });

  it("explains a parent failure by its failed subtests and drops pause/cont framing (parallel-fails.jsonl)", () => {
    const [suite] = parseGoTestJson(readFixture("go/test-json/parallel-fails.jsonl"));
    expect(counts(suite!)).toEqual({ tests: 12, passed: 4, failed: 8, skipped: 0 });
    expect(test(suite!, "TestNestedParallelFailures").failureMessage).toBe("a subtest failed");
    expect(test(suite!, "TestParallelTheFirst").failureMessage).toContain("fails_test.go:29: failed the first");
    expect(suite!.tests.map((t) => t.output ?? "").join("\n")).not.toMatch(/=== (PAUSE|CONT|RUN)/);
  });

  it("reports an init panic as a failed TestMain (panic.jsonl)", () => {
    const [suite] = parseGoTestJson(readFixture("go/test-json/panic.jsonl"));
    expect(suite!.tests).toHaveLength(1);
    expect(suite!.tests[0]!.failureMessage).toMatch(/^panic: init\n/);
  });

  it("fails a test that passed when the binary then panicked on timeout (timeout-panic.jsonl)", () => {
    const [suite] = parseGoTestJson(readFixture("go/test-json/timeout-panic.jsonl"));
    expect(test(suite!, "TestHello").status).toBe("failed");
    expect(test(suite!, "TestHello").failureMessage).toMatch(/^panic: test timed out after 1s\n/);
    expect(suite!.durationSeconds).toBe(1.012);
  });

  it("reads Go 1.24 build-output/build-fail events into failedBuild (build-failed-go1.24.jsonl)", () => {
    const [suite] = parseGoTestJson(readFixture("go/test-json/build-failed-go1.24.jsonl"));
    expect(suite!.tests).toEqual([]);
    expect(suite!.failedBuild).toBe("./directory_test.go:321:10: undefined: assert.foo");
    expect(suite!.output).toContain("# example.com/internal/cacher [example.com/internal/cacher.test]");
  });

  it("reads setup failures of several packages (setup-failed-go1.24.jsonl)", () => {
    const suites = parseGoTestJson(readFixture("go/test-json/setup-failed-go1.24.jsonl"));
    expect(suites.map((s) => [s.name, s.failedBuild])).toEqual([
      ["example.com/internal/cacher", "directory_test.go:321:13: expected ';', found o"],
      ["example.com/internal/cacher/subpkg", "subpkg/main_test.go:1:1: expected 'package', found aldfjadskfs"],
    ]);
  });

  it("ignores Go 1.25 attr events (with-attributes-go1.25.jsonl)", () => {
    const [suite] = parseGoTestJson(readFixture("go/test-json/with-attributes-go1.25.jsonl"));
    expect(suite!.tests.map((t) => [t.name, t.status, t.output])).toEqual([["TestSomeAttributes", "passed", "--- PASS: TestSomeAttributes (0.00s)"]]);
  });

  it("does not take benchmark lines for tests (test-json/bench.jsonl, go/bench.jsonl)", () => {
    expect(parseGoTestJson(readFixture("go/test-json/bench.jsonl"))[0]!.tests.map((t) => t.name)).toEqual(["TestA", "TestZ"]);
    const [bench] = parseGoTestJson(readFixture("go/bench.jsonl"));
    expect(bench!.tests).toEqual([]);
    expect(bench!.output).toContain("BenchmarkJoin-2");
  });

  it("finds an old Go build error among non-JSON lines merged into the stream (multi-package.stderr.txt)", () => {
    const broken = "gotest.tools/gotestsum/testjson/internal/broken";
    const stream = [
      "go: downloading example.com/dep v1.0.0",
      readFixture("go/test-json/multi-package.stderr.txt").trim(),
      JSON.stringify({ Action: "output", Package: broken, Output: `FAIL\t${broken} [build failed]\n` }),
      JSON.stringify({ Action: "fail", Package: broken, Elapsed: 0 }),
      readFixture("go/test-fail.jsonl"),
    ].join("\n");
    const suites = parseGoTestJson(stream);
    expect(suites.map((s) => s.name)).toEqual([broken, "example.com/gosample"]);
    expect(suites[0]!.failedBuild).toBe("testjson/internal/broken/broken.go:5:21: undefined: somepackage");
    expect(counts(suites[1]!).tests).toBe(6);
  });
});

describe("parseGoTestJson edge cases", () => {
  it("fails a test whose output holds a data race even if its event says pass", () => {
    const stream = [
      event({ Action: "run", Test: "TestX" }),
      event({ Action: "output", Test: "TestX", Output: "==================\nWARNING: DATA RACE\nWrite at 0x1 by goroutine 7:\n" }),
      event({ Action: "pass", Test: "TestX", Elapsed: 0.5 }),
      event({ Action: "fail", Elapsed: 0.6 }),
    ].join("\n");
    const [suite] = parseGoTestJson(stream);
    expect(suite!.tests).toEqual([
      expect.objectContaining({ name: "TestX", status: "failed", durationSeconds: 0.5, failureMessage: "WARNING: DATA RACE\nWrite at 0x1 by goroutine 7:" }),
    ]);
  });

  it("keeps each run of a test run with -count=2, and fails a test that never finished", () => {
    const stream = [
      event({ Action: "run", Test: "TestA" }),
      event({ Action: "pass", Test: "TestA" }),
      event({ Action: "run", Test: "TestA" }),
      event({ Action: "fail", Test: "TestA" }),
      event({ Action: "run", Test: "TestB" }),
      event({ Action: "output", Test: "TestB", Output: "=== RUN   TestB\n" }),
      event({ Action: "output", Output: "signal: killed\n" }),
      event({ Action: "fail" }),
    ].join("\n");
    const [suite] = parseGoTestJson(stream);
    expect(suite!.tests.map((t) => [t.name, t.status])).toEqual([
      ["TestA", "passed"],
      ["TestA", "failed"],
      ["TestB", "failed"],
    ]);
    expect(suite!.tests[2]!.failureMessage).toBe("test did not finish: the test binary exited");
  });

  it("returns nothing for an empty stream or one without events", () => {
    expect(parseGoTestJson("")).toEqual([]);
    expect(parseGoTestJson("not json\n{broken")).toEqual([]);
  });
});
