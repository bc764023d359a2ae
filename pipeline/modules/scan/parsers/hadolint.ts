import type { Finding, RuleMeta, Severity, ToolReport } from "../model.js";
import { arr, isObject, lineOf, parseJson, ReportError, repoPath, str, type ParseContext } from "./common.js";

/**
 * hadolint's JSON output (-f json): a list of {code, level, file, line,
 * message}. Levels: error is high, warning medium, info low, style info.
 * DL3002 (the last USER is root) is high whatever its level: a container
 * running as root is what the gate is for.
 */
export function parseHadolint(text: string, ctx: ParseContext): ToolReport {
  const json = parseJson(text, "hadolint's report");
  if (!Array.isArray(json)) throw new ReportError("hadolint's report is not a list");
  const rules = new Map<string, RuleMeta>();
  const findings: Finding[] = [];
  for (const item of arr(json).filter(isObject)) {
    const ruleId = str(item["code"]) ?? "hadolint";
    const message = str(item["message"]) ?? ruleId;
    if (!rules.has(ruleId)) {
      const docs = /^DL\d+$/.test(ruleId)
        ? `https://github.com/hadolint/hadolint/wiki/${ruleId}`
        : /^SC\d+$/.test(ruleId)
          ? `https://www.shellcheck.net/wiki/${ruleId}`
          : undefined;
      rules.set(ruleId, { id: ruleId, name: ruleId, shortDescription: message, ...(docs ? { helpUri: docs } : {}), tags: ["dockerfile"] });
    }
    const path = repoPath(item["file"], ctx);
    const line = lineOf(item["line"]);
    const column = lineOf(item["column"]);
    findings.push({
      tool: "hadolint",
      category: "misconfig",
      ruleId,
      severity: ruleId === "DL3002" ? "high" : (LEVEL[str(item["level"]) ?? ""] ?? "low"),
      message,
      ...(path !== undefined ? { path } : {}),
      ...(line !== undefined ? { line } : {}),
      ...(column !== undefined ? { column } : {}),
    });
  }
  return { tool: "hadolint", category: "misconfig", informationUri: "https://github.com/hadolint/hadolint", rules: [...rules.values()], findings, notes: [] };
}

const LEVEL: Record<string, Severity> = { error: "high", warning: "medium", info: "low", style: "info" };
