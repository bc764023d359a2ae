import { expect, it } from "vitest";
import type { ToolReport } from "../../../pipeline/modules/scan/model.js";
import { parseGitleaks } from "../../../pipeline/modules/scan/parsers/gitleaks.js";
import { parseGovulncheck } from "../../../pipeline/modules/scan/parsers/govulncheck.js";
import { parseOsvScanner } from "../../../pipeline/modules/scan/parsers/osv-scanner.js";
import { parsePipAudit } from "../../../pipeline/modules/scan/parsers/pip-audit.js";
import { parseSemgrep } from "../../../pipeline/modules/scan/parsers/semgrep.js";
import { parseTrivy } from "../../../pipeline/modules/scan/parsers/trivy.js";
import { ReportError } from "../../../pipeline/modules/scan/parsers/common.js";
import { toSarif } from "../../../pipeline/modules/scan/sarif.js";
import { scanVerdict } from "../../../pipeline/modules/scan/verdict.js";
import { describeFixtures, readFixture } from "../../helpers/fixtures.js";

/**
 * The scanners' parsers on verbatim real outputs (../shared/fixtures, see its
 * SOURCES.md), and the merged SARIF, summary and GitLab reports built from
 * all of them. gosec, bandit and hadolint have no fixture there: their
 * parsers run on the real tools' outputs in test/tools/scan.test.ts.
 */

const at = (root: string, folder = ".") => ({ root, folder });

/** The parts of a SARIF log and a GitLab report these tests read. */
interface SarifLog {
  version: string;
  runs: {
    tool: { driver: { name: string; rules: { id: string }[] } };
    automationDetails: { id: string };
    results: { ruleId: string; ruleIndex: number; level: string; partialFingerprints: Record<string, string>; locations?: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string } } }[] }[];
  }[];
}
interface GitLabReport {
  scan: Record<string, unknown>;
  vulnerabilities: { severity: string; identifiers: { value: string }[]; location: Record<string, unknown> }[];
}

/** The output lines of the first cmdtest block whose command has `flag`: the tool's output only. */
function cmdtestOutput(text: string, flag: string): string {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => l.startsWith("$ govulncheck") && l.includes(flag));
  const end = lines.findIndex((l, i) => i > start && /^(#####|\$ )/.test(l));
  return lines.slice(start + 1, end < 0 ? undefined : end).join("\n");
}

describeFixtures("scan parsers", () => {
  it("gitleaks: rule, file and lines of each secret, never its value", () => {
    // Its contributor anonymized the paths to absolute ones ("/conf/aws.tf"): read as if scanned at /.
    const report = parseGitleaks(readFixture("gitleaks/real-v8-anonymized.json"), at("/"), "git");
    expect(report.findings.length).toBeGreaterThan(3);
    expect(report.findings[0]).toMatchObject({ tool: "gitleaks", category: "secret", ruleId: "aws-access-token", severity: "critical", path: "conf/aws.tf", line: 2, commit: "74d53286c550630f80847d37f68aa3065554ac813544072ccd1278da71fafe31" });
    // A working-tree report has no commit, even when the tool filled one in.
    expect(parseGitleaks(readFixture("gitleaks/report.json"), at("/repo"), "dir").findings).toEqual([
      expect.objectContaining({ ruleId: "test-rule", path: "auth.py", line: 1, endLine: 2, message: expect.stringContaining("in the working tree") }),
    ]);
    const everything = JSON.stringify(report) + toSarif([report]);
    for (const secret of ["secretAWSsecret", "a secret", "line containing secret"]) expect(everything).not.toContain(secret);
    expect(parseGitleaks(readFixture("gitleaks/report-empty.json"), at("/repo"), "dir").findings).toEqual([]);
  });

  it("govulncheck: one finding per vulnerability at the deepest level reached, the caller's line for a called one", () => {
    const report = parseGovulncheck(cmdtestOutput(readFixture("govulncheck/source_call_json.ct"), "-format json"), { ...at("/src"), goMod: "go.mod" });
    const byId = Object.fromEntries(report.findings.map((f) => [f.ruleId, f]));
    expect(byId["GO-2021-0265"]).toMatchObject({
      severity: "high",
      path: "vuln.go",
      line: 14,
      aliases: expect.arrayContaining(["CVE-2021-42248", "GHSA-c9gm-7rfj-8w5h"]),
      package: { name: "github.com/tidwall/gjson", version: "v1.6.5", fixedVersion: "v1.9.3", ecosystem: "Go" },
    });
    expect(byId["GO-2021-0265"]!.message).toContain("github.com/tidwall/gjson.Result.Get is called");
    // Imported but not called: medium, on go.mod.
    expect(byId["GO-2021-0113"]).toMatchObject({ severity: "medium", path: "go.mod", package: { name: "golang.org/x/text", version: "v0.3.0" } });
    expect(report.rules.find((r) => r.id === "GO-2021-0265")).toMatchObject({ helpUri: "https://pkg.go.dev/vuln/GO-2021-0265" });
    const moduleOnly = parseGovulncheck(cmdtestOutput(readFixture("govulncheck/source_module_json.ct"), "-scan module"), { ...at("/src", "svc"), goMod: "svc/go.mod" });
    expect(moduleOnly.findings.length).toBeGreaterThan(0);
    expect(moduleOnly.findings.every((f) => f.severity === "low" && f.path === "svc/go.mod")).toBe(true);
    // The stream format of an older protocol reads the same way.
    expect(parseGovulncheck(readFixture("govulncheck/stream-v0.1.0.json"), { ...at("/src"), goMod: "go.mod" }).findings.length).toBeGreaterThan(0);
  });

  it("govulncheck: a stream cut short is an error, not an empty report", () => {
    const text = cmdtestOutput(readFixture("govulncheck/source_call_json.ct"), "-format json");
    expect(() => parseGovulncheck(text.slice(0, text.length / 2), { ...at("/src"), goMod: "go.mod" })).toThrow(ReportError);
  });

  it("semgrep: rule metadata, severity and location; nosemgrep'd results left out", () => {
    const report = parseSemgrep(readFixture("semgrep/real-1.30.0.json"), at("/src", "services/api"));
    expect(report.findings).toHaveLength(5);
    expect(report.findings.every((f) => f.path?.startsWith("services/api/") && f.line! > 0)).toBe(true);
    expect(report.rules[0]!.tags!.some((t) => /^CWE-\d+$/.test(t))).toBe(true);
    const basic = parseSemgrep(readFixture("semgrep/report.json"), at("/src"));
    expect(basic.findings).toEqual([
      expect.objectContaining({ ruleId: "rules.eqeq-is-bad", severity: "high", path: "targets/basic/stupid.py", line: 3, column: 12 }),
    ]);
    expect(basic.rules[0]).toMatchObject({ helpUri: "https://sg.run/xyz1", name: "eqeq-is-bad" });
    expect(parseSemgrep(readFixture("semgrep/empty.json"), at("/src")).findings).toEqual([]);
  });

  it("trivy: misconfigurations with their checks' severities, vulnerabilities and secrets without the match", () => {
    const misconfig = parseTrivy(readFixture("trivy/repo-dockerfile-misconfig.json"), at("/src", "svc"));
    expect(misconfig.findings).toEqual([expect.objectContaining({ ruleId: "DS-0002", category: "misconfig", severity: "high", path: "svc/Dockerfile" })]);
    expect(misconfig.rules[0]).toMatchObject({ name: "Image user should not be 'root'", helpUri: "https://avd.aquasec.com/misconfig/ds-0002" });
    const mixed = parseTrivy(readFixture("trivy/real-fs-vuln-config-secret.json"), at("/src"));
    const categories = mixed.findings.map((f) => f.category);
    expect(new Set(categories)).toEqual(new Set(["dependency", "misconfig", "secret"]));
    expect(mixed.findings.find((f) => f.ruleId === "github-pat")).toMatchObject({ severity: "critical", path: "Dockerfile", line: 24 });
    expect(JSON.stringify(mixed) + toSarif([mixed])).not.toContain("GITHUB_PAT=");
  });

  it("osv-scanner: one finding per vulnerability group, severity from max_severity, malware critical", () => {
    const report = parseOsvScanner(readFixture("osv-scanner/report.json"), at("/src"));
    expect(report.findings.length).toBeGreaterThan(0);
    const malware = report.findings.find((f) => f.ruleId.startsWith("MAL-"));
    expect(malware).toMatchObject({ severity: "critical", package: { name: "flot-axis", ecosystem: "npm" } });
    const gomod = parseOsvScanner(readFixture("osv-scanner/results-gomod.json"), at("/path/to"));
    expect(gomod.findings[0]).toMatchObject({ ruleId: "GO-2021-0053", path: "go.mod", aliases: expect.arrayContaining(["CVE-2021-3121"]), package: { name: "github.com/gogo/protobuf", version: "1.3.1", fixedVersion: "1.3.2" } });
    // Every snapshot of the newest JSON printer parses (a go-snaps file: "[Name - 1]", a document, "---").
    const docs = readFixture("osv-scanner/machinejson_test.snap").split(/^---$/m).map((d) => d.replace(/^\s*\[.*\]\s*$/m, "").trim()).filter(Boolean);
    expect(docs.length).toBeGreaterThan(5);
    const rated = docs.flatMap((d) => parseOsvScanner(d, at("/path/to")).findings).filter((f) => f.severityNote === undefined);
    expect(rated.length).toBeGreaterThan(0);
  });

  it("pip-audit: both shapes; unrated vulnerabilities treated as high; skipped dependencies as notes", () => {
    const report = parsePipAudit(readFixture("pip-audit/report.json"), "requirements.txt");
    expect(report.findings.find((f) => f.ruleId === "PYSEC-2021-76")).toMatchObject({ severity: "high", severityNote: expect.stringContaining("treated as high"), path: "requirements.txt", package: { name: "aiohttp", version: "3.6.2", fixedVersion: "3.7.4" } });
    expect(report.notes.some((n) => n.includes("azure-devops"))).toBe(true);
    expect(parsePipAudit(readFixture("pip-audit/report-legacy-list.json"), "requirements.txt").findings.length).toBeGreaterThan(0);
    expect(parsePipAudit(readFixture("pip-audit/no-vulns.json"), "requirements.txt").findings).toEqual([]);
  });

  it("merges every tool into one SARIF 2.1.0 log: a run per tool, rules declared with their metadata, relative paths", () => {
    const reports: ToolReport[] = [
      parseGitleaks(readFixture("gitleaks/real-v8-anonymized.json"), at("/repo"), "dir"),
      parseGovulncheck(cmdtestOutput(readFixture("govulncheck/source_call_json.ct"), "-format json"), { ...at("/src"), goMod: "go.mod" }),
      parseSemgrep(readFixture("semgrep/real-1.30.0.json"), at("/src")),
      parseTrivy(readFixture("trivy/real-fs-vuln-config-secret.json"), at("/src")),
      parseOsvScanner(readFixture("osv-scanner/report.json"), at("/tmp/components")),
      parsePipAudit(readFixture("pip-audit/report.json"), "requirements.txt"),
    ];
    const log = JSON.parse(toSarif(reports)) as SarifLog;
    expect(log.version).toBe("2.1.0");
    expect(log.runs.map((r) => r.tool.driver.name)).toEqual(["gitleaks", "govulncheck", "semgrep", "trivy", "osv-scanner", "pip-audit"]);
    for (const run of log.runs) {
      expect(run.automationDetails.id).toBe(`pipeline-scan/${run.tool.driver.name}/`);
      for (const result of run.results) {
        const rule = run.tool.driver.rules[result.ruleIndex];
        expect(rule?.id).toBe(result.ruleId);
        expect(["error", "warning", "note"]).toContain(result.level);
        for (const loc of result.locations ?? []) {
          expect(loc.physicalLocation.artifactLocation.uriBaseId).toBe("%SRCROOT%");
          expect(loc.physicalLocation.artifactLocation.uri).not.toMatch(/^(\/|file:|\.\.?\/)/);
        }
        expect(result.partialFingerprints["pipelineFinding/v1"]).toMatch(/^[0-9a-f]{32}$/);
      }
    }
    const govulncheck = log.runs[1];
    const rule = govulncheck!.tool.driver.rules.find((r) => r.id === "GO-2021-0265");
    expect(rule).toMatchObject({ shortDescription: { text: expect.any(String) }, fullDescription: { text: expect.any(String) }, helpUri: "https://pkg.go.dev/vuln/GO-2021-0265", properties: { "security-severity": "8.0" } });

    const verdict = scanVerdict(reports, { failOn: "high", ignores: [], ignoreProblems: [], ignoreFile: ".pipeline/scan-ignore.yaml", times: { start: new Date("2026-12-03T08:00:00Z"), end: new Date("2026-12-03T08:01:30Z") } });
    expect(verdict.status).toBe("failed");
    expect(Object.keys(verdict.reports).sort()).toEqual(["scan/gl-dependency-scanning-report.json", "scan/gl-sast-report.json", "scan/gl-secret-detection-report.json", "scan/scan.sarif", "scan/summary.md"]);
    const summary = verdict.reports["scan/summary.md"]!;
    expect(summary).toMatch(/^# Security scan\n\n\*\*❌ scan gate failed: \d+ findings at high or above/);
    expect(summary).toMatch(/\| govulncheck \| dependency \| 0 \| \d+ \| \d+ \| \d+ \| 0 \| 0 \| ✅ scanned \|/);
    const gitlab = JSON.parse(verdict.reports["scan/gl-dependency-scanning-report.json"]!) as GitLabReport;
    expect(gitlab.scan).toMatchObject({ type: "dependency_scanning", status: "success", start_time: "2026-12-03T08:00:00", end_time: "2026-12-03T08:01:30" });
    const gjson = gitlab.vulnerabilities.find((v) => v.identifiers[0]!.value === "GO-2021-0265")!;
    expect(gjson).toMatchObject({ severity: "High", location: { file: "vuln.go", dependency: { package: { name: "github.com/tidwall/gjson" }, version: "v1.6.5" } } });
    expect(gjson.identifiers).toEqual(expect.arrayContaining([expect.objectContaining({ type: "cve", value: "CVE-2021-42248", url: "https://nvd.nist.gov/vuln/detail/CVE-2021-42248" })]));
    const secrets = JSON.parse(verdict.reports["scan/gl-secret-detection-report.json"]!) as GitLabReport;
    expect(secrets.vulnerabilities.every((v) => v.severity === "Critical")).toBe(true);
  });
});
