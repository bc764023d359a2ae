import type { BenchmarkSamples } from "./model.js";

/**
 * JSON benchmark reports: pytest-benchmark (`--benchmark-json`), tinybench
 * (`bench.tasks` serialized by the project's bench script) and
 * vitest bench (`--outputJson`). Raw samples are used when the report has
 * them; otherwise the one summary value (median, else mean) is a single
 * sample, which the comparison reports as insignificant rather than guess.
 */

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
// Number.isFinite is false for anything but a finite number (it does not convert, unlike isFinite).
const numbers = (v: unknown): number[] | undefined => (Array.isArray(v) && v.length > 0 && v.every((x) => Number.isFinite(x)) ? (v as number[]) : undefined);
const num = (v: unknown): number | undefined => (Number.isFinite(v) ? (v as number) : undefined);

function parseJson(text: string, format: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`not a ${format} JSON report: ${(error as Error).message}`);
  }
}

/** pytest-benchmark: `benchmarks[].stats` in seconds; `stats.data` holds every round when the run kept them (`--benchmark-save-data`). */
export function parsePytestBenchmark(text: string): BenchmarkSamples[] {
  const report = parseJson(text, "pytest-benchmark");
  if (!isObject(report) || !Array.isArray(report.benchmarks)) throw new Error("not a pytest-benchmark JSON report: no `benchmarks` array");
  return report.benchmarks.filter(isObject).map((b) => {
    const stats = isObject(b.stats) ? b.stats : {};
    const samples = numbers(stats.data) ?? single(num(stats.median) ?? num(stats.mean));
    return { name: nameOf(b.fullname ?? b.name), unit: "s", samples };
  });
}

/**
 * tinybench, liberally: an array of tasks, `{ tasks: [...] }`, or an object
 * keyed by task name; each task `{ name, result }` with `result.samples` (ms)
 * or, from tinybench 3+, `result.latency.samples`; summaries otherwise.
 */
export function parseTinybench(text: string): BenchmarkSamples[] {
  const report = parseJson(text, "tinybench");
  let tasks: { name: string; result: unknown }[];
  if (Array.isArray(report)) tasks = report.filter(isObject).map((t) => ({ name: nameOf(t.name), result: t.result ?? t }));
  else if (isObject(report) && Array.isArray(report.tasks)) return parseTinybench(JSON.stringify(report.tasks));
  else if (isObject(report)) tasks = Object.entries(report).map(([name, t]) => ({ name, result: isObject(t) && "result" in t ? t.result : t }));
  else throw new Error("not a tinybench JSON report: expected an array or object of tasks");
  return tasks.map(({ name, result }) => {
    const r = isObject(result) ? result : {};
    const latency = isObject(r.latency) ? r.latency : r;
    const samples = numbers(latency.samples) ?? single(num(latency.p50) ?? num(latency.median) ?? num(latency.mean));
    return { name, unit: "ms", samples };
  });
}

/** vitest bench `--outputJson`: vitest empties `samples`, so each benchmark gives its median as one sample. */
export function parseVitestBench(text: string): BenchmarkSamples[] {
  const report = parseJson(text, "vitest bench");
  if (!isObject(report) || !Array.isArray(report.files)) throw new Error("not a vitest bench JSON report: no `files` array");
  return report.files.filter(isObject).flatMap((file) =>
    (Array.isArray(file.groups) ? file.groups : []).filter(isObject).flatMap((group) =>
      (Array.isArray(group.benchmarks) ? group.benchmarks : []).filter(isObject).map((b) => ({
        name: group.fullName === undefined ? nameOf(b.name) : `${nameOf(group.fullName)} > ${nameOf(b.name)}`,
        unit: "ms",
        samples: numbers(b.samples) ?? single(num(b.median) ?? num(b.mean)),
      })),
    ),
  );
}

const single = (value: number | undefined): number[] => (value === undefined ? [] : [value]);

/** A JSON field as a name: strings and numbers as they are, anything else as "?". */
function nameOf(value: unknown): string {
  return typeof value === "string" || typeof value === "number" ? String(value) : "?";
}
