/**
 * The neutral result models every report parser in this folder produces,
 * whatever tool wrote the report. A leaf: it imports nothing.
 */

export type TestStatus = "passed" | "failed" | "skipped";

/** One test case: a Go test or subtest, a pytest item, a Jest or node:test test. */
export interface TestCaseResult {
  name: string;
  /** The Go package, the pytest module, the JUnit classname. */
  classname: string;
  durationSeconds: number;
  status: TestStatus;
  /** Why it failed (assertion text, panic, race report); only for failed cases. */
  failureMessage?: string;
  /** Why it was skipped, when the tool says. */
  skipMessage?: string;
  /** What the test printed. */
  output?: string;
}

/** A Go package, a JUnit testsuite. */
export interface TestSuiteResult {
  name: string;
  tests: TestCaseResult[];
  durationSeconds: number;
  /** Set when the suite never ran because it did not build: the first compiler error. */
  failedBuild?: string;
  /** What the suite printed outside any test (build errors, panics, TestMain output). */
  output?: string;
  /** Statement coverage the tool reported for this suite (Go: "coverage: 66.7% of statements"). */
  coveragePercent?: number;
}

/** Coverage of one source file. For Go, statements count as lines. */
export interface FileCoverage {
  path: string;
  covered: number;
  total: number;
  /** Per-line hit counts, ascending by line, when the report has them. */
  lines?: LineHits[];
}

export interface LineHits {
  number: number;
  hits: number;
}

/** A coverage report of any tool, reduced to line (Go: statement) counts. */
export interface CoverageSummary {
  linesCovered: number;
  linesValid: number;
  /** 0-100, unrounded: linesCovered / linesValid, or the tool's own total when it gives one. */
  percent: number;
  files: FileCoverage[];
}

/** Repeated measurements of one benchmark in one unit. */
export interface BenchmarkSamples {
  /** Without Go's `Benchmark` prefix and `-N` GOMAXPROCS suffix, as benchstat shows it. */
  name: string;
  /** ns/op, B/op, allocs/op, MB/s, ms (tinybench), s (pytest-benchmark), or a custom unit. */
  unit: string;
  samples: number[];
  /** The Go package (`pkg:` line), when the output names one. */
  package?: string;
}
