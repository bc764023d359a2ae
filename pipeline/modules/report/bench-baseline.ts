import type { BenchmarkSamples } from "./model.js";

/**
 * The committed benchmark baseline: versioned JSON,
 * `{ "version": 1, "benchmarks": BenchmarkSamples[] }`, written by the
 * pipeline and read back on every run. Errors name the file and the fix,
 * since a human edits or regenerates it.
 */

export const BASELINE_VERSION = 1;

/** A baseline file that cannot be used, with the file and what is wrong. */
export class BaselineError extends Error {
  override readonly name = "BaselineError";
  readonly code = "BENCH_BASELINE_INVALID";
}

/** Most samples a baseline keeps per benchmark: tinybench and pytest-benchmark record thousands. */
export const MAX_BASELINE_SAMPLES = 100;

/**
 * Keeps `max` evenly spaced order statistics of a large sample: the same
 * distribution in a file a reviewer can diff, and a rank test that does not
 * call a trivial difference significant just because n is huge.
 */
export function thinSamples(samples: readonly number[], max = MAX_BASELINE_SAMPLES): number[] {
  if (samples.length <= max) return [...samples];
  const sorted = [...samples].sort((a, b) => a - b);
  return Array.from({ length: max }, (_, i) => sorted[Math.round((i * (sorted.length - 1)) / (max - 1))]!);
}

/** Writes a baseline, stable and diff-friendly: sorted by package, name and unit, one benchmark per line. */
export function serializeBaseline(benchmarks: readonly BenchmarkSamples[]): string {
  const sorted = [...benchmarks].sort((a, b) => (benchmarkKey(a) < benchmarkKey(b) ? -1 : benchmarkKey(a) > benchmarkKey(b) ? 1 : 0));
  const lines = sorted.map(
    (b) => `    ${JSON.stringify({ ...(b.package ? { package: b.package } : {}), name: b.name, unit: b.unit, samples: thinSamples(b.samples) })}`,
  );
  return `{\n  "version": ${BASELINE_VERSION},\n  "benchmarks": [${lines.length ? `\n${lines.join(",\n")}\n  ` : ""}]\n}\n`;
}

/** What identifies a benchmark across runs and baselines: package, name and unit. */
export const benchmarkKey = (b: BenchmarkSamples) => `${b.package ?? ""}\u0000${b.name}\u0000${b.unit}`;

/** Reads a baseline, validating every field; `fileName` is for messages only. */
export function parseBaseline(text: string, fileName: string): BenchmarkSamples[] {
  const fail = (what: string): never => {
    throw new BaselineError(`${fileName}: ${what}. Fix it, or delete the file and record a new baseline.`);
  };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return fail(`is not valid JSON (${(error as Error).message})`);
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) return fail("must be a JSON object with `version` and `benchmarks`");
  const { version, benchmarks } = data as { version?: unknown; benchmarks?: unknown };
  if (version !== BASELINE_VERSION) return fail(`has version ${JSON.stringify(version)}, expected ${BASELINE_VERSION}`);
  if (!Array.isArray(benchmarks)) return fail("has no `benchmarks` array");
  return benchmarks.map((b: unknown, i): BenchmarkSamples => {
    const at = `benchmarks[${i}]`;
    if (typeof b !== "object" || b === null) return fail(`${at} must be an object`);
    const { name, unit, samples, package: pkg } = b as Record<string, unknown>;
    if (typeof name !== "string" || !name) return fail(`${at}.name must be a non-empty string`);
    if (typeof unit !== "string" || !unit) return fail(`${at}.unit must be a non-empty string (e.g. "ns/op")`);
    if (!Array.isArray(samples) || !samples.every((s) => Number.isFinite(s))) {
      return fail(`${at}.samples (${name}) must be an array of finite numbers`);
    }
    if (pkg !== undefined && typeof pkg !== "string") return fail(`${at}.package must be a string`);
    return { name, unit, samples: [...(samples as number[])], ...(pkg ? { package: pkg } : {}) };
  });
}
