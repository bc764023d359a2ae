import { benchmarkKey } from "./bench-baseline.js";
import type { BenchmarkSamples } from "./model.js";

/**
 * Go benchmark output (`go test -bench`, the format benchstat reads):
 * `BenchmarkName-8  1000  123 ns/op  16 B/op  1 allocs/op`, one line per
 * run, so `-count N` gives N samples. Config lines (`pkg: ...`) name the
 * package of the lines that follow.
 */

const RESULT = /^Benchmark(\S*)\s+(\d+)\s+(.+)/;
const CONFIG = /^([a-z][^\s:A-Z]*):\s*(.*)/;

/**
 * Parses benchmark text, or a `go test -json -bench` stream (its output
 * events are joined back into text first). Names lose the `Benchmark`
 * prefix and the `-N` GOMAXPROCS suffix, as benchstat shows them, so a
 * baseline recorded on an 8-core laptop matches a run on a 2-core CI runner.
 */
export function parseGoBench(text: string): BenchmarkSamples[] {
  const byKey = new Map<string, BenchmarkSamples>();
  let pkg: string | undefined;
  for (const raw of joinJsonOutput(text).split("\n")) {
    // Trimmed, so the greedy \s* and \s+ below leave no space around the captures.
    const line = raw.trim();
    const config = CONFIG.exec(line);
    if (config) {
      if (config[1] === "pkg") pkg = config[2] || undefined;
      continue;
    }
    const result = RESULT.exec(line);
    if (!result) continue;
    const name = result[1]!.replace(/-\d+$/, "") || result[1]!;
    const fields = result[3]!.split(/\s+/);
    // The rest is value/unit pairs: "123 ns/op 16 B/op 1 allocs/op 450.2 MB/s 3 custom-unit".
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const value = Number(fields[i]);
      const unit = fields[i + 1]!;
      if (!Number.isFinite(value)) break;
      const measured: BenchmarkSamples = { name, unit, samples: [], ...(pkg ? { package: pkg } : {}) };
      const key = benchmarkKey(measured);
      const entry = byKey.get(key) ?? measured;
      entry.samples.push(value);
      byKey.set(key, entry);
    }
  }
  return [...byKey.values()];
}

/**
 * test2json splits a benchmark line over two output events ("BenchmarkX-2 \t"
 * then " 123\t..."): rebuild each package's text in order before parsing.
 */
function joinJsonOutput(text: string): string {
  if (!text.trimStart().startsWith('{"')) return text;
  const byPackage = new Map<string, string>();
  for (const line of text.split("\n")) {
    try {
      const event = JSON.parse(line) as { Package?: string; Output?: string };
      if (typeof event.Output === "string") byPackage.set(event.Package ?? "", (byPackage.get(event.Package ?? "") ?? "") + event.Output);
    } catch {
      // Not an event (stderr merged in): nothing benchmark-shaped to keep.
    }
  }
  return [...byPackage.values()].join("\n");
}
