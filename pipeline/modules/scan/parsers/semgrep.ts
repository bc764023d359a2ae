import { parseSeverityWord, type Finding, type RuleMeta, type Severity, type ToolReport } from "../model.js";
import { arr, firstLine, isObject, lineOf, parseJson, ReportError, repoPath, str, strings, type ParseContext } from "./common.js";

/**
 * semgrep's JSON output (--json): results with the rule's metadata, and
 * errors. ERROR (and the newer CRITICAL/HIGH) rules are high, WARNING
 * medium, INFO low; a rule's own `metadata.severity` wins when it has one.
 */
export function parseSemgrep(text: string, ctx: ParseContext & { bundledRulesDir?: string }): ToolReport {
  const json = parseJson(text, "semgrep's report");
  if (!isObject(json) || !Array.isArray(json["results"])) throw new ReportError("semgrep's report has no results list");
  const rules = new Map<string, RuleMeta>();
  const findings: Finding[] = [];
  for (const result of arr(json["results"]).filter(isObject)) {
    const extra = isObject(result["extra"]) ? result["extra"] : {};
    // Suppressed in the source (nosemgrep) but listed: the project already decided.
    if (extra["is_ignored"] === true) continue;
    const ruleId = ruleIdOf(str(result["check_id"]) ?? "semgrep", ctx.bundledRulesDir);
    const metadata = isObject(extra["metadata"]) ? extra["metadata"] : {};
    if (!rules.has(ruleId)) rules.set(ruleId, ruleOf(ruleId, metadata, str(extra["message"])));
    const start = isObject(result["start"]) ? result["start"] : {};
    const end = isObject(result["end"]) ? result["end"] : {};
    const path = repoPath(result["path"], ctx);
    const line = lineOf(start["line"]);
    const endLine = lineOf(end["line"]);
    const column = lineOf(start["col"]);
    findings.push({
      tool: "semgrep",
      category: "sast",
      ruleId,
      severity: severityOf(str(extra["severity"]), metadata),
      message: firstLine(str(extra["message"]), 300) ?? ruleId,
      ...(path !== undefined ? { path } : {}),
      ...(line !== undefined ? { line } : {}),
      ...(column !== undefined ? { column } : {}),
      ...(endLine !== undefined ? { endLine } : {}),
    });
  }
  const notes = arr(json["errors"])
    .filter(isObject)
    .map((e) => `${str(e["level"]) ?? "error"}: ${firstLine(str(e["message"]) ?? str(e["type"]) ?? "unknown error")}`);
  return {
    tool: "semgrep",
    category: "sast",
    ...(str(json["version"]) ? { version: str(json["version"])! } : {}),
    informationUri: "https://semgrep.dev",
    rules: [...rules.values()],
    findings,
    notes,
  };
}

/**
 * semgrep prefixes a rule's id with its config file's folder, dots for
 * slashes: the bundled rules' ids are shown as `pipeline.<id>` wherever
 * they were written, so an ignore entry keeps matching.
 */
function ruleIdOf(checkId: string, bundledRulesDir: string | undefined): string {
  if (!bundledRulesDir) return checkId;
  const prefix = `${bundledRulesDir.split("/").filter(Boolean).join(".")}.`;
  return checkId.startsWith(prefix) ? `pipeline.${checkId.slice(prefix.length)}` : checkId;
}

function severityOf(word: string | undefined, metadata: Record<string, unknown>): Severity {
  return parseSeverityWord(str(metadata["severity"])) ?? (word?.toUpperCase() === "INFO" ? "low" : parseSeverityWord(word)) ?? "medium";
}

function ruleOf(id: string, metadata: Record<string, unknown>, message: string | undefined): RuleMeta {
  const cwe = [...strings(metadata["cwe"]), ...(typeof metadata["cwe"] === "string" ? [metadata["cwe"]] : [])];
  const owasp = [...strings(metadata["owasp"]), ...(typeof metadata["owasp"] === "string" ? [metadata["owasp"]] : [])];
  const helpUri = str(metadata["shortlink"]) ?? str(metadata["source"]) ?? strings(metadata["references"])[0];
  const category = str(metadata["category"]);
  return {
    id,
    name: id.split(".").pop()!,
    ...(message ? { shortDescription: firstLine(message)! } : {}),
    ...(message ? { fullDescription: message } : {}),
    ...(helpUri ? { helpUri } : {}),
    tags: [...(category ? [category] : []), ...cwe.map((c) => c.split(":")[0]!.trim()), ...owasp.map((o) => `OWASP ${o}`)],
  };
}
