import { parseSeverityWord, UNRATED, type Finding, type RuleMeta, type ToolReport } from "../model.js";
import { arr, firstLine, isObject, lineOf, num, parseJson, ReportError, repoPath, str, strings, type ParseContext } from "./common.js";

/**
 * trivy's JSON report (SchemaVersion 2), from `trivy config` (the pipeline's
 * use: Dockerfiles, Kubernetes manifests, Helm charts, Terraform) or `trivy
 * fs`: misconfigurations, and vulnerabilities and secrets when scanned. A
 * secret's `Match` and `Code` are never read (trivy masks them anyway).
 */
export function parseTrivy(text: string, ctx: ParseContext): ToolReport {
  const json = parseJson(text, "trivy's report");
  if (!isObject(json)) throw new ReportError("trivy's report is not an object");
  const rules = new Map<string, RuleMeta>();
  const findings: Finding[] = [];
  for (const result of arr(json["Results"]).filter(isObject)) {
    const target = repoPath(result["Target"], ctx);
    for (const m of arr(result["Misconfigurations"]).filter(isObject)) {
      if (str(m["Status"]) && m["Status"] !== "FAIL") continue;
      const id = str(m["AVDID"]) ?? str(m["ID"]) ?? "trivy-misconfig";
      const title = str(m["Title"]);
      if (!rules.has(id)) {
        rules.set(id, {
          id,
          ...(title ? { name: title, shortDescription: title } : {}),
          ...(str(m["Description"]) ? { fullDescription: str(m["Description"])! } : {}),
          ...(str(m["PrimaryURL"]) ? { helpUri: str(m["PrimaryURL"])! } : {}),
          tags: ["misconfiguration", ...(str(m["Type"]) ? [str(m["Type"])!] : [])],
          aliases: [str(m["ID"]), str(m["AVDID"])].filter((a): a is string => a !== undefined && a !== id),
        });
      }
      const cause = isObject(m["CauseMetadata"]) ? m["CauseMetadata"] : {};
      const line = lineOf(cause["StartLine"]);
      const endLine = lineOf(cause["EndLine"]);
      const resolution = str(m["Resolution"]);
      findings.push({
        tool: "trivy",
        category: "misconfig",
        ruleId: id,
        aliases: [str(m["ID"]), str(m["AVDID"])].filter((a): a is string => a !== undefined),
        severity: parseSeverityWord(str(m["Severity"])) ?? "medium",
        message: `${str(m["Message"]) ?? title ?? id}${resolution ? ` (${firstLine(resolution, 120)})` : ""}`,
        ...(target !== undefined ? { path: target } : {}),
        ...(line !== undefined ? { line } : {}),
        ...(endLine !== undefined ? { endLine } : {}),
      });
    }
    for (const v of arr(result["Vulnerabilities"]).filter(isObject)) {
      const id = str(v["VulnerabilityID"]) ?? "trivy-vulnerability";
      const title = str(v["Title"]);
      if (!rules.has(id)) {
        rules.set(id, {
          id,
          ...(title ? { name: title, shortDescription: title } : {}),
          ...(str(v["Description"]) ? { fullDescription: str(v["Description"])! } : {}),
          ...(str(v["PrimaryURL"]) ? { helpUri: str(v["PrimaryURL"])! } : {}),
          tags: ["vulnerability", ...strings(v["CweIDs"])],
          aliases: strings(v["VendorIDs"]),
        });
      }
      const severity = parseSeverityWord(str(v["Severity"]));
      const name = str(v["PkgName"]) ?? "unknown package";
      const fixed = str(v["FixedVersion"]);
      const installed = str(v["InstalledVersion"]);
      findings.push({
        tool: "trivy",
        category: "dependency",
        ruleId: id,
        aliases: strings(v["VendorIDs"]),
        ...(severity ? { severity } : UNRATED),
        message: `${id}${title ? `: ${title}` : ""} (${name}${installed ? `@${installed}` : ""}${fixed ? `; fixed in ${fixed}` : ""})`,
        ...(target !== undefined ? { path: target } : {}),
        package: { name, ...(installed ? { version: installed } : {}), ...(fixed ? { fixedVersion: fixed } : {}), ...(str(result["Type"]) ? { ecosystem: str(result["Type"])! } : {}) },
      });
    }
    for (const s of arr(result["Secrets"]).filter(isObject)) {
      const id = str(s["RuleID"]) ?? "trivy-secret";
      const title = str(s["Title"]);
      if (!rules.has(id)) rules.set(id, { id, ...(title ? { name: title, shortDescription: title } : {}), tags: ["secret", ...(str(s["Category"]) ? [str(s["Category"])!] : [])] });
      const line = lineOf(s["StartLine"]);
      findings.push({
        tool: "trivy",
        category: "secret",
        ruleId: id,
        severity: parseSeverityWord(str(s["Severity"])) ?? "critical",
        message: `${title ?? id} found: rotate the credential, then remove it`,
        ...(target !== undefined ? { path: target } : {}),
        ...(line !== undefined ? { line } : {}),
      });
    }
  }
  const trivy = isObject(json["Trivy"]) ? json["Trivy"] : {};
  const version = str(trivy["Version"]);
  const failures = arr(json["Results"])
    .filter(isObject)
    .reduce((sum, r) => sum + (num(isObject(r["MisconfSummary"]) ? r["MisconfSummary"]["Failures"] : undefined) ?? 0), 0);
  return {
    tool: "trivy",
    category: "misconfig",
    ...(version ? { version } : {}),
    informationUri: "https://trivy.dev",
    rules: [...rules.values()],
    findings,
    notes: failures > 0 || findings.length > 0 ? [] : [],
  };
}
