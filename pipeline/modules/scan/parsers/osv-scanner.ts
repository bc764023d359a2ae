import { parseSeverityWord, severityFromScore, UNRATED, type Finding, type RuleMeta, type Severity, type ToolReport } from "../model.js";
import { arr, firstLine, isObject, num, parseJson, ReportError, repoPath, str, strings, type ParseContext } from "./common.js";

/**
 * osv-scanner's JSON output (--format json): per lockfile, per package, the
 * OSV records and their groups (one group per vulnerability, its IDs and
 * aliases together). One finding per group; the severity is the group's
 * max_severity (a CVSS score), else the advisory's own rating, else
 * unrated (treated as high). Malicious packages (MAL-) are critical.
 */
export function parseOsvScanner(text: string, ctx: ParseContext): ToolReport {
  const json = parseJson(text, "osv-scanner's report");
  if (!isObject(json)) throw new ReportError("osv-scanner's report is not an object");
  const rules = new Map<string, RuleMeta>();
  const findings: Finding[] = [];
  for (const result of arr(json["results"]).filter(isObject)) {
    const source = isObject(result["source"]) ? result["source"] : {};
    const path = repoPath(source["path"], ctx);
    for (const pkg of arr(result["packages"]).filter(isObject)) {
      const info = isObject(pkg["package"]) ? pkg["package"] : {};
      const name = str(info["name"]) ?? "unknown package";
      const version = str(info["version"]);
      const ecosystem = str(info["ecosystem"]);
      const vulns = arr(pkg["vulnerabilities"]).filter(isObject);
      const byId = new Map(vulns.map((v) => [str(v["id"]) ?? "", v]));
      const groups = arr(pkg["groups"]).filter(isObject);
      // Old outputs have no groups: one per record.
      const effective = groups.length > 0 ? groups : vulns.map((v): Record<string, unknown> => ({ ids: [v["id"]], aliases: v["aliases"] }));
      for (const group of effective) {
        const ids = strings(group["ids"]);
        const id = ids[0];
        if (!id) continue;
        const vuln = ids.map((i) => byId.get(i)).find((v) => v !== undefined) ?? {};
        const aliases = [...new Set([...ids, ...strings(group["aliases"]), ...strings(vuln["aliases"])])].filter((a) => a !== id);
        const summary = str(vuln["summary"]) ?? firstLine(str(vuln["details"]));
        if (!rules.has(id)) {
          rules.set(id, {
            id,
            name: id,
            ...(summary ? { shortDescription: summary } : {}),
            ...(str(vuln["details"]) ? { fullDescription: str(vuln["details"])! } : {}),
            helpUri: `https://osv.dev/vulnerability/${id}`,
            tags: ["vulnerability", ...(ecosystem ? [ecosystem] : [])],
            aliases,
          });
        }
        const rated = severityOf(id, group, vuln);
        const fixed = fixedVersion(vuln, name);
        findings.push({
          tool: "osv-scanner",
          category: "dependency",
          ruleId: id,
          aliases,
          ...(rated ? { severity: rated } : UNRATED),
          message: `${id}${summary ? `: ${summary}` : ""} (${name}${version ? `@${version}` : ""}${fixed ? `; fixed in ${fixed}` : "; no fixed version"})`,
          ...(path !== undefined ? { path } : {}),
          package: { name, ...(version ? { version } : {}), ...(fixed ? { fixedVersion: fixed } : {}), ...(ecosystem ? { ecosystem } : {}) },
        });
      }
    }
  }
  return { tool: "osv-scanner", category: "dependency", informationUri: "https://google.github.io/osv-scanner/", rules: [...rules.values()], findings, notes: [] };
}

function severityOf(id: string, group: Record<string, unknown>, vuln: Record<string, unknown>): Severity | undefined {
  if (/^MAL-/.test(id)) return "critical";
  const score = num(group["max_severity"]);
  if (score !== undefined && str(String(group["max_severity"]))) return severityFromScore(score);
  const specific = isObject(vuln["database_specific"]) ? vuln["database_specific"] : {};
  return parseSeverityWord(str(specific["severity"]));
}

/** The first `fixed` event of the affected entry for this package. */
function fixedVersion(vuln: Record<string, unknown>, name: string): string | undefined {
  for (const affected of arr(vuln["affected"]).filter(isObject)) {
    const pkg = isObject(affected["package"]) ? affected["package"] : {};
    if (str(pkg["name"]) !== name) continue;
    for (const range of arr(affected["ranges"]).filter(isObject)) {
      for (const event of arr(range["events"]).filter(isObject)) if (str(event["fixed"])) return str(event["fixed"]);
    }
  }
  return undefined;
}
