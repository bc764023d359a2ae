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

/** One test's events as go test -json writes them: run, its output lines, then its end. */
const testRun = (name: string, action: string, output: string[]) => [
  event({ Action: "run", Test: name }),
  ...[`=== RUN   ${name}`, ...output].map((line) => event({ Action: "output", Test: name, Output: `${line}\n` })),
  event({ Action: action, Test: name, Elapsed: 0 }),
];
const oneRun = (...events: string[][]) => parseGoTestJson(events.flat().join("\n"))[0]!;

describe("toSuite: what the output says that the events miss", () => {
  it("dedents a failure's log lines as Go indents them: 4 spaces, 4 more for a message's later lines", () => {
    const suite = oneRun(testRun("TestA", "fail", ["    a_test.go:5: want 1", "        got 2", "  ", "    a_test.go:6: second", "", "    a_test.go:7: third", "--- FAIL: TestA (0.00s)"]), [event({ Action: "fail" })]);
    expect(suite.tests[0]!.failureMessage).toBe("a_test.go:5: want 1\n    got 2\n\na_test.go:6: second\n\na_test.go:7: third");
  });

  it("drops only the verdict lines, its own and its subtests', never log lines that quote one", () => {
    const suite = oneRun(
      testRun("TestA", "fail", ["    a_test.go:5: runner said --- FAIL: TestX (0.00s)", "    a_test.go:6: and === RUN   TestY", "--- FAIL: TestA (0.00s)", "    --- FAIL: TestA/sub (0.00s)"]),
      [event({ Action: "fail" })],
    );
    expect(suite.tests[0]!.failureMessage).toBe("a_test.go:5: runner said --- FAIL: TestX (0.00s)\na_test.go:6: and === RUN   TestY");
  });

  it("passes a test whose log only mentions a panic: the runtime starts its report at a line's start", () => {
    const suite = oneRun(testRun("TestA", "pass", ["    a_test.go:5: recovered panic: boom", "--- PASS: TestA (0.00s)"]), [event({ Action: "pass" })]);
    expect(suite.tests[0]!.status).toBe("passed");
  });

  it("says Failed for a failure without a message, and 'a subtest failed' only when one of its own did", () => {
    const suite = oneRun(
      testRun("TestA", "fail", ["--- FAIL: TestA (0.00s)"]),
      testRun("TestA/ok", "pass", []),
      testRun("TestAB", "fail", []),
      testRun("TestB", "fail", []),
      testRun("TestB/broken", "fail", ["    b_test.go:9: broken"]),
      [event({ Action: "fail" })],
    );
    expect(suite.tests.map((t) => [t.name, t.failureMessage])).toEqual([
      ["TestA", "Failed"],
      ["TestA/ok", undefined],
      ["TestAB", "Failed"],
      ["TestB", "a subtest failed"],
      ["TestB/broken", "b_test.go:9: broken"],
    ]);
  });

  it("gives a skip its reason only when the test logged one", () => {
    const suite = oneRun(testRun("TestA", "skip", ["--- SKIP: TestA (0.00s)"]), testRun("TestB", "skip", ["    b_test.go:3: no database", "--- SKIP: TestB (0.00s)"]), [event({ Action: "pass" })]);
    expect(suite.tests.map((t) => [t.status, t.skipMessage])).toEqual([
      ["skipped", undefined],
      ["skipped", "b_test.go:3: no database"],
    ]);
  });

  it("adds a failed TestMain when the package failed after every test passed, with its output or a reason", () => {
    const exited = oneRun(testRun("TestA", "pass", ["--- PASS: TestA (0.00s)"]), [event({ Action: "output", Output: "FAIL\texample.com/p\t0.01s\n" }), event({ Action: "fail" })]);
    expect(exited.tests.map((t) => [t.name, t.status, t.failureMessage])).toEqual([
      ["TestA", "passed", undefined],
      ["TestMain", "failed", "FAIL\texample.com/p\t0.01s"],
    ]);
    const silent = oneRun(testRun("TestA", "pass", []), [event({ Action: "fail" })]);
    expect(silent.tests[1]).toMatchObject({ name: "TestMain", status: "failed" });
    expect(silent.tests[1]!.failureMessage).toBeTruthy();
  });

  it("reads coverage as Go prints it, with one decimal", () => {
    const covered = (line: string) => oneRun([event({ Action: "output", Output: `${line}\n` }), event({ Action: "pass" })]).coveragePercent;
    expect(covered("coverage: 100.0% of statements")).toBe(100);
    expect(covered("coverage: 0.0% of statements")).toBe(0);
    expect(covered("coverage: 66.7% of statements in ./...")).toBe(66.7);
    expect(covered("coverage: [no statements]")).toBeUndefined();
  });

  it("takes the FailedBuild field for a build failure even when no output says so, and always names one (its first error, unindented)", () => {
    const suite = oneRun([
      JSON.stringify({ ImportPath: "example.com/p [example.com/p.test]", Action: "build-output", Output: "# example.com/p [example.com/p.test]\n" }),
      JSON.stringify({ ImportPath: "example.com/p [example.com/p.test]", Action: "build-output", Output: "    \n\t./p_test.go:3:1: syntax error\n" }),
      event({ Action: "fail", FailedBuild: "example.com/p [example.com/p.test]" }),
    ]);
    expect(suite).toMatchObject({ tests: [], failedBuild: "./p_test.go:3:1: syntax error" });
    const unexplained = oneRun([event({ Action: "fail", FailedBuild: "example.com/p" })]);
    expect(unexplained.failedBuild).toBeTruthy();
    expect(unexplained.output).toBeUndefined();
  });

  it("names a build failure by go's own marker when no compiler output explains it, ignoring unrelated notes", () => {
    const stream = ["go: downloading example.com/dep v1.0.0", event({ Action: "output", Output: "FAIL\texample.com/p [setup failed]\n" }), event({ Action: "fail" })];
    expect(parseGoTestJson(stream.join("\n"))).toEqual([{ name: "example.com/p", tests: [], durationSeconds: 0, failedBuild: "[setup failed]", output: "FAIL\texample.com/p [setup failed]" }]);
  });

  it("finds old Go's compiler block of a test build, headed '# <pkg> [<pkg>.test]'", () => {
    const stream = ["# example.com/p [example.com/p.test]", "./p_test.go:3:1: undefined: x", "# example.com/other", "other.go:1:1: bad", event({ Action: "output", Output: "FAIL\texample.com/p [build failed]\n" }), event({ Action: "fail" })];
    expect(parseGoTestJson(stream.join("\n"))[0]).toMatchObject({ failedBuild: "./p_test.go:3:1: undefined: x", output: "# example.com/p [example.com/p.test]\n./p_test.go:3:1: undefined: x\nFAIL\texample.com/p [build failed]" });
  });
});
