import type { TestCaseResult, TestSuiteResult } from "./model.js";

/**
 * Turns what one package's `go test -json` events said into a suite: the
 * events decide first, then the output fills what they miss (a panic or a
 * race after a test passed, a TestMain exit, a build that failed).
 */

export interface CaseState {
  name: string;
  output: string;
  action?: string;
  elapsed: number;
}

export interface PackageState {
  name: string;
  output: string;
  cases: CaseState[];
  running: Map<string, CaseState>;
  action?: string;
  elapsed: number;
  failedBuild?: string;
}

// test2json's framing lines (its "updates"); Go 1.20+ also frames a test's end as "=== PASS  TestX".
const FRAMING = /^=== (RUN|PAUSE|CONT|NAME|PASS|FAIL|SKIP|ATTR|ARTIFACTS)\b/;
const VERDICT = /^\s*--- (PASS|FAIL|SKIP): /;
const BINARY_DIED = /^(panic: |fatal error: |WARNING: DATA RACE)/m;

/** Builds the suite; `buildOutput` holds Go 1.24+ build-output by ImportPath, `loose` the stream's non-JSON lines. */
export function toSuite(state: PackageState, buildOutput: ReadonlyMap<string | undefined, string>, loose: string[]): TestSuiteResult {
  const packageFailed = state.action === "fail";
  const tests = state.cases.map((c) => toCase(c, state.name, packageFailed));
  for (const test of tests) {
    if (test.status === "failed" && !test.failureMessage) {
      const failedChild = tests.some((t) => t.status === "failed" && t.name.startsWith(`${test.name}/`));
      test.failureMessage = failedChild ? "a subtest failed" : "Failed";
    }
  }
  const output = clean(state.output);
  const suite: TestSuiteResult = { name: state.name, tests, durationSeconds: state.elapsed };
  // Go prints it with one decimal ("coverage: %.1f%% of statements", internal/coverage/cformat).
  const coverage = /coverage: (\d+\.\d)% of statements/.exec(state.output);
  if (coverage) suite.coveragePercent = Number(coverage[1]);
  const buildMarker = /\[(build|setup) failed\]/.exec(output);
  if (state.failedBuild !== undefined || buildMarker) {
    const log = buildOutput.get(state.failedBuild) ?? looseBlock(loose, state.name);
    const firstError = log?.split("\n").find((l) => l.trim() && !l.startsWith("#"));
    suite.failedBuild = firstError?.trim() ?? buildMarker?.[0] ?? "[build failed]";
    const shown = [log?.trim(), output].filter(Boolean).join("\n");
    if (shown) suite.output = shown;
    return suite;
  }
  if (output) suite.output = output;
  if (packageFailed && !tests.some((t) => t.status === "failed")) {
    // gotestsum's convention: the package failed outside any test (TestMain
    // exit, init panic, race after the tests), so show it as a failed TestMain.
    tests.push({ name: "TestMain", classname: state.name, durationSeconds: 0, status: "failed", failureMessage: output || "the test binary failed", output });
  }
  return suite;
}

function toCase(state: CaseState, classname: string, packageFailed: boolean): TestCaseResult {
  const lines = unframed(state.output);
  const output = lines.join("\n").trim();
  // From the lines as printed: trimming first would take the first line's indentation.
  const message = dedent(lines.filter((l) => !VERDICT.test(l)));
  const died = BINARY_DIED.exec(output);
  const test: TestCaseResult = { name: state.name, classname, durationSeconds: state.elapsed, status: "passed" };
  if (output) test.output = output;
  if (state.action === "fail" || died || (!state.action && packageFailed)) {
    test.status = "failed";
    // The panic or race report is the useful part; t.Log lines before it are context.
    const why = died ? output.slice(died.index) : message;
    test.failureMessage = state.action ? why : `test did not finish: the test binary exited\n${why}`.trim();
  } else if (state.action === "skip") {
    test.status = "skipped";
    if (message) test.skipMessage = message;
  }
  return test;
}

function unframed(output: string): string[] {
  return output.split("\n").filter((l) => !FRAMING.test(l));
}

function clean(output: string): string {
  return unframed(output).join("\n").trim();
}

function dedent(lines: string[]): string {
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.search(/\S/)));
  return Number.isFinite(indent) ? lines.map((l) => l.slice(indent)).join("\n").trim() : ""; // blank text has no indent
}

/** Go < 1.24 prints build errors on stderr as "# <pkg>" then the errors. */
function looseBlock(loose: string[], pkg: string): string | undefined {
  const start = loose.findIndex((l) => l === `# ${pkg}` || l.startsWith(`# ${pkg} `));
  if (start === -1) return undefined;
  const end = loose.findIndex((l, i) => i > start && l.startsWith("# "));
  return loose.slice(start, end === -1 ? undefined : end).join("\n");
}
