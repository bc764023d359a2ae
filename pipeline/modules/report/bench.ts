import type { BenchmarkSamples } from "./model.js";
import { benchmarkKey } from "./bench-baseline.js";
import { mannWhitneyU, median } from "./stats.js";

export type { BenchmarkSamples } from "./model.js";
export { parseGoBench } from "./bench-go.js";
export { parsePytestBenchmark, parseTinybench, parseVitestBench } from "./bench-json.js";
export { BASELINE_VERSION, BaselineError, parseBaseline, serializeBaseline, thinSamples } from "./bench-baseline.js";

/**
 * Benchmark regression detection, benchstat's way: compare medians, and
 * trust a difference only when the Mann-Whitney U test says the two sets
 * of samples differ (p < alpha). A regression must also exceed the
 * threshold, so noise-level changes never fail a pipeline.
 */

export type BenchVerdict = "regression" | "improvement" | "no-change" | "insignificant" | "new" | "missing";

export interface BenchComparisonRow {
  name: string;
  unit: string;
  package?: string;
  baseMedian: number | null;
  currentMedian: number | null;
  /** (current / base - 1) * 100, ±Infinity from a zero base median; null when either side is missing. */
  deltaPercent: number | null;
  pValue: number | null;
  n: [number, number];
  verdict: BenchVerdict;
}

/** Fewest samples per side that can ever be significant: the U test cannot reach p < 0.05 with 3+3. */
export const MIN_SAMPLES = 4;

export interface CompareOptions {
  /** A significant change smaller than this (in percent of the baseline median) is "no-change". */
  thresholdPercent: number;
  alpha?: number;
  /** Fewer samples than this on either side can never be significant. Default MIN_SAMPLES. */
  minSamples?: number;
}

/** Units where a larger value is better (throughput); everything else (time, bytes, allocations) is better smaller. */
export function higherIsBetter(unit: string): boolean {
  return /\/s$/i.test(unit) || /^(ops|hz)$/i.test(unit);
}

/**
 * Compares every current benchmark with its baseline, by package, name and
 * unit. Verdicts: "insignificant" when p >= alpha or a side has fewer than
 * `minSamples` samples; "no-change" when significant but within the
 * threshold, or when every sample is identical; "regression" / "improvement"
 * beyond it, in the direction the unit says is worse / better.
 */
export function compareBenchmarks(baseline: readonly BenchmarkSamples[], current: readonly BenchmarkSamples[], options: CompareOptions): BenchComparisonRow[] {
  const alpha = options.alpha ?? 0.05;
  const minSamples = options.minSamples ?? MIN_SAMPLES;
  const base = new Map(baseline.map((b) => [benchmarkKey(b), b]));
  const seen = new Set<string>();
  const rows = current.map((cur): BenchComparisonRow => {
    const old = base.get(benchmarkKey(cur));
    seen.add(benchmarkKey(cur));
    const row = { name: cur.name, unit: cur.unit, ...(cur.package ? { package: cur.package } : {}) };
    const currentMedian = cur.samples.length ? median(cur.samples) : null;
    if (!old) return { ...row, baseMedian: null, currentMedian, deltaPercent: null, pValue: null, n: [0, cur.samples.length], verdict: "new" };
    const n: [number, number] = [old.samples.length, cur.samples.length];
    if (n[0] === 0 || n[1] === 0) return { ...row, baseMedian: n[0] ? median(old.samples) : null, currentMedian, deltaPercent: null, pValue: null, n, verdict: "insignificant" };
    const baseMedian = median(old.samples);
    // From a zero median (0 allocs/op) any rise is an unbounded change, not an unknown one.
    const deltaPercent = baseMedian === 0 ? Math.sign(currentMedian!) * Infinity || 0 : ((currentMedian! / baseMedian) - 1) * 100;
    const { p } = mannWhitneyU(old.samples, cur.samples);
    const result = { ...row, baseMedian, currentMedian, deltaPercent, pValue: p, n };
    const allEqual = [...old.samples, ...cur.samples].every((v) => v === old.samples[0]);
    if (allEqual) return { ...result, verdict: "no-change" };
    if (n[0] < minSamples || n[1] < minSamples || !(p < alpha)) return { ...result, verdict: "insignificant" };
    if (Math.abs(deltaPercent) <= options.thresholdPercent) return { ...result, verdict: "no-change" };
    const worse = higherIsBetter(cur.unit) ? deltaPercent < 0 : deltaPercent > 0;
    return { ...result, verdict: worse ? "regression" : "improvement" };
  });
  for (const old of baseline) {
    if (seen.has(benchmarkKey(old))) continue;
    const baseMedian = old.samples.length ? median(old.samples) : null;
    rows.push({ name: old.name, unit: old.unit, ...(old.package ? { package: old.package } : {}), baseMedian, currentMedian: null, deltaPercent: null, pValue: null, n: [old.samples.length, 0], verdict: "missing" });
  }
  return rows;
}

/** Joins the samples of repeated runs of the same benchmarks (vitest bench run N times), in run order. */
export function mergeBenchmarkRuns(runs: readonly (readonly BenchmarkSamples[])[]): BenchmarkSamples[] {
  const merged = new Map<string, BenchmarkSamples>();
  for (const run of runs) {
    for (const b of run) {
      const key = benchmarkKey(b);
      const seen = merged.get(key);
      if (seen) seen.samples.push(...b.samples);
      else merged.set(key, { ...b, samples: [...b.samples] });
    }
  }
  return [...merged.values()];
}

/** Fails on any regression; the message lists them (worst first) or sums up the comparison. */
export function benchGate(rows: readonly BenchComparisonRow[]): { passed: boolean; message: string } {
  const regressions = rows.filter((r) => r.verdict === "regression").sort((a, b) => Math.abs(b.deltaPercent ?? 0) - Math.abs(a.deltaPercent ?? 0));
  if (regressions.length > 0) {
    const list = regressions.map((r) => `${r.name} ${r.unit} ${formatDelta(r.deltaPercent)} (p=${formatP(r.pValue)})`).join(", ");
    return { passed: false, message: `${regressions.length} benchmark regression${regressions.length === 1 ? "" : "s"}: ${list}` };
  }
  const counts = (["improvement", "no-change", "insignificant", "new", "missing"] as const)
    .map((v) => [v, rows.filter((r) => r.verdict === v).length] as const)
    .filter(([, c]) => c > 0)
    .map(([v, c]) => `${c} ${v}`);
  return { passed: true, message: `no benchmark regressions (${rows.length} compared${counts.length ? `: ${counts.join(", ")}` : ""})` };
}

const ICONS: Record<BenchVerdict, string> = { regression: "🔴 regression", improvement: "🟢 improvement", "no-change": "no change", insignificant: "~ insignificant", new: "🆕 new", missing: "missing" };

/** A Markdown table of the comparison, for summary.md and job summaries. */
export function benchComparisonMarkdown(rows: readonly BenchComparisonRow[]): string {
  if (rows.length === 0) return "_No benchmarks to compare._\n";
  const withPackage = new Set(rows.map((r) => r.package)).size > 1;
  const lines = ["| Benchmark | Unit | Baseline | Current | Delta | p | n | Verdict |", "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |"];
  for (const r of rows) {
    const name = withPackage && r.package ? `${r.package} ${r.name}` : r.name;
    const n = r.n[0] === r.n[1] ? `${r.n[0]}` : `${r.n[0]}+${r.n[1]}`;
    lines.push(`| ${cell(name)} | ${cell(r.unit)} | ${formatValue(r.baseMedian)} | ${formatValue(r.currentMedian)} | ${formatDelta(r.deltaPercent)} | ${formatP(r.pValue)} | ${n} | ${ICONS[r.verdict]} |`);
  }
  return `${lines.join("\n")}\n`;
}

const cell = (text: string) => text.replace(/\|/g, "\\|");
const formatValue = (v: number | null) => (v === null ? "–" : Number(v.toPrecision(4)).toString());
const formatDelta = (d: number | null) => (d === null ? "–" : d === Infinity ? "+∞" : d === -Infinity ? "−∞" : `${d > 0 ? "+" : ""}${d.toFixed(2)}%`);
const formatP = (p: number | null) => (p === null ? "–" : p.toFixed(3));
