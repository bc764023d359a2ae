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
    // What the compiler printed (the build-output events), then go's FAIL line; the build-fail event adds nothing.
    expect(suite!.output).toBe("# example.com/internal/cacher [example.com/internal/cacher.test]\n./directory_test.go:321:10: undefined: assert.foo\nFAIL\texample.com/internal/cacher [build failed]");
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

  it("reads the plain FAIL line and stderr block of a package that old Go (< 1.24) could not build", () => {
    const stream = [
      event({ Action: "run", Test: "TestOK" }),
      event({ Action: "pass", Test: "TestOK", Elapsed: 0 }),
      event({ Action: "pass", Elapsed: 0.01 }),
      "FAIL\texample.com/broken [build failed]",
      "FAIL\texample.com/setup [setup failed]",
      "",
      "# example.com/broken",
      "./broken.go:5:21: undefined: somepackage",
      "",
      "./broken.go:9:2: declared and not used: x",
      "# example.com/setup",
      "setup_test.go:1:1: expected 'package', found bad",
    ].join("\n");
    const suites = parseGoTestJson(stream);
    expect(suites.map((s) => [s.name, s.failedBuild, s.tests.length])).toEqual([
      ["example.com/p", undefined, 1],
      ["example.com/broken", "./broken.go:5:21: undefined: somepackage", 0],
      ["example.com/setup", "setup_test.go:1:1: expected 'package', found bad", 0],
    ]);
    // The compiler's lines as it printed them, then go's FAIL line.
    expect(suites[1]!.output).toBe("# example.com/broken\n./broken.go:5:21: undefined: somepackage\n\n./broken.go:9:2: declared and not used: x\nFAIL\texample.com/broken [build failed]");
  });

  it("takes only go's whole FAIL line for a package that did not build, and never for one that has events", () => {
    const stream = [
      event({ Action: "output", Output: "ok\n" }),
      event({ Action: "pass", Elapsed: 0.01 }),
      "FAIL\texample.com/p [build failed]",
      "note: FAIL\texample.com/quoted [build failed]",
      "FAIL\texample.com/trailing [build failed] and more",
    ].join("\n");
    expect(parseGoTestJson(stream)).toEqual([{ name: "example.com/p", tests: [], durationSeconds: 0.01, output: "ok" }]);
  });

  it("passes a benchmark that logged and did not fail, in a package another benchmark failed (Go's test2json testdata bench, benchfail)", () => {
    const stream = [
      event({ Action: "start" }),
      event({ Action: "output", Output: "BenchmarkFoo-8   \t2000000000\t         0.00 ns/op\n" }),
      event({ Action: "output", Test: "BenchmarkFoo-8", Output: "--- BENCH: BenchmarkFoo-8\n" }),
      event({ Action: "output", Test: "BenchmarkFoo-8", Output: "\tx_test.go:8: My benchmark\n" }),
      event({ Action: "bench", Test: "BenchmarkFoo-8" }),
      event({ Action: "output", Test: "BenchmarkBar", Output: "--- FAIL: BenchmarkBar\n" }),
      event({ Action: "output", Test: "BenchmarkBar", Output: "\tx_test.go:12: too slow\n" }),
      event({ Action: "fail", Test: "BenchmarkBar" }),
      event({ Action: "output", Output: "FAIL\n" }),
      event({ Action: "fail" }),
    ].join("\n");
    const [suite] = parseGoTestJson(stream);
    expect(suite!.tests.map((t) => [t.name, t.status, t.failureMessage])).toEqual([
      ["BenchmarkFoo-8", "passed", undefined],
      ["BenchmarkBar", "failed", "x_test.go:12: too slow"],
    ]);
    expect(suite!.tests[0]!.output).toContain("x_test.go:8: My benchmark");
  });

  it("keeps a test's events after its end with that run: Go 1.20+ repeats the end as '=== PASS' (Go's test2json testdata framebig)", () => {
    const stream = [
      event({ Action: "run", Test: "TestIndex" }),
      event({ Action: "output", Test: "TestIndex", Output: "=== RUN   TestIndex\n" }),
      event({ Action: "output", Test: "TestIndex", Output: "--- PASS: TestIndex (0.00s)\n" }),
      event({ Action: "pass", Test: "TestIndex" }),
      event({ Action: "pass", Test: "TestIndex" }),
      event({ Action: "output", Test: "TestIndex", Output: "=== PASS  TestIndex\n" }),
      event({ Action: "pass" }),
    ].join("\n");
    const [suite] = parseGoTestJson(stream);
    expect(suite!.tests).toEqual([{ name: "TestIndex", classname: "example.com/p", durationSeconds: 0, status: "passed", output: "--- PASS: TestIndex (0.00s)" }]);
  });

  it("takes only JSON objects with an Action for events", () => {
    const notEvents = [JSON.stringify({ Package: "example.com/q", Output: "x\n" }), "42", "null", "[]", '"text"', "{broken"];
    expect(parseGoTestJson(notEvents.join("\n"))).toEqual([]);
  });

  it("adds nothing for the fields an event leaves out (Output, Elapsed)", () => {
    const stream = [
      event({ Action: "run", Test: "TestA" }),
      event({ Action: "output", Test: "TestA" }),
      event({ Action: "pass", Test: "TestA" }),
      event({ Action: "output" }),
      event({ Action: "pass" }),
    ].join("\n");
    expect(parseGoTestJson(stream)).toEqual([{ name: "example.com/p", tests: [{ name: "TestA", classname: "example.com/p", durationSeconds: 0, status: "passed" }], durationSeconds: 0 }]);
  });

  it("returns nothing for an empty stream, one without events, or events of no package (test2json run without -p)", () => {
    expect(parseGoTestJson("")).toEqual([]);
    expect(parseGoTestJson([{ Action: "start" }, { Action: "output", Output: "PASS\n" }, { Action: "pass" }].map((e) => JSON.stringify(e)).join("\n"))).toEqual([]);
    expect(parseGoTestJson("not json\n{broken")).toEqual([]);
  });
});
