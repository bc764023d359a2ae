import type { Finding, RuleMeta, ToolReport } from "../model.js";
import { arr, isObject, lineOf, parseJson, ReportError, repoPath, str, strings, type ParseContext } from "./common.js";

/**
 * gitleaks' JSON report (--report-format json): one object per secret.
 * Only where and which rule are read: `Secret` and `Match` are never
 * copied (the pipeline runs gitleaks with --redact anyway), so no report
 * of ours can leak the value it found.
 */
export function parseGitleaks(text: string, ctx: ParseContext, mode: "dir" | "git"): ToolReport {
  const json = parseJson(text, "gitleaks' report");
  if (!Array.isArray(json)) throw new ReportError("gitleaks' report is not a list of findings");
  const rules = new Map<string, RuleMeta>();
  const findings: Finding[] = [];
  for (const item of arr(json)) {
    if (!isObject(item)) continue;
    const ruleId = str(item["RuleID"]) ?? "gitleaks";
    const description = str(item["Description"]);
    if (!rules.has(ruleId)) {
      rules.set(ruleId, {
        id: ruleId,
        name: ruleId,
        ...(description ? { shortDescription: description } : {}),
        helpUri: "https://github.com/gitleaks/gitleaks#rules",
        tags: ["secret", ...strings(item["Tags"])],
      });
    }
    const commit = mode === "git" ? str(item["Commit"]) : undefined;
    const path = repoPath(item["File"], ctx);
    const line = lineOf(item["StartLine"]);
    const endLine = lineOf(item["EndLine"]);
    const column = lineOf(item["StartColumn"]);
    findings.push({
      tool: "gitleaks",
      category: "secret",
      ruleId,
      severity: "critical",
      message: `${ruleId} secret found${commit ? ` in commit ${commit.slice(0, 12)}` : " in the working tree"}: rotate it, then remove it${commit ? " from the history" : ""} (value redacted)`,
      ...(path !== undefined ? { path } : {}),
      ...(line !== undefined ? { line } : {}),
      ...(column !== undefined ? { column } : {}),
      ...(endLine !== undefined ? { endLine } : {}),
      ...(commit ? { commit } : {}),
    });
  }
  return { tool: "gitleaks", category: "secret", informationUri: "https://github.com/gitleaks/gitleaks", rules: [...rules.values()], findings, notes: [] };
}
