import { createHash } from "node:crypto";
import type { Finding, RuleMeta, Severity, ToolReport } from "./model.js";

/**
 * One SARIF 2.1.0 log for every scanner: a run per tool (its rules with
 * their metadata, its results), paths relative to the repository root
 * (uriBaseId %SRCROOT%) so GitHub code scanning and GitLab annotate the
 * right lines. No result carries a snippet: a secret's value, or a source
 * line holding one, never reaches a report.
 */

/** GitHub reads `security-severity` (a CVSS-like score) to rank security results. */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: "9.5", high: "8.0", medium: "5.5", low: "3.0", info: "0.0" };
const LEVEL: Record<Severity, "error" | "warning" | "note"> = { critical: "error", high: "error", medium: "warning", low: "note", info: "note" };

export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

export function toSarif(reports: readonly ToolReport[]): string {
  const log = {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: reports.filter((r) => r.skipped === undefined).map(toRun),
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function toRun(report: ToolReport) {
  // Every rule a result names is declared, so each result can point at its rule by index.
  const rules = new Map<string, RuleMeta>(report.rules.map((r) => [r.id, r]));
  for (const f of report.findings) if (!rules.has(f.ruleId)) rules.set(f.ruleId, { id: f.ruleId });
  const ruleList = [...rules.values()];
  const worst = new Map<string, Severity>();
  for (const f of report.findings) {
    const seen = worst.get(f.ruleId);
    if (seen === undefined || SEVERITY_ORDER.indexOf(f.severity) < SEVERITY_ORDER.indexOf(seen)) worst.set(f.ruleId, f.severity);
  }
  return {
    tool: {
      driver: {
        name: report.tool,
        ...(report.version ? { version: report.version } : {}),
        ...(report.informationUri ? { informationUri: report.informationUri } : {}),
        rules: ruleList.map((rule) => toRule(rule, worst.get(rule.id))),
      },
    },
    // One category per tool: GitHub keeps each tool's alerts apart, and a later upload replaces only its own.
    automationDetails: { id: `pipeline-scan/${report.tool}/` },
    originalUriBaseIds: { "%SRCROOT%": { description: { text: "The repository root." } } },
    invocations: [
      {
        executionSuccessful: report.error === undefined,
        ...(report.error === undefined
          ? {}
          : { toolExecutionNotifications: [{ level: "error", message: { text: report.error } }] }),
      },
    ],
    results: report.findings.map((f) => toResult(f, ruleList.findIndex((r) => r.id === f.ruleId))),
    properties: { category: report.category },
  };
}

const SEVERITY_ORDER: readonly Severity[] = ["critical", "high", "medium", "low", "info"];

function toRule(rule: RuleMeta, severity: Severity | undefined) {
  const text = (value: string | undefined) => (value ? { text: value } : undefined);
  const properties: Record<string, unknown> = {};
  if (rule.tags?.length) properties["tags"] = ["security", ...rule.tags];
  else properties["tags"] = ["security"];
  if (severity) properties["security-severity"] = SECURITY_SEVERITY[severity];
  if (rule.aliases?.length) properties["aliases"] = rule.aliases;
  return {
    id: rule.id,
    ...(rule.name ? { name: rule.name } : {}),
    ...(text(rule.shortDescription ?? rule.name) ? { shortDescription: text(rule.shortDescription ?? rule.name) } : {}),
    ...(text(rule.fullDescription) ? { fullDescription: text(rule.fullDescription) } : {}),
    ...(rule.helpUri ? { helpUri: rule.helpUri } : {}),
    ...(severity ? { defaultConfiguration: { level: LEVEL[severity] } } : {}),
    properties,
  };
}

function toResult(f: Finding, ruleIndex: number) {
  const region =
    f.line !== undefined
      ? { region: { startLine: f.line, ...(f.column ? { startColumn: f.column } : {}), ...(f.endLine && f.endLine >= f.line ? { endLine: f.endLine } : {}) } }
      : {};
  return {
    ruleId: f.ruleId,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text: f.message },
    ...(f.path !== undefined ? { locations: [{ physicalLocation: { artifactLocation: { uri: encodeUri(f.path), uriBaseId: "%SRCROOT%" }, ...region } }] } : {}),
    partialFingerprints: { "pipelineFinding/v1": fingerprint(f) },
    ...(f.ignored
      ? { suppressions: [{ kind: "external", status: "accepted", justification: `${f.ignored.reason} (until ${f.ignored.expires})` }] }
      : {}),
    properties: {
      severity: f.severity,
      ...(f.severityNote ? { severityNote: f.severityNote } : {}),
      ...(f.package ? { package: f.package } : {}),
      ...(f.commit ? { commit: f.commit } : {}),
    },
  };
}

/** A stable identity of a finding across runs (not its line: code above it moves it). */
export function fingerprint(f: Finding): string {
  const identity = [f.tool, f.ruleId, f.path ?? "", f.package?.name ?? "", f.package?.version ?? "", f.commit ?? "", f.message].join("\u0000");
  return createHash("sha256").update(identity).digest("hex").slice(0, 32);
}

/** A relative URI reference: each segment percent-encoded, the slashes kept. */
function encodeUri(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}
