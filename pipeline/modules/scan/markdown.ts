import { count, sortBySeverity, type GateResult, type IgnoreRule } from "./gate.js";
import { SEVERITIES, type Finding, type ToolReport } from "./model.js";

/**
 * scan/summary.md: one row per tool (findings by severity, ignored, whether
 * it could scan), the gate's verdict, then the top findings, the ignored
 * ones with their reasons, and each tool's notes.
 */

const MAX_TOP = 20;

export function scanMarkdown(reports: readonly ToolReport[], gate: GateResult, options: { unused?: readonly IgnoreRule[]; ignoreFile?: string } = {}): string {
  const out = ["# Security scan", "", `**${gate.passed ? "✅" : "❌"} ${gate.message}**`, ""];
  out.push(
    `| Tool | Category | ${SEVERITIES.map(capitalize).join(" | ")} | Ignored | Status |`,
    `| --- | --- | ${SEVERITIES.map(() => "---:").join(" | ")} | ---: | --- |`,
  );
  for (const r of reports) {
    const open = r.findings.filter((f) => !f.ignored);
    const cells = SEVERITIES.map((s) => String(open.filter((f) => f.severity === s).length));
    const ignored = r.findings.length - open.length;
    const status = r.error !== undefined ? "❌ could not scan" : r.skipped !== undefined ? `⏭ not run: ${r.skipped}` : "✅ scanned";
    out.push(`| ${cell(r.tool)} | ${r.category} | ${cells.join(" | ")} | ${ignored} | ${status} |`);
  }
  const open = sortBySeverity(reports.flatMap((r) => r.findings).filter((f) => !f.ignored));
  if (open.length > 0) {
    out.push("", `## Top findings${open.length > MAX_TOP ? ` (${MAX_TOP} of ${open.length})` : ""}`, "");
    out.push("| Severity | Tool | Rule | Location | Message |", "| --- | --- | --- | --- | --- |");
    for (const f of open.slice(0, MAX_TOP)) out.push(findingRow(f));
  }
  const ignored = reports.flatMap((r) => r.findings).filter((f) => f.ignored);
  if (ignored.length > 0) {
    out.push("", `## Ignored (${options.ignoreFile ?? "the ignore file"})`, "");
    out.push("| Severity | Tool | Rule | Location | Reason | Expires |", "| --- | --- | --- | --- | --- | --- |");
    for (const f of sortBySeverity(ignored)) {
      out.push(`| ${f.severity} | ${cell(f.tool)} | ${cell(f.ruleId)} | ${cell(location(f))} | ${cell(f.ignored!.reason)} | ${f.ignored!.expires} |`);
    }
  }
  if (options.unused && options.unused.length > 0) {
    out.push("", "## Ignore entries that matched nothing", "");
    for (const rule of options.unused) out.push(`- line ${rule.line}: \`${rule.id}\` on \`${rule.path}\`: remove it if the finding is gone`);
  }
  const notes = reports.flatMap((r) => [...(r.error ? [`${r.tool}: ${r.error}`] : []), ...r.notes.map((n) => `${r.tool}: ${n}`)]);
  if (notes.length > 0) {
    out.push("", "## Notes", "");
    for (const note of notes) out.push(`- ${note.split("\n")[0]}`);
  }
  return `${out.join("\n")}\n`;
}

function findingRow(f: Finding): string {
  return `| ${f.severity} | ${cell(f.tool)} | ${cell(f.ruleId)} | ${cell(location(f))} | ${cell(truncate(f.message, 160))} |`;
}

/** "path:line", the package for a dependency, the commit for a secret in history. */
export function location(f: Finding): string {
  const where = f.path === undefined ? "" : f.line === undefined ? f.path : `${f.path}:${f.line}`;
  const pkg = f.package ? `${f.package.name}${f.package.version ? `@${f.package.version}` : ""}` : "";
  const commit = f.commit ? `commit ${f.commit.slice(0, 12)}` : "";
  return [where, pkg, commit].filter(Boolean).join(" ");
}

/** One line per finding the gate failed on, for the stage's error lines. */
export function blockingLines(gate: GateResult, max = 15): string[] {
  const lines = gate.blocking.slice(0, max).map((f) => `${f.severity.toUpperCase()} ${f.tool} ${f.ruleId} ${location(f)}: ${truncate(f.message, 140)}`);
  if (gate.blocking.length > max) lines.push(`... and ${count(gate.blocking.length - max, "more finding")} (reports/scan/summary.md)`);
  return lines;
}

const capitalize = (s: string) => s[0]!.toUpperCase() + s.slice(1);
const cell = (text: string) => text.replace(/\r?\n/g, " ").replace(/\|/g, "\\|");
const truncate = (text: string, max: number) => {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};
