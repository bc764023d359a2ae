import { atLeast, SEVERITIES, type Finding, type Severity, type ToolReport } from "./model.js";
import { globToRegExp } from "./paths.js";

/** An accepted finding, from the ignore file (already validated: reason given, not expired). */
export interface IgnoreRule {
  /** A rule or vulnerability ID; a vulnerability's aliases match too. */
  id: string;
  /** A glob over repository paths. */
  path: string;
  reason: string;
  /** YYYY-MM-DD. */
  expires: string;
  /** Only this tool's findings, when set. */
  tool?: string;
  /** Where the entry is, for the reports. */
  line: number;
}

/** The gate's threshold: the least severity that fails, or none. */
export type FailOn = Severity | "none";

/** Whether `rule` accepts `finding`: same ID (or alias), a path the glob matches, and the tool if named. */
export function ignoreMatches(rule: IgnoreRule, finding: Finding): boolean {
  if (rule.tool !== undefined && rule.tool !== finding.tool) return false;
  const ids = [finding.ruleId, ...(finding.aliases ?? [])].map((id) => id.toLowerCase());
  if (!ids.includes(rule.id.toLowerCase())) return false;
  // A finding that names no file (a module-level advisory) is accepted only by a rule for every path.
  return globToRegExp(rule.path).test(finding.path ?? "") || rule.path === "**";
}

/** Marks the findings an ignore rule accepts (the first matching rule speaks), leaving the rest as they were. */
export function applyIgnores(findings: readonly Finding[], rules: readonly IgnoreRule[]): Finding[] {
  return findings.map((finding) => {
    const rule = rules.find((r) => ignoreMatches(r, finding));
    return rule ? { ...finding, ignored: { reason: rule.reason, expires: rule.expires, line: rule.line } } : { ...finding };
  });
}

/** Rules that matched nothing: stale entries worth removing, said in the summary. */
export function unusedIgnores(findings: readonly Finding[], rules: readonly IgnoreRule[]): IgnoreRule[] {
  return rules.filter((rule) => !findings.some((f) => ignoreMatches(rule, f)));
}

export interface GateResult {
  passed: boolean;
  /** Findings at or above the threshold that no rule accepted, most severe first. */
  blocking: Finding[];
  /** Tools that could not scan: a scan that did not happen is not a pass. */
  failedTools: ToolReport[];
  message: string;
}

/**
 * The severity gate: fails on any finding at or above `failOn` that is not
 * ignored, and on any tool that could not scan (its database unreachable, a
 * crash): neither can be read as "nothing found".
 */
export function scanGate(reports: readonly ToolReport[], failOn: FailOn): GateResult {
  const findings = reports.flatMap((r) => r.findings);
  const blocking = failOn === "none" ? [] : sortBySeverity(findings.filter((f) => !f.ignored && atLeast(f.severity, failOn)));
  const failedTools = reports.filter((r) => r.error !== undefined);
  const threshold = failOn === "none" ? "no severity (stages.scan.failOn: none)" : `${failOn} or above`;
  const parts: string[] = [];
  if (blocking.length > 0) parts.push(`${count(blocking.length, "finding")} at ${threshold} (${severityCounts(blocking)})`);
  if (failedTools.length > 0) parts.push(`${failedTools.map((r) => r.tool).join(", ")} could not scan`);
  const ignored = findings.filter((f) => f.ignored).length;
  const tail = ignored > 0 ? `; ${ignored} ignored by the ignore file` : "";
  if (parts.length === 0) {
    return { passed: true, blocking, failedTools, message: `scan gate passed: no finding at ${threshold} (${count(findings.length, "finding")} in all${tail})` };
  }
  return { passed: false, blocking, failedTools, message: `scan gate failed: ${parts.join("; ")}${tail}` };
}

/** Most severe first; then by tool, path and line, so reports are stable. */
export function sortBySeverity(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
      a.tool.localeCompare(b.tool) ||
      (a.path ?? "").localeCompare(b.path ?? "") ||
      (a.line ?? 0) - (b.line ?? 0) ||
      a.ruleId.localeCompare(b.ruleId),
  );
}

/** "2 high, 1 medium": the non-zero severities, most severe first. */
export function severityCounts(findings: readonly Finding[]): string {
  return SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(", ");
}

export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
