import { stripAnsi } from "./ansi.js";
import type { TestCaseResult, TestStatus, TestSuiteResult } from "./model.js";

/**
 * Jest's own results (`jest --json --outputFile`): one suite per test file,
 * with no reporter package to install. A file that failed before any test
 * ran (a syntax error, a failing import) becomes a suite that did not build,
 * with Jest's message, trimmed, as its output. Jest times in milliseconds; a
 * status Jest does not document counts as failed, so nothing unknown passes.
 */

interface JestAssertion {
  fullName?: string;
  title?: string;
  status?: string;
  duration?: number | null;
  failureMessages?: string[];
}

interface JestFileResult {
  name?: string;
  status?: string;
  message?: string;
  assertionResults?: JestAssertion[];
  startTime?: number;
  endTime?: number;
}

// Every other status, "failed" included, is failed. A Map, so "constructor" finds nothing of Object.prototype.
const STATUS = new Map<string | undefined, TestStatus>([
  ["passed", "passed"],
  ["pending", "skipped"],
  ["skipped", "skipped"],
  ["todo", "skipped"],
  ["disabled", "skipped"],
]);

/** `root` is the folder test file paths are shown relative to (the container's workdir). */
export function parseJestJson(text: string, root: string): TestSuiteResult[] {
  let report: { testResults?: JestFileResult[] };
  try {
    report = JSON.parse(text) as typeof report;
  } catch (error) {
    throw new Error(`not a Jest JSON report: ${(error as Error).message}`);
  }
  if (!Array.isArray(report?.testResults)) throw new Error("not a Jest JSON report: no `testResults` array");
  const prefix = `${root.replace(/\/$/, "")}/`;
  return report.testResults.map((file): TestSuiteResult => {
    const name = file.name?.startsWith(prefix) ? file.name.slice(prefix.length) : (file.name ?? "?");
    const tests = (file.assertionResults ?? []).map((a): TestCaseResult => {
      const status = STATUS.get(a.status) ?? "failed";
      const test: TestCaseResult = { name: a.fullName ?? a.title ?? "?", classname: name, durationSeconds: (a.duration ?? 0) / 1000, status };
      if (status === "failed") test.failureMessage = stripAnsi((a.failureMessages ?? []).join("\n")) || "Failed";
      if (a.status === "todo") test.skipMessage = "todo";
      return test;
    });
    const durationSeconds = file.endTime && file.startTime ? (file.endTime - file.startTime) / 1000 : 0;
    const suite: TestSuiteResult = { name, tests, durationSeconds };
    if (file.status === "failed" && tests.length === 0) {
      const message = stripAnsi(file.message ?? "").trim();
      // Trimmed, the message's first line is its first non-blank one.
      suite.failedBuild = message.split("\n")[0]!.trimEnd() || "the test file failed to run";
      if (message) suite.output = message;
    }
    return suite;
  });
}
