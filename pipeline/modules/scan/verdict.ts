import type { StageVerdict } from "../stage.js";
import { applyIgnores, count, scanGate, severityCounts, unusedIgnores, type FailOn, type IgnoreRule } from "./gate.js";
import { gitlabReports } from "./gitlab.js";
import { blockingLines, scanMarkdown } from "./markdown.js";
import type { ToolReport } from "./model.js";
import { toSarif } from "./sarif.js";

export interface ScanVerdictOptions {
  failOn: FailOn;
  ignores: readonly IgnoreRule[];
  /** Problems in the ignore file (no reason, expired...): each fails the stage, naming its line. */
  ignoreProblems: readonly string[];
  /** The ignore file's path, for messages. */
  ignoreFile: string;
  times: { start: Date; end: Date };
}

/** The report files of the scan stage, by reports-directory path. */
export const SCAN_REPORTS = { sarif: "scan/scan.sarif", summary: "scan/summary.md" } as const;

/**
 * Every tool's report, the ignore file applied, through the gate: the
 * stage's verdict with the merged SARIF, the Markdown summary and GitLab's
 * report shapes, whatever the verdict.
 */
export function scanVerdict(toolReports: readonly ToolReport[], options: ScanVerdictOptions): StageVerdict {
  const reports = toolReports.map((r) => ({ ...r, findings: applyIgnores(r.findings, options.ignores) }));
  const all = reports.flatMap((r) => r.findings);
  const gate = scanGate(reports, options.failOn);
  const unused = unusedIgnores(all, options.ignores);
  const files: Record<string, string> = {
    [SCAN_REPORTS.sarif]: toSarif(reports),
    [SCAN_REPORTS.summary]: scanMarkdown(reports, gate, { unused, ignoreFile: options.ignoreFile }),
    ...gitlabReports(reports, options.times),
  };
  const details = reports.map((r) => {
    if (r.skipped !== undefined) return `${r.tool}: not run (${r.skipped})`;
    if (r.error !== undefined) return `${r.tool}: could not scan`;
    const open = r.findings.filter((f) => !f.ignored);
    const ignored = r.findings.length - open.length;
    return `${r.tool}: ${open.length === 0 ? "no findings" : `${count(open.length, "finding")} (${severityCounts(open)})`}${ignored > 0 ? `, ${ignored} ignored` : ""}`;
  });
  details.push(gate.message);
  const ran = reports.filter((r) => r.skipped === undefined);
  if (ran.length === 0 && options.ignoreProblems.length === 0) {
    return { status: "skipped", details: ["no scanner applies to this project, or every one is disabled", ...details], errorLines: [], reports: files };
  }
  const errorLines = [
    ...options.ignoreProblems,
    ...(gate.passed ? [] : [gate.message]),
    ...blockingLines(gate),
    ...gate.failedTools.flatMap((r) => `${r.tool} could not scan: ${r.error}`.split("\n")),
  ];
  return {
    status: gate.passed && options.ignoreProblems.length === 0 ? "passed" : "failed",
    details,
    errorLines,
    reports: files,
  };
}
