/**
 * Durations as Go and kubectl write them ("90s", "5m", "1m30s", "500ms"): what
 * `kubectl rollout status --timeout` and `helm --timeout` take, so a value of
 * pipeline.yaml reaches them as written and the pipeline's own waits read it alike.
 */
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/y;

/** Milliseconds of a duration, or undefined when the text is not one (a bare number has no unit, so it is not). */
export function parseDuration(text: string): number | undefined {
  if (text === "") return undefined;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const at = PART.lastIndex;
    const match = PART.exec(text);
    if (!match || match.index !== at) return undefined;
    total += Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  }
  return total;
}

/** Whole seconds, as kubectl's and helm's `--timeout=<n>s` take them (rounded up: never shorter than asked). */
export function timeoutFlag(ms: number): string {
  return `${Math.max(1, Math.ceil(ms / 1000))}s`;
}

/** A short human form: "450ms", "2s", "1m30s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const seconds = Math.round(ms / 100) / 10;
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  const rest = Math.round(seconds - minutes * 60);
  return rest === 0 ? `${minutes}m` : `${minutes}m${rest}s`;
}
