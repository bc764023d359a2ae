import { basename, dirname } from "node:path";
import { COVERPROFILE } from "../../pipeline/modules/go/args.js";
import { reportPaths as nodeReportPaths } from "../../pipeline/modules/node/args.js";
import { reportPaths as pythonReportPaths } from "../../pipeline/modules/python/args.js";
import type { ExecOutcome, RecordingEngineOptions } from "./engine.js";

/**
 * The recording engine answers every exec with empty output, which the pipeline reads as "no test
 * ran" (a failed test stage). A plan shows the graph of a passing run, and so does a graph test about
 * something else: these options answer the unit-test runs as the real tools do when one test passed
 * and covered everything: `go test -json` events and a coverprofile, JUnit XML, Cobertura, lcov and
 * jest's JSON. The caller's own `execOutcome` or `fileContents` answers first.
 */
export function testsRan(own: RecordingEngineOptions = {}): RecordingEngineOptions {
  return {
    ...own,
    execOutcome: (argv) => own.execOutcome?.(argv) ?? goTestOutcome(argv),
    // Without a hook of its own every other file reads as empty, as the engine's default does.
    fileContents: (path, steps) => (own.fileContents ? (own.fileContents(path, steps) ?? testReport(path)) : (testReport(path) ?? "")),
  };
}

/** The package a go test run reports, from its module's folder (the workdir nested modules run in). */
const GO_PACKAGE = "example.com/tested";

/** `go test ... -json` events of one passing test; benchmarks (-bench) and listings are left to the engine's default. */
function goTestOutcome(argv: readonly string[]): ExecOutcome | undefined {
  if (argv[0] !== "go" || argv[1] !== "test" || !argv.includes("-json") || argv.includes("-bench")) return undefined;
  const events = [
    { Action: "run", Package: GO_PACKAGE, Test: "TestTested" },
    { Action: "pass", Package: GO_PACKAGE, Test: "TestTested", Elapsed: 0.01 },
    { Action: "pass", Package: GO_PACKAGE, Elapsed: 0.02 },
  ];
  return { exitCode: 0, stdout: `${events.map((e) => JSON.stringify(e)).join("\n")}\n` };
}

const JUNIT = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites tests="1" failures="0" errors="0" skipped="0">
  <testsuite name="tested" tests="1" failures="0" errors="0" skipped="0" time="0.01">
    <testcase classname="tested" name="passes" time="0.01"/>
  </testsuite>
</testsuites>
`;

const COBERTURA = `<?xml version="1.0" ?>
<coverage line-rate="1" branch-rate="1" lines-covered="2" lines-valid="2" version="1">
  <sources><source>/src</source></sources>
  <packages><package name="tested" line-rate="1"><classes>
    <class name="tested" filename="tested.js" line-rate="1"><lines>
      <line number="1" hits="1"/><line number="2" hits="1"/>
    </lines></class>
  </classes></package></packages>
</coverage>
`;

const JEST_JSON = JSON.stringify({
  numTotalTests: 1,
  success: true,
  testResults: [{ name: "/src/tested.test.js", status: "passed", assertionResults: [{ ancestorTitles: [], title: "passes", fullName: "passes", status: "passed", duration: 1, failureMessages: [] }] }],
});

/** The file names the toolchains give their unit-test reports, from the modules' own paths (any folder). */
const nodeReports = nodeReportPaths();
const pythonReports = pythonReportPaths();
const REPORT_BY_NAME = new Map<string, string>([
  [basename(nodeReports.testJunit), JUNIT],
  [basename(pythonReports.testJunit), JUNIT],
  [basename(nodeReports.testCobertura), COBERTURA],
  [basename(pythonReports.coverageXml), COBERTURA],
  [basename(nodeReports.testLcov), "SF:/src/tested.js\nDA:1,1\nDA:2,1\nLF:2\nLH:2\nend_of_record\n"],
  [basename(nodeReports.testJestJson), JEST_JSON],
]);

/** The root module's coverprofile or a nested module's beside it: coverage-<dir>.out (go/modules.ts perModuleName). */
function isGoCoverprofile(path: string): boolean {
  const root = basename(COVERPROFILE, ".out");
  const name = basename(path);
  return dirname(path) === dirname(COVERPROFILE) && (name === basename(COVERPROFILE) || (name.startsWith(`${root}-`) && name.endsWith(".out")));
}

/** The report a test run writes at `path` inside its container, by the name each toolchain gives it. */
function testReport(path: string): string | undefined {
  if (isGoCoverprofile(path)) return `mode: atomic\n${GO_PACKAGE}/tested.go:3.20,5.2 2 1\n`;
  return REPORT_BY_NAME.get(basename(path));
}
