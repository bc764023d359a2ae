import { BaselineError, benchComparisonMarkdown, benchGate, compareBenchmarks, parseBaseline, serializeBaseline, thinSamples, type BenchmarkSamples } from "./report/bench.js";
import { coverageGate, coverageMarkdown, toCobertura, underFolder, type CoverageSummary } from "./report/coverage.js";
import { toJUnitXml, type TestSuiteResult } from "./report/junit.js";
import { failureExcerpt, pickErrorLines } from "./report/summary.js";
import { exitLogLine, failedRunLine, type StageVerdict, type ToolRun } from "./stage.js";

/**
 * Turning tool runs into stage verdicts, the same way for every language:
 * the exit code, the parsed reports and the gates decide; the reports are
 * kept whatever the verdict.
 */

export interface TestEvidence {
  stage: string;
  run: ToolRun;
  suites: TestSuiteResult[];
  coverage?: CoverageSummary | undefined;
  /** Percent; 0 disables the gate. */
  coverageThreshold?: number;
  /** The project's folder in the repository (pipeline.yaml `workdir`): coverage paths are put under it. */
  projectFolder?: string;
  /**
   * Set when the toolchain found no coverage provider to measure with (vitest without
   * @vitest/coverage-*): how to add one. The gate is then skipped with this note, not failed.
   */
  noCoverageProvider?: string;
}

/**
 * Failed on a non-zero exit, a failing test or a failed gate; skipped only when
 * the tool exited 0 with no test and no gate failing. The error lines name the
 * first 10 failing tests (the details count them all), and the tool's own
 * output only when nothing parsed says why it failed (or a signal killed it).
 */
export function testVerdict(evidence: TestEvidence): StageVerdict {
  const { stage, run, suites } = evidence;
  const cases = suites.flatMap((s) => s.tests);
  const failed = cases.filter((t) => t.status === "failed");
  const passed = cases.filter((t) => t.status === "passed").length;
  const skippedCount = cases.filter((t) => t.status === "skipped").length;
  const brokenSuites = suites.filter((s) => s.failedBuild);
  const details = [`${count(cases.length, "test")}: ${passed} passed, ${failed.length} failed, ${skippedCount} skipped`];
  const errorLines = [
    ...brokenSuites.map((s) => `${s.name}: ${s.failedBuild}`),
    ...failed.slice(0, 10).flatMap((t) => {
      const [headline, ...more] = failureExcerpt(t.failureMessage ?? "");
      return [`FAIL ${t.classname} ${t.name}${headline ? `: ${headline}` : ""}`, ...more.map((line) => `    ${line}`)];
    }),
  ];
  const reports: Record<string, string> = { [`${stage}/junit.xml`]: toJUnitXml(suites) };
  let gateFailed = false;

  if (evidence.coverage) {
    const coverage = underFolder(evidence.coverage, evidence.projectFolder ?? "");
    const threshold = evidence.coverageThreshold ?? 0;
    const gate = coverageGate(coverage.percent, threshold);
    details.push(gate.message);
    reports[`${stage}/coverage.cobertura.xml`] = toCobertura(coverage);
    reports[`${stage}/coverage.md`] = coverageMarkdown(coverage, threshold);
    if (!gate.passed) {
      gateFailed = true;
      errorLines.push(gate.message);
    }
  } else if ((evidence.coverageThreshold ?? 0) > 0 && evidence.noCoverageProvider !== undefined) {
    // Nothing could measure coverage: failing for a report no tool could write fixes nothing; say what would.
    details.push(
      `coverage gate skipped: ${evidence.noCoverageProvider}, or set stages.test.coverageThreshold: 0 to check no coverage`,
    );
  } else if ((evidence.coverageThreshold ?? 0) > 0 && cases.length > 0) {
    // Tests ran with a provider present but left no coverage: the gate cannot be checked, so it does not pass.
    const message = `no coverage report was produced, so the ${evidence.coverageThreshold}% coverage gate cannot be checked`;
    details.push(message);
    errorLines.push(message);
    gateFailed = true;
  }

  const toolFailed = run.exitCode !== 0;
  if (!toolFailed && cases.length === 0 && !gateFailed) {
    const reason = `no tests found by ${run.argv.join(" ")}`;
    return { status: "skipped", details: [reason], errorLines: [], reports, nothingRan: reason };
  }
  // A killed tool's own last lines say why it died, whatever else failed with it (a partial coverage).
  if (run.signal !== undefined) errorLines.unshift(...pickErrorLines(`${run.stderr}\n${run.stdout}`));
  else if (toolFailed && errorLines.length === 0) errorLines.push(...pickErrorLines(`${run.stderr}\n${run.stdout}`));
  if (toolFailed) errorLines.unshift(failedRunLine(run));
  return {
    status: toolFailed || failed.length > 0 || gateFailed ? "failed" : "passed",
    details,
    errorLines,
    reports,
  };
}

export interface LintEvidence {
  run: ToolRun;
  /** Where it ran, when the argv alone does not tell (a nested Go module: "module api"). */
  where?: string;
  /** Overrides the exit-code verdict, for tools that report problems on stdout with exit 0 (gofmt -l). */
  failed?: boolean;
  errorLines?: string[];
}

export function lintVerdict(evidence: LintEvidence[]): StageVerdict {
  const failing = evidence.filter((e) => e.failed ?? e.run.exitCode !== 0);
  const named = (e: LintEvidence) => `${e.run.argv.join(" ")}${e.where ? ` in ${e.where}` : ""}`;
  const log = evidence
    .map((e) => [`$ ${named(e)}`, e.run.stdout, e.run.stderr, exitLogLine(e.run)].filter(Boolean).join("\n"))
    .join("\n\n");
  return {
    status: failing.length > 0 ? "failed" : "passed",
    details: evidence.map((e) => `${named(e)}: ${failing.includes(e) ? "problems found" : "clean"}`),
    errorLines: failing.flatMap((e) => [
      e.run.signal === undefined && e.run.timedOutSeconds === undefined ? `${named(e)} (exit code ${e.run.exitCode})` : `${failedRunLine(e.run)}${e.where ? ` in ${e.where}` : ""}`,
      ...(e.errorLines ?? pickErrorLines(`${e.run.stdout}\n${e.run.stderr}`)),
    ]),
    reports: { "lint/output.txt": `${log}\n` },
  };
}

export interface BenchGateOptions {
  count: number;
  thresholdPercent: number;
  alpha: number;
  /** Path of the baseline file in the project, for messages. */
  baselinePath: string;
  /** The committed baseline file's text, `undefined` when there is none yet. */
  baselineText: string | undefined;
  /** Why the baseline could not be read (something else at its path): fails this stage alone. */
  baselineProblem?: string;
}

export function benchVerdict(evidence: { run: ToolRun; current: BenchmarkSamples[]; gate: BenchGateOptions }): StageVerdict {
  const { run, current, gate } = evidence;
  const reports: Record<string, string> = {
    "bench/current.json": serializeBaseline(current),
    "bench/output.txt": run.stdout,
  };
  if (run.exitCode !== 0) {
    return {
      status: "failed",
      details: [`${count(current.length, "benchmark")} measured before the failure`],
      errorLines: [failedRunLine(run), ...pickErrorLines(`${run.stderr}\n${run.stdout}`)],
      reports,
    };
  }
  if (gate.baselineProblem !== undefined) {
    return { status: "failed", details: [`${count(current.length, "benchmark")} measured`], errorLines: gate.baselineProblem.split("\n"), reports };
  }
  if (current.length === 0) {
    const reason = `no benchmarks found by ${run.argv.join(" ")}`;
    return { status: "skipped", details: [reason], errorLines: [], reports, nothingRan: reason };
  }
  if (gate.baselineText === undefined) {
    return {
      status: "passed",
      details: [
        `${count(current.length, "benchmark")} measured; no baseline at ${gate.baselinePath}`,
        `record one with: dagger call bench-baseline -o ${gate.baselinePath}`,
      ],
      errorLines: [],
      reports,
    };
  }
  let baseline: BenchmarkSamples[];
  try {
    baseline = parseBaseline(gate.baselineText, gate.baselinePath);
  } catch (error) {
    if (!(error instanceof BaselineError)) throw error;
    const fix = `record a new one with: dagger call bench-baseline -o ${gate.baselinePath}`;
    return { status: "failed", details: [`${count(current.length, "benchmark")} measured`, fix], errorLines: [error.message, fix], reports };
  }
  // Compared as stored: both sides thinned alike, so a huge n cannot make a trivial change significant.
  const comparable = current.map((b) => ({ ...b, samples: thinSamples(b.samples) }));
  const rows = compareBenchmarks(baseline, comparable, { thresholdPercent: gate.thresholdPercent, alpha: gate.alpha });
  const verdict = benchGate(rows);
  reports["bench/comparison.md"] = benchComparisonMarkdown(rows);
  return {
    status: verdict.passed ? "passed" : "failed",
    details: [`${count(current.length, "benchmark")} compared with ${gate.baselinePath}`, verdict.message],
    errorLines: verdict.passed ? [] : [verdict.message],
    reports,
  };
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
