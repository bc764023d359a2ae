/**
 * The neutral model every scanner's parser produces: findings with a
 * severity the gate reads, rules with the metadata SARIF keeps, and per-tool
 * reports that say when a tool could not do its job. A leaf: imports nothing.
 */

/** From most to least severe; the gate and every report use this order. */
export const SEVERITIES = ["critical", "high", "medium", "low", "info"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** What kind of problem a tool looks for; decides the GitLab report a finding goes to. */
export type Category = "dependency" | "sast" | "secret" | "misconfig";

/** A rule (check, vulnerability) with what its tool says about it. */
export interface RuleMeta {
  id: string;
  /** A short human name (gosec "G201", semgrep's rule id tail, an advisory's summary). */
  name?: string;
  shortDescription?: string;
  fullDescription?: string;
  helpUri?: string;
  /** CWE ids, OWASP tags, the tool's own categories. */
  tags?: string[];
  /** Other names of the same vulnerability (CVE, GHSA): an ignore entry may use any. */
  aliases?: string[];
}

export interface Finding {
  tool: string;
  category: Category;
  ruleId: string;
  /** Other IDs of the same vulnerability (CVE, GHSA, PYSEC): an ignore entry may name any. */
  aliases?: string[];
  severity: Severity;
  /** Where the severity came from, when it is not the tool's own word (e.g. "unrated: treated as high"). */
  severityNote?: string;
  /** One line saying what is wrong; never the secret or the source line. */
  message: string;
  /** Repository-relative, forward slashes; undefined when the tool names no file. */
  path?: string;
  line?: number;
  column?: number;
  endLine?: number;
  /** Dependency findings: the package, its version and the first version that fixes it. */
  package?: { name: string; version?: string; fixedVersion?: string; ecosystem?: string };
  /** Secrets found in history: the commit that added it. */
  commit?: string;
  /** Set by the ignore file: the entry that accepted this finding. */
  ignored?: { reason: string; expires: string; line: number };
}

/** What one tool run yielded. */
export interface ToolReport {
  tool: string;
  category: Category;
  version?: string;
  informationUri?: string;
  rules: RuleMeta[];
  findings: Finding[];
  /**
   * Why the tool could not scan (its database unreachable, a crash, output
   * that does not parse): the stage fails on it, whatever the findings.
   */
  error?: string;
  /** Facts worth a line: what was scanned, what was skipped and why. */
  notes: string[];
  /** Set when the tool did not run (disabled, or nothing for it to read), saying why. */
  skipped?: string;
}

export function severityRank(severity: Severity): number {
  return SEVERITIES.length - SEVERITIES.indexOf(severity);
}

/** Whether `severity` is at least as severe as `threshold`. */
export function atLeast(severity: Severity, threshold: Severity): boolean {
  return severityRank(severity) >= severityRank(threshold);
}

/** A severity word as tools write it (CRITICAL, High, MODERATE, error, warning...) in our scale; undefined when unknown. */
export function parseSeverityWord(word: string | undefined | null): Severity | undefined {
  switch ((word ?? "").trim().toLowerCase()) {
    case "critical":
      return "critical";
    case "high":
    case "error":
      return "high";
    case "medium":
    case "moderate":
    case "warning":
      return "medium";
    case "low":
      return "low";
    case "info":
    case "informational":
    case "note":
    case "negligible":
    case "style":
      return "info";
    default:
      return undefined;
  }
}

/** A CVSS base score in our scale, with the CVSS v3 bands (9.0 critical, 7.0 high, 4.0 medium, 0.1 low). */
export function severityFromScore(score: number): Severity {
  if (score >= 9) return "critical";
  if (score >= 7) return "high";
  if (score >= 4) return "medium";
  if (score > 0) return "low";
  return "info";
}

/** A known vulnerability without a rating: treated as high, so the default gate does not let it pass unread. */
export const UNRATED: Pick<Finding, "severity" | "severityNote"> = {
  severity: "high",
  severityNote: "not rated by its advisory: treated as high",
};
