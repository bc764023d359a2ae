import type { Finding, RuleMeta, Severity, ToolReport } from "../model.js";
import { arr, firstLine, isObject, lineOf, parseJsonStream, repoPath, str, strings, type ParseContext } from "./common.js";

/**
 * govulncheck's JSON stream (-format json): config, progress, osv and
 * finding objects back to back. A vulnerability is reported at the deepest
 * level govulncheck reached: a vulnerable function the code calls (high:
 * reachable), a vulnerable package it imports (medium), or only a required
 * module (low). The Go vulnerability database rates nothing, so the
 * severity is reachability, which is govulncheck's whole point.
 */
export function parseGovulncheck(text: string, ctx: ParseContext & { goMod: string }): ToolReport {
  const osvs = new Map<string, Record<string, unknown>>();
  const findings = new Map<string, { level: number; finding: Record<string, unknown> }>();
  let version: string | undefined;
  for (const object of parseJsonStream(text, "govulncheck's JSON stream")) {
    if (!isObject(object)) continue;
    const config = object["config"];
    if (isObject(config)) version = str(config["scanner_version"]) ?? version;
    const osv = object["osv"];
    if (isObject(osv) && str(osv["id"])) osvs.set(osv["id"] as string, osv);
    const finding = object["finding"];
    if (isObject(finding) && str(finding["osv"])) {
      const id = finding["osv"] as string;
      const level = levelOf(finding);
      const seen = findings.get(id);
      if (!seen || level > seen.level) findings.set(id, { level, finding });
    }
  }
  const rules: RuleMeta[] = [];
  const out: Finding[] = [];
  for (const [id, { level, finding }] of findings) {
    const osv = osvs.get(id) ?? {};
    const aliases = strings(osv["aliases"]);
    const summary = str(osv["summary"]) ?? firstLine(str(osv["details"]));
    const dbSpecific = isObject(osv["database_specific"]) ? osv["database_specific"] : {};
    rules.push({
      id,
      name: id,
      ...(summary ? { shortDescription: summary } : {}),
      ...(str(osv["details"]) ? { fullDescription: str(osv["details"])! } : {}),
      helpUri: str(dbSpecific["url"]) ?? `https://pkg.go.dev/vuln/${id}`,
      tags: ["vulnerability", "go"],
      aliases,
    });
    const trace = arr(finding["trace"]).filter(isObject);
    const vulnerable = trace[0] ?? {};
    const module = str(vulnerable["module"]) ?? "unknown module";
    const moduleVersion = str(vulnerable["version"]);
    const fixed = str(finding["fixed_version"]);
    // The frame in the project's own code: the last one with a position (the first is in the dependency).
    const own = [...trace].reverse().find((frame) => isObject(frame["position"]) && frame !== vulnerable);
    const position = own && isObject(own["position"]) ? own["position"] : undefined;
    const path = position ? repoPath(position["filename"], ctx) : undefined;
    const symbol = [str(vulnerable["receiver"]), str(vulnerable["function"])].filter(Boolean).join(".");
    const what = LEVELS[level]!;
    out.push({
      tool: "govulncheck",
      category: "dependency",
      ruleId: id,
      aliases,
      severity: what.severity,
      severityNote: what.note,
      message:
        `${id}${summary ? `: ${summary}` : ""} (${module}${moduleVersion ? `@${moduleVersion}` : ""}` +
        `${symbol && level === 3 ? `, ${str(vulnerable["package"]) ?? module}.${symbol} is called` : level === 2 ? `, package ${str(vulnerable["package"])} is imported` : ", module required"})` +
        `${fixed ? `; fixed in ${fixed}` : "; no fixed version yet"}`,
      ...(path !== undefined ? { path, ...(lineOf(position!["line"]) ? { line: lineOf(position!["line"])! } : {}), ...(lineOf(position!["column"]) ? { column: lineOf(position!["column"])! } : {}) } : { path: ctx.goMod }),
      package: { name: module, ...(moduleVersion ? { version: moduleVersion } : {}), ...(fixed ? { fixedVersion: fixed } : {}), ecosystem: "Go" },
    });
  }
  return {
    tool: "govulncheck",
    category: "dependency",
    ...(version ? { version } : {}),
    informationUri: "https://go.dev/security/vuln/",
    rules,
    findings: out,
    notes: [],
  };
}

const LEVELS: Record<number, { severity: Severity; note: string }> = {
  1: { severity: "low", note: "required module only: no vulnerable package is imported" },
  2: { severity: "medium", note: "vulnerable package imported, its vulnerable symbols not called" },
  3: { severity: "high", note: "vulnerable symbol called: reachable from the code" },
};

/** 3: a function is named (called); 2: a package; 1: the module only. */
function levelOf(finding: Record<string, unknown>): number {
  const frame = arr(finding["trace"]).filter(isObject)[0];
  if (!frame) return 1;
  if (str(frame["function"])) return 3;
  if (str(frame["package"])) return 2;
  return 1;
}
