import { summarizeFiles } from "./coverage-total.js";
import type { CoverageSummary, FileCoverage } from "./model.js";

/**
 * LCOV tracefiles (node --test, c8/istanbul, genhtml's input). A record runs
 * from `SF:` to `end_of_record`. The same file may appear in several records
 * (one per test name `TN:`): their `DA:` hits add up, as `lcov -a` merges.
 */

interface FileRecord {
  hits: Map<number, number>;
  found: number;
  hit: number;
}

/**
 * Parses a tracefile. Counts come from the `DA:` lines when present, else
 * from the `LF:`/`LH:` totals (some generators write only those).
 */
export function parseLcov(text: string): CoverageSummary {
  const records = new Map<string, FileRecord>();
  let current: FileRecord | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    const colon = line.indexOf(":");
    const key = colon === -1 ? line : line.slice(0, colon);
    const value = line.slice(colon + 1);
    if (key === "SF") {
      current = records.get(value) ?? { hits: new Map(), found: 0, hit: 0 };
      records.set(value, current);
    } else if (key === "end_of_record") {
      current = undefined;
    } else if (current && key === "DA") {
      // DA:<line>,<hits>[,<checksum>]
      const [lineNo, hits] = value.split(",").map(Number);
      if (Number.isInteger(lineNo) && Number.isFinite(hits)) current.hits.set(lineNo!, (current.hits.get(lineNo!) ?? 0) + hits!);
    } else if (current && key === "LF") {
      current.found += Number(value) || 0;
    } else if (current && key === "LH") {
      current.hit += Number(value) || 0;
    }
  }
  if (records.size === 0 && text.trim()) throw new Error("not an LCOV tracefile: no SF: record found");
  const files: FileCoverage[] = [...records].map(([path, record]) => {
    if (record.hits.size === 0) return { path, covered: record.hit, total: record.found };
    const lines = [...record.hits].sort((a, b) => a[0] - b[0]).map(([number, hits]) => ({ number, hits }));
    return { path, covered: lines.filter((l) => l.hits > 0).length, total: lines.length, lines };
  });
  return summarizeFiles(files);
}
