import { createHash } from "node:crypto";
import type { Category, Finding, Severity, ToolReport } from "./model.js";

/**
 * GitLab's security report shapes (schema 15.x): `sast` (also IaC findings,
 * which GitLab reports through the SAST widget), `dependency_scanning` and
 * `secret_detection`, each as `artifacts:reports` reads it. The analyzer is
 * this pipeline; each finding names its tool in its identifiers.
 */

export type GitLabReportType = "sast" | "dependency_scanning" | "secret_detection";

export const GITLAB_REPORT_FILES: Record<GitLabReportType, string> = {
  sast: "scan/gl-sast-report.json",
  dependency_scanning: "scan/gl-dependency-scanning-report.json",
  secret_detection: "scan/gl-secret-detection-report.json",
};

const TYPE_OF: Record<Category, GitLabReportType> = { sast: "sast", misconfig: "sast", dependency: "dependency_scanning", secret: "secret_detection" };
const SEVERITY: Record<Severity, string> = { critical: "Critical", high: "High", medium: "Medium", low: "Low", info: "Info" };
const SCHEMA_VERSION = "15.2.1";

export interface ScanTimes {
  /** ISO 8601; GitLab wants seconds precision, without a zone. */
  start: Date;
  end: Date;
}

/** The GitLab reports with at least one tool behind them, by reports-directory path. */
export function gitlabReports(reports: readonly ToolReport[], times: ScanTimes): Record<string, string> {
  const files: Record<string, string> = {};
  for (const type of Object.keys(GITLAB_REPORT_FILES) as GitLabReportType[]) {
    const ran = reports.filter((r) => r.skipped === undefined);
    if (!ran.some((r) => TYPE_OF[r.category] === type || r.findings.some((f) => TYPE_OF[f.category] === type))) continue;
    files[GITLAB_REPORT_FILES[type]] = `${JSON.stringify(gitlabReport(type, ran, times), null, 2)}\n`;
  }
  return files;
}

export function gitlabReport(type: GitLabReportType, reports: readonly ToolReport[], times: ScanTimes) {
  const scanner = { id: "pipeline-scan", name: "pipeline scan", version: "1", vendor: { name: "pipeline" } };
  const failed = reports.filter((r) => r.error !== undefined && TYPE_OF[r.category] === type);
  return {
    version: SCHEMA_VERSION,
    scan: {
      analyzer: scanner,
      scanner,
      type,
      start_time: gitlabTime(times.start),
      end_time: gitlabTime(times.end),
      status: failed.length > 0 ? "failure" : "success",
      messages: failed.map((r) => ({ level: "fatal", value: `${r.tool}: ${r.error}` })),
    },
    vulnerabilities: reports.flatMap((r) => r.findings.filter((f) => !f.ignored && TYPE_OF[f.category] === type).map((f) => vulnerability(type, r, f))),
  };
}

function vulnerability(type: GitLabReportType, report: ToolReport, f: Finding) {
  const rule = report.rules.find((r) => r.id === f.ruleId);
  const identifiers = [
    { type: `${f.tool}_id`, name: `${f.tool} ${f.ruleId}`, value: f.ruleId, ...(rule?.helpUri ? { url: rule.helpUri } : {}) },
    ...(f.aliases ?? []).filter((a) => a !== f.ruleId).map((alias) => aliasIdentifier(alias)),
  ];
  const location =
    type === "dependency_scanning"
      ? { file: f.path ?? "", dependency: { package: { name: f.package?.name ?? f.ruleId }, version: f.package?.version ?? "" } }
      : {
          file: f.path ?? "",
          ...(f.line !== undefined ? { start_line: f.line } : {}),
          ...(f.endLine !== undefined && f.line !== undefined && f.endLine >= f.line ? { end_line: f.endLine } : {}),
          ...(f.commit ? { commit: { sha: f.commit } } : {}),
        };
  return {
    id: uuid([f.tool, f.ruleId, f.path ?? "", String(f.line ?? ""), f.package?.name ?? "", f.commit ?? ""].join("\u0000")),
    name: (rule?.name ?? rule?.shortDescription ?? f.ruleId).slice(0, 255),
    description: f.message,
    severity: SEVERITY[f.severity],
    ...(f.package?.fixedVersion ? { solution: `Upgrade ${f.package.name} to ${f.package.fixedVersion} or later.` } : {}),
    identifiers,
    location,
  };
}

function aliasIdentifier(alias: string) {
  if (/^CVE-/i.test(alias)) return { type: "cve", name: alias, value: alias, url: `https://nvd.nist.gov/vuln/detail/${alias}` };
  if (/^GHSA-/i.test(alias)) return { type: "ghsa", name: alias, value: alias, url: `https://github.com/advisories/${alias}` };
  return { type: alias.split("-")[0]!.toLowerCase(), name: alias, value: alias };
}

/** "2026-12-03T08:15:00": GitLab's pattern, seconds and no zone. */
export function gitlabTime(date: Date): string {
  return date.toISOString().slice(0, 19);
}

/** A UUID-shaped stable id (GitLab wants one per vulnerability). */
function uuid(seed: string): string {
  const h = createHash("sha256").update(seed).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
