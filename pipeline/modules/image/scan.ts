/** Image vulnerability reports (trivy and grype JSON), one model, and the severity gate. */

export const SEVERITIES = ["critical", "high", "medium", "low", "negligible", "unknown"] as const;
export type Severity = (typeof SEVERITIES)[number];
export type FailOn = "critical" | "high" | "medium" | "low" | "none";

export interface Vulnerability {
  id: string;
  severity: Severity;
  pkg: string;
  installed: string;
  /** The version that fixes it, when there is one. */
  fixedIn: string | undefined;
  title: string;
}

export interface ScanIgnore {
  id: string;
  reason: string;
  /** YYYY-MM-DD: after this day the entry no longer applies and fails the scan. */
  expires: string;
}

export interface ScanGate {
  failOn: FailOn;
  ignoreUnfixed: boolean;
  ignore: readonly ScanIgnore[];
  /** Today, YYYY-MM-DD (passed in: the gate is a pure function). */
  today: string;
}

export interface GateResult {
  failing: Vulnerability[];
  ignored: { vulnerability: Vulnerability; reason: string }[];
  expired: ScanIgnore[];
  counts: Record<Severity, number>;
}

function severity(value: string | undefined): Severity {
  const s = (value ?? "").toLowerCase();
  return (SEVERITIES as readonly string[]).includes(s) ? (s as Severity) : "unknown";
}

interface TrivyReport {
  Results?: { Target?: string; Vulnerabilities?: TrivyVuln[] | null }[] | null;
}
interface TrivyVuln {
  VulnerabilityID: string;
  PkgName?: string;
  InstalledVersion?: string;
  FixedVersion?: string;
  Severity?: string;
  Title?: string;
}

/** `trivy image --format json` (SchemaVersion 2). */
export function parseTrivyImage(text: string): Vulnerability[] {
  const report = JSON.parse(text) as TrivyReport;
  return (report.Results ?? []).flatMap((result) =>
    (result.Vulnerabilities ?? []).map((v) => ({
      id: v.VulnerabilityID,
      severity: severity(v.Severity),
      pkg: v.PkgName ?? "",
      installed: v.InstalledVersion ?? "",
      fixedIn: v.FixedVersion || undefined,
      title: v.Title ?? "",
    })),
  );
}

interface GrypeReport {
  matches?: {
    vulnerability: { id: string; severity?: string; description?: string; fix?: { versions?: string[]; state?: string } };
    artifact: { name: string; version: string };
  }[];
}

/** `grype -o json`. */
export function parseGrype(text: string): Vulnerability[] {
  const report = JSON.parse(text) as GrypeReport;
  return (report.matches ?? []).map(({ vulnerability: v, artifact }) => ({
    id: v.id,
    severity: severity(v.severity),
    pkg: artifact.name,
    installed: artifact.version,
    fixedIn: v.fix?.versions?.length ? v.fix.versions.join(", ") : undefined,
    title: (v.description ?? "").split("\n")[0]!.slice(0, 120),
  }));
}

const RANK: Record<Severity, number> = { critical: 5, high: 4, medium: 3, low: 2, negligible: 1, unknown: 0 };

/**
 * Which findings fail the build: at or above `failOn`, not accepted by a
 * current ignore entry (an expired one is itself a failure: accepted risks
 * are reviewed, not forgotten), and, with ignoreUnfixed, only those a fix exists for.
 */
export function gateVulnerabilities(found: readonly Vulnerability[], gate: ScanGate): GateResult {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const current = new Map(gate.ignore.filter((i) => i.expires >= gate.today).map((i) => [i.id, i.reason]));
  const expired = gate.ignore.filter((i) => i.expires < gate.today);
  const failing: Vulnerability[] = [];
  const ignored: GateResult["ignored"] = [];
  const seen = new Set<string>();
  for (const v of found) {
    const key = `${v.id} ${v.pkg} ${v.installed}`;
    if (seen.has(key)) continue;
    seen.add(key);
    counts[v.severity]++;
    const reason = current.get(v.id);
    if (reason !== undefined) {
      ignored.push({ vulnerability: v, reason });
      continue;
    }
    if (gate.failOn === "none" || RANK[v.severity] < RANK[gate.failOn]) continue;
    if (gate.ignoreUnfixed && v.fixedIn === undefined) continue;
    failing.push(v);
  }
  failing.sort((a, b) => RANK[b.severity] - RANK[a.severity] || a.id.localeCompare(b.id));
  return { failing, ignored, expired, counts };
}

/** The summary's lines for one platform's scan. */
export function describeGate(platform: string, result: GateResult): { details: string[]; errorLines: string[] } {
  const tally = SEVERITIES.filter((s) => result.counts[s] > 0).map((s) => `${result.counts[s]} ${s}`);
  const details = [`${platform}: ${tally.length ? tally.join(", ") : "no known vulnerabilities"}${result.ignored.length ? ` (${result.ignored.length} accepted)` : ""}`];
  const errorLines = [
    ...result.failing.slice(0, 20).map((v) => `${platform}: ${v.severity.toUpperCase()} ${v.id} in ${v.pkg} ${v.installed}${v.fixedIn ? ` (fixed in ${v.fixedIn})` : " (no fix yet)"}${v.title ? `: ${v.title}` : ""}`),
    ...(result.failing.length > 20 ? [`${platform}: ... and ${result.failing.length - 20} more (see the report)`] : []),
    ...result.expired.map((i) => `image.scan.ignore ${i.id} expired on ${i.expires} (${i.reason}): review it, then extend or remove it`),
  ];
  return { details, errorLines };
}
