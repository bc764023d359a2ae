import { formatDuration } from "./duration.js";

/**
 * The health check after a rollout: probes with retries and backoff until
 * enough answers in a row were healthy, the attempts run out, or the deadline
 * passes. Pure: the deploy runs the probes and the waits; this decides.
 */
export interface HealthPolicy {
  /** Probes at most. */
  attempts: number;
  /** Wait before the first probe (the app warming up behind a ready pod). */
  initialDelayMs: number;
  /** Wait before the second probe; each later wait is the previous times `backoffFactor`, up to `maxIntervalMs`. */
  intervalMs: number;
  backoffFactor: number;
  maxIntervalMs: number;
  /** The whole check gives up when the next probe would start after this. */
  deadlineMs: number;
  /** Healthy answers in a row that make the app healthy. */
  successThreshold: number;
}

/** One probe's answer. */
export interface Observation {
  healthy: boolean;
  /** "HTTP 200", "HTTP 503", "timed out after 5s", "connection refused"... */
  detail: string;
}

export type HealthStep =
  | { kind: "probe"; waitMs: number }
  | { kind: "healthy"; detail: string }
  | { kind: "unhealthy"; reason: string };

/** The wait before probe number `index` (0 for the first). */
export function waitBefore(policy: HealthPolicy, index: number): number {
  if (index === 0) return policy.initialDelayMs;
  return Math.min(policy.maxIntervalMs, policy.intervalMs * policy.backoffFactor ** (index - 1));
}

/** Every wait of a check that never succeeds, for the docs and the summary. */
export function waitSchedule(policy: HealthPolicy): number[] {
  return Array.from({ length: policy.attempts }, (_, i) => waitBefore(policy, i));
}

/** What to do next, given the answers so far and the time since the check started. */
export function nextHealthStep(policy: HealthPolicy, history: readonly Observation[], elapsedMs: number): HealthStep {
  let streak = 0;
  for (let i = history.length - 1; i >= 0 && history[i]!.healthy; i--) streak++;
  const last = history.at(-1);
  if (last && streak >= policy.successThreshold) {
    const inARow = policy.successThreshold > 1 ? `, ${streak} in a row` : "";
    return { kind: "healthy", detail: `${last.detail} on attempt ${history.length}${inARow}` };
  }
  const tally = () => {
    const good = history.filter((o) => o.healthy).length;
    const lastWord = last ? `; last: ${last.detail}` : "";
    const mixed = good > 0 ? `, ${good} healthy but not ${policy.successThreshold} in a row` : "";
    return `${history.length} attempt${history.length === 1 ? "" : "s"}${mixed}${lastWord}`;
  };
  if (history.length >= policy.attempts) return { kind: "unhealthy", reason: `never healthy: ${tally()}` };
  const waitMs = waitBefore(policy, history.length);
  if (elapsedMs + waitMs > policy.deadlineMs) {
    return { kind: "unhealthy", reason: `timed out: not healthy within ${formatDuration(policy.deadlineMs)} (${tally()})` };
  }
  return { kind: "probe", waitMs };
}

/** The default healthy answers: any 2xx. */
export const DEFAULT_EXPECT_STATUS: readonly number[] = Array.from({ length: 100 }, (_, i) => 200 + i);

const CURL_EXITS: Record<number, string> = {
  6: "could not resolve the host",
  7: "connection refused",
  28: "timed out",
  35: "TLS handshake failed",
  52: "empty reply from server",
  56: "connection reset",
  60: "TLS certificate not trusted",
};

/** Reads one probe of `curlProbeArgs`: its status code on stdout, or curl's transport failure. */
export function observeHttp(run: { exitCode: number; stdout: string; stderr: string }, expectStatus: readonly number[] = DEFAULT_EXPECT_STATUS, timeoutMs?: number): Observation {
  if (run.exitCode === 0) {
    const status = Number(run.stdout.trim());
    if (!Number.isInteger(status) || status < 100) return { healthy: false, detail: `no HTTP status (curl printed ${JSON.stringify(run.stdout.trim())})` };
    return { healthy: expectStatus.includes(status), detail: `HTTP ${status}` };
  }
  const known = CURL_EXITS[run.exitCode];
  if (run.exitCode === 28 && timeoutMs !== undefined) return { healthy: false, detail: `timed out after ${formatDuration(timeoutMs)}` };
  const said = run.stderr.trim().split("\n")[0] ?? "";
  return { healthy: false, detail: known ? `${known} (curl exit ${run.exitCode})` : `curl exit ${run.exitCode}${said ? `: ${said}` : ""}` };
}

/** Reads one probe through the API server's service proxy: any answer is healthy, an error says why not. */
export function observeServiceProxy(run: { exitCode: number; stdout: string; stderr: string }): Observation {
  if (run.exitCode === 0) return { healthy: true, detail: "answered through the service proxy" };
  const line = run.stderr.trim().split("\n").find((l) => l.trim() !== "") ?? `kubectl exit ${run.exitCode}`;
  return { healthy: false, detail: line.trim() };
}
