import { UNRATED, type Finding, type RuleMeta, type ToolReport } from "../model.js";
import { arr, firstLine, isObject, parseJson, ReportError, str, strings } from "./common.js";

/**
 * pip-audit's JSON output (--format json): `{dependencies: [...]}` (2.x) or
 * a bare list (1.x), each dependency with its vulns. pip-audit rates
 * nothing (PyPI's advisories carry no severity), so every vulnerability
 * is unrated: treated as high. `path` is the requirements file or project
 * the run audited, already repository-relative.
 */
export function parsePipAudit(text: string, path: string): ToolReport {
  const json = parseJson(text, "pip-audit's report");
  const dependencies = Array.isArray(json) ? json : isObject(json) ? json["dependencies"] : undefined;
  if (!Array.isArray(dependencies)) throw new ReportError("pip-audit's report has no dependencies list");
  const rules = new Map<string, RuleMeta>();
  const findings: Finding[] = [];
  const notes: string[] = [];
  for (const dep of dependencies.filter(isObject)) {
    const name = str(dep["name"]) ?? "unknown package";
    const version = str(dep["version"]);
    const skip = str(dep["skip_reason"]);
    if (skip) notes.push(`${path}: not audited: ${skip}`);
    for (const vuln of arr(dep["vulns"]).filter(isObject)) {
      const id = str(vuln["id"]) ?? "pip-audit";
      const aliases = strings(vuln["aliases"]);
      const fixes = strings(vuln["fix_versions"]);
      const description = str(vuln["description"]);
      if (!rules.has(id)) {
        rules.set(id, {
          id,
          name: id,
          ...(description ? { shortDescription: firstLine(description, 120)!, fullDescription: description } : {}),
          helpUri: `https://osv.dev/vulnerability/${id}`,
          tags: ["vulnerability", "PyPI"],
          aliases,
        });
      }
      findings.push({
        tool: "pip-audit",
        category: "dependency",
        ruleId: id,
        aliases,
        ...UNRATED,
        message: `${id} (${name}${version ? `@${version}` : ""}${fixes.length > 0 ? `; fixed in ${fixes.join(", ")}` : "; no fixed version"})${description ? `: ${firstLine(description, 160)}` : ""}`,
        path,
        package: { name, ...(version ? { version } : {}), ...(fixes[0] ? { fixedVersion: fixes[0] } : {}), ecosystem: "PyPI" },
      });
    }
  }
  const report: ToolReport = { tool: "pip-audit", category: "dependency", informationUri: "https://github.com/pypa/pip-audit", rules: [...rules.values()], findings, notes };
  // pip-audit says "No known vulnerabilities found" and exits 0 when its service answered for no package
  // (PyPI's JSON API out of reach): nothing was audited, which is no pass.
  const listed = dependencies.filter(isObject);
  if (listed.length > 0 && listed.every((dep) => str(dep["skip_reason"]) !== undefined)) {
    report.error = `${path}: none of its ${listed.length} dependencies could be audited; its vulnerability database (PyPI's JSON API) could not be reached: ${str(listed[0]!["skip_reason"])}`;
  }
  return report;
}
