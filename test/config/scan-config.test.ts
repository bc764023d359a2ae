import { describe, expect, it } from "vitest";
import { formatProblem, loadConfig } from "../../pipeline/src/config/load.js";
import { SCAN_TOOLS } from "../../pipeline/modules/scan/index.js";

describe("stages.scan in pipeline.yaml", () => {
  it("defaults to every scanner on, failing on high and above, with the ignore file under .pipeline/", () => {
    const result = loadConfig(undefined);
    expect(result.ok && result.config.stages.scan).toEqual({
      enabled: true,
      failOn: "high",
      ignoreFile: ".pipeline/scan-ignore.yaml",
      history: true,
      govulncheckDb: "https://vuln.go.dev",
      tools: Object.fromEntries(SCAN_TOOLS.map((tool) => [tool, true])),
    });
  });

  it("takes a threshold, per-tool switches and a mirror of the Go vulnerability database", () => {
    const result = loadConfig("stages:\n  scan:\n    failOn: critical\n    tools: { gosec: false }\n    govulncheckDb: file:///mirror/vulndb\n");
    expect(result.ok && result.config.stages.scan).toMatchObject({ failOn: "critical", govulncheckDb: "file:///mirror/vulndb", tools: { gosec: false, govulncheck: true } });
  });

  it("names the file, the field and the fix of a wrong value or an unknown tool", () => {
    const result = loadConfig("stages:\n  scan:\n    failOn: severe\n    tools: { gitleak: false }\n    govulncheckDb: vuln.go.dev\n");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map(formatProblem)).toEqual([
      'pipeline.yaml:3:13 stages.scan.failOn: expected one of "critical", "high", "medium", "low", "info", "none", got "severe"\n  Fix: use one of "critical", "high", "medium", "low", "info", "none"',
      'pipeline.yaml:4:14 stages.scan.tools.gitleak: unknown key "gitleak" (did you mean "gitleaks"?)\n  Fix: rename it to "gitleaks"',
      'pipeline.yaml:5:20 stages.scan.govulncheckDb: expected an http(s):// or file:// URL of a Go vulnerability database, got "vuln.go.dev"\n' +
        "  Fix: write the database's URL, e.g. https://vuln.go.dev (the default) or your mirror's",
    ]);
  });
});
