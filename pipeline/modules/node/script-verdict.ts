import { parseMochaSummary } from "../report/mocha.js";
import { pickErrorLines } from "../report/summary.js";
import { exitLogLine, failedRunLine, type StageVerdict, type ToolRun } from "../stage.js";

/**
 * The verdict of a test script that wrote no results file: its exit code
 * decides; the counts come from the runner's own summary lines when it is
 * mocha, and are said to be unavailable otherwise (a project's compound or
 * unknown script could only lose its setup to an added reporter).
 */
export function scriptTestVerdict(stage: string, run: ToolRun, summary: "mocha" | undefined, coverageThreshold = 0): StageVerdict {
  const command = run.argv.join(" ");
  const counts = summary === "mocha" ? parseMochaSummary(`${run.stdout}\n${run.stderr}`) : undefined;
  const reports = { [`${stage}/output.txt`]: [`$ ${command}`, run.stdout, run.stderr, exitLogLine(run), ""].join("\n") };
  const toolFailed = run.exitCode !== 0 || (counts?.failed ?? 0) > 0;
  const total = counts ? counts.passed + counts.failed + counts.skipped : undefined;
  if (!toolFailed && total === 0) return { status: "skipped", details: [`no tests found by ${command}`], errorLines: [], reports };
  const details = counts
    ? [`${total} tests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped (from mocha's summary; no JUnit report: mocha runs one reporter, and replacing the project's would change its setup)`]
    : [`${command}: exit code ${run.exitCode}; test counts and reports unavailable (${summary === "mocha" ? "mocha printed no summary" : "the script's last command is not vitest, jest or mocha, and it runs no node --test, so no reporter is added to it"})`];
  const errorLines = toolFailed ? [failedRunLine(run), ...pickErrorLines(`${run.stderr}\n${run.stdout}`)] : [];
  // As for every test stage: tests that ran and left no coverage cannot pass a coverage gate.
  const gateUnchecked = coverageThreshold > 0 && (total ?? 0) > 0;
  if (gateUnchecked) {
    const message = `no coverage report was produced, so the ${coverageThreshold}% coverage gate cannot be checked (set stages.test.coverageThreshold: 0, or use a runner the pipeline reads coverage from: vitest, jest or node --test)`;
    details.push(message);
    errorLines.push(message);
  }
  return { status: toolFailed || gateUnchecked ? "failed" : "passed", details, errorLines, reports };
}
