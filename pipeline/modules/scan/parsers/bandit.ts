import { parseSeverityWord, type Finding, type RuleMeta, type ToolReport } from "../model.js";
import { arr, isObject, lineOf, num, parseJson, ReportError, repoPath, str, type ParseContext } from "./common.js";

/**
 * bandit's JSON report (-f json): results with test_id, severity and
 * confidence, CWE and the docs link; `code` (the source lines) is not read.
 * Files bandit could not parse are in `errors`: notes, not findings.
 */
export function parseBandit(text: string, ctx: ParseContext): ToolReport {
  const json = parseJson(text, "bandit's report");
  if (!isObject(json) || !Array.isArray(json["results"])) throw new ReportError("bandit's report has no results list");
  const rules = new Map<string, RuleMeta>();
  const findings: Finding[] = [];
  for (const result of arr(json["results"]).filter(isObject)) {
    const ruleId = str(result["test_id"]) ?? "bandit";
    const cwe = isObject(result["issue_cwe"]) ? result["issue_cwe"] : {};
    const cweId = num(cwe["id"]);
    const text = str(result["issue_text"]);
    if (!rules.has(ruleId)) {
      rules.set(ruleId, {
        id: ruleId,
        name: str(result["test_name"]) ?? ruleId,
        ...(text ? { shortDescription: text } : {}),
        ...(str(result["more_info"]) ? { helpUri: str(result["more_info"])! } : {}),
        tags: cweId ? [`CWE-${cweId}`] : [],
      });
    }
    const path = repoPath(result["filename"], ctx);
    const line = lineOf(result["line_number"]);
    const column = num(result["col_offset"]);
    const range = arr(result["line_range"]).map(Number).filter(Number.isFinite);
    const endLine = range.length > 0 ? Math.max(...range) : undefined;
    findings.push({
      tool: "bandit",
      category: "sast",
      ruleId,
      severity: parseSeverityWord(str(result["issue_severity"])) ?? "medium",
      message: `${text ?? ruleId}${str(result["issue_confidence"]) ? ` (confidence ${str(result["issue_confidence"])!.toLowerCase()})` : ""}`,
      ...(path !== undefined ? { path } : {}),
      ...(line !== undefined ? { line } : {}),
      ...(column !== undefined ? { column: column + 1 } : {}),
      ...(endLine !== undefined && line !== undefined && endLine > line ? { endLine } : {}),
    });
  }
  const notes = arr(json["errors"])
    .filter(isObject)
    .map((e) => `${repoPath(e["filename"], ctx) ?? str(e["filename"]) ?? "a file"}: not scanned (${str(e["reason"]) ?? "error"})`);
  return { tool: "bandit", category: "sast", informationUri: "https://bandit.readthedocs.io", rules: [...rules.values()], findings, notes };
}
