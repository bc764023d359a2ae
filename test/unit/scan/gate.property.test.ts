import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyIgnores, ignoreMatches, scanGate, unusedIgnores, type FailOn, type IgnoreRule } from "../../../pipeline/modules/scan/gate.js";
import { SEVERITIES, type Finding, type ToolReport } from "../../../pipeline/modules/scan/model.js";
import { globToRegExp, repositoryPath } from "../../../pipeline/modules/scan/paths.js";

/** The gate and the ignore rules as pure functions, over generated findings. */

const segment = fc.stringMatching(/^[a-z0-9_-]{1,8}$/);
const repoPath = fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => parts.join("/"));
const severity = fc.constantFrom(...SEVERITIES);
const finding: fc.Arbitrary<Finding> = fc.record({
  tool: fc.constantFrom("semgrep", "gosec", "gitleaks"),
  category: fc.constant("sast" as const),
  ruleId: fc.constantFrom("G101", "G204", "pipeline.go-sql-built-from-strings", "GO-2022-1059"),
  severity,
  message: fc.constant("something"),
  path: repoPath,
  line: fc.integer({ min: 1, max: 500 }),
});
const report = (findings: Finding[], error?: string): ToolReport => ({ tool: "semgrep", category: "sast", rules: [], findings, notes: [], ...(error ? { error } : {}) });
const failOn: fc.Arbitrary<FailOn> = fc.constantFrom(...SEVERITIES, "none" as const);
const rule = (over: Partial<IgnoreRule> = {}): IgnoreRule => ({ id: "G204", path: "**", reason: "reviewed: the argv is fixed", expires: "2099-01-01", line: 2, ...over });

describe("the scan gate", () => {
  it("fails exactly when a finding not ignored is at or above the threshold", () => {
    fc.assert(
      fc.property(fc.array(finding, { maxLength: 12 }), failOn, (findings, threshold) => {
        const gate = scanGate([report(findings)], threshold);
        // The oracle reads the order itself (index 0 is critical), not the code under test.
        const blocks = (f: Finding) => threshold !== "none" && SEVERITIES.indexOf(f.severity) <= SEVERITIES.indexOf(threshold);
        expect(gate.passed).toBe(!findings.some(blocks));
        expect(gate.blocking).toHaveLength(findings.filter(blocks).length);
      }),
    );
  });

  it("never turns a pass into a failure when the threshold is raised", () => {
    fc.assert(
      fc.property(fc.array(finding, { maxLength: 12 }), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 }), (findings, a, b) => {
        // A lower index is more severe: a threshold of critical fails on fewer findings than one of low.
        const [failsOnMore, failsOnLess] = [SEVERITIES[Math.max(a, b)]!, SEVERITIES[Math.min(a, b)]!];
        if (scanGate([report(findings)], failsOnLess).passed) return;
        expect(scanGate([report(findings)], failsOnMore).passed).toBe(false);
      }),
    );
  });

  it("passes once every finding is ignored, and still lists them as ignored", () => {
    fc.assert(
      fc.property(fc.array(finding, { minLength: 1, maxLength: 12 }), (findings) => {
        const rules = [...new Set(findings.map((f) => f.ruleId))].map((id) => rule({ id }));
        const marked = applyIgnores(findings, rules);
        expect(marked.every((f) => f.ignored?.reason === "reviewed: the argv is fixed")).toBe(true);
        const gate = scanGate([report(marked)], "info");
        expect(gate.passed).toBe(true);
        expect(gate.message).toContain(`${findings.length} ignored`);
      }),
    );
  });

  it("fails when a scanner could not scan, whatever it found and whatever the threshold", () => {
    fc.assert(
      fc.property(fc.array(finding, { maxLength: 5 }), failOn, (findings, threshold) => {
        const gate = scanGate([report(findings, "govulncheck: fetching vulnerabilities: dial tcp: no such host")], threshold);
        expect(gate.passed).toBe(false);
        expect(gate.message).toContain("semgrep could not scan");
      }),
    );
  });
});

describe("ignore rules", () => {
  const base: Finding = { tool: "gosec", category: "sast", ruleId: "G204", severity: "high", message: "m", path: "services/api/run.go", line: 3 };

  it("match on the ID or an alias, a path glob and the tool when named", () => {
    expect(ignoreMatches(rule({ path: "services/api/**" }), base)).toBe(true);
    expect(ignoreMatches(rule({ path: "services/web/**" }), base)).toBe(false);
    expect(ignoreMatches(rule({ id: "g204" }), base)).toBe(true);
    expect(ignoreMatches(rule({ id: "G201" }), base)).toBe(false);
    expect(ignoreMatches(rule({ tool: "semgrep" }), base)).toBe(false);
    expect(ignoreMatches(rule({ tool: "gosec" }), base)).toBe(true);
    const vuln: Finding = { ...base, tool: "govulncheck", ruleId: "GO-2022-1059", aliases: ["CVE-2022-32149"], path: "go.mod" };
    expect(ignoreMatches(rule({ id: "CVE-2022-32149", path: "go.mod" }), vuln)).toBe(true);
  });

  it("accept a finding without a file only through a rule for every path", () => {
    const nowhere: Finding = { tool: base.tool, category: base.category, ruleId: base.ruleId, severity: base.severity, message: base.message };
    expect(ignoreMatches(rule({ path: "**" }), nowhere)).toBe(true);
    expect(ignoreMatches(rule({ path: "src/**" }), nowhere)).toBe(false);
  });

  it("report the rules that matched nothing", () => {
    expect(unusedIgnores([base], [rule(), rule({ id: "G101", line: 9 })]).map((r) => r.line)).toEqual([9]);
  });
});

describe("paths and globs", () => {
  it("a literal path matches only itself; ** matches every path; * stays within a folder", () => {
    fc.assert(
      fc.property(repoPath, repoPath, (a, b) => {
        expect(globToRegExp(a).test(a)).toBe(true);
        expect(globToRegExp(a).test(b)).toBe(a === b);
        expect(globToRegExp("**").test(b)).toBe(true);
        expect(globToRegExp("*").test(b)).toBe(!b.includes("/"));
        expect(globToRegExp(`**/${b.split("/").pop()}`).test(b)).toBe(true);
      }),
    );
  });

  it("puts tool paths under the project folder, relative to the repository root", () => {
    fc.assert(
      fc.property(repoPath, fc.constantFrom(".", "services/api", "./svc/"), (path, folder) => {
        const expected = folder === "." ? path : `${folder.replace(/^\.\//, "").replace(/\/$/, "")}/${path}`;
        expect(repositoryPath(`/src/${path}`, { root: "/src", folder })).toBe(expected);
        expect(repositoryPath(`./${path}`, { root: "/src", folder })).toBe(expected);
        expect(repositoryPath(path, { root: "/src", folder })).toBe(expected);
      }),
    );
    expect(repositoryPath("/go/pkg/mod/golang.org/x/text@v0.3.7/language/parse.go", { root: "/src", folder: "." })).toBeUndefined();
    expect(repositoryPath("../outside.go", { root: "/src", folder: "." })).toBeUndefined();
    expect(repositoryPath("/srcfoo/a.go", { root: "/src", folder: "." })).toBeUndefined();
  });
});
