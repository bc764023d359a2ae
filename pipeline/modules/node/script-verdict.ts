import { parseMochaSummary } from "../report/mocha.js";
import { pickErrorLines } from "../report/summary.js";
import { exitLogLine, failedRunLine, type StageVerdict, type ToolRun } from "../stage.js";

/**
 * The verdict of a test script that wrote no results file: its exit code
 * decides; the counts come from the runner's own summary lines when it is
 * mocha, and are said to be unavailable otherwise (a project's compound or
 * unknown script could only lose its setup to an added reporter).
 */
export function scriptTestVerdict(stage: string, run: ToolRun, summary: "mocha" | undefined): StageVerdict {
  const command = run.argv.join(" ");
  const counts = summary === "mocha" ? parseMochaSummary(`${run.stdout}\n${run.stderr}`) : undefined;
  const reports = { [`${stage}/output.txt`]: [`$ ${command}`, run.stdout, run.stderr, exitLogLine(run), ""].join("\n") };
  const failed = run.exitCode !== 0 || (counts?.failed ?? 0) > 0;
  const total = counts ? counts.passed + counts.failed + counts.skipped : undefined;
  if (!failed && total === 0) return { status: "skipped", details: [`no tests found by ${command}`], errorLines: [], reports };
  const details = counts
    ? [`${total} tests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped (from mocha's summary; no JUnit report: mocha runs one reporter, and replacing the project's would change its setup)`]
    : [`${command}: exit code ${run.exitCode}; test counts and reports unavailable (the script is not one command of vitest, jest, mocha or node --test, so no reporter is added to it)`];
  return {
    status: failed ? "failed" : "passed",
    details,
    errorLines: failed ? [failedRunLine(run), ...pickErrorLines(`${run.stderr}\n${run.stdout}`)] : [],
    reports,
  };
}
