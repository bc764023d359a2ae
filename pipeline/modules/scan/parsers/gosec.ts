import { parseSeverityWord, type Finding, type RuleMeta, type ToolReport } from "../model.js";
import { arr, isObject, lineOf, parseJson, ReportError, repoPath, str, type ParseContext } from "./common.js";

/**
 * gosec's JSON report (-fmt json): Issues with rule_id, severity, cwe and
 * the file; `code` (the source lines) is not read. Issues suppressed with
 * #nosec are listed with nosec: true and skipped: the project decided.
 * Packages that did not compile ("Golang errors") become notes.
 */
export function parseGosec(text: string, ctx: ParseContext): ToolReport {
  const json = parseJson(text, "gosec's report");
  if (!isObject(json)) throw new ReportError("gosec's report is not an object");
  const rules = new Map<string, RuleMeta>();
  const findings: Finding[] = [];
  for (const issue of arr(json["Issues"]).filter(isObject)) {
    if (issue["nosec"] === true) continue;
    const ruleId = str(issue["rule_id"]) ?? "gosec";
    const details = str(issue["details"]);
    const cwe = isObject(issue["cwe"]) ? issue["cwe"] : {};
    if (!rules.has(ruleId)) {
      rules.set(ruleId, {
        id: ruleId,
        name: ruleId,
        ...(details ? { shortDescription: details } : {}),
        helpUri: `https://securego.io/docs/rules/${ruleId.toLowerCase()}.html`,
        tags: str(cwe["id"]) ? [`CWE-${str(cwe["id"])}`] : [],
      });
    }
    const path = repoPath(issue["file"], ctx);
    const line = lineOf((str(issue["line"]) ?? "").split("-")[0]);
    const column = lineOf(issue["column"]);
    findings.push({
      tool: "gosec",
      category: "sast",
      ruleId,
      severity: parseSeverityWord(str(issue["severity"])) ?? "medium",
      message: `${details ?? ruleId}${str(issue["confidence"]) ? ` (confidence ${str(issue["confidence"])!.toLowerCase()})` : ""}`,
      ...(path !== undefined ? { path } : {}),
      ...(line !== undefined ? { line } : {}),
      ...(column !== undefined ? { column } : {}),
    });
  }
  const errors = isObject(json["Golang errors"]) ? json["Golang errors"] : {};
  const notes = Object.entries(errors).map(([file, list]) => `${repoPath(file, ctx) ?? file}: did not type-check (${arr(list).length} errors): its issues may be missing`);
  const version = str(json["GosecVersion"]);
  return {
    tool: "gosec",
    category: "sast",
    ...(version && version !== "dev" ? { version } : {}),
    informationUri: "https://github.com/securego/gosec",
    rules: [...rules.values()],
    findings,
    notes,
  };
}
