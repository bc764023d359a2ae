import type { CoverageSummary, FileCoverage } from "./model.js";

/**
 * coverage.py's JSON report (`coverage json`): `totals` and per-file
 * `summary` with covered_lines / num_statements, and the executed and
 * missing line numbers.
 */

interface PyFileSummary {
  covered_lines?: number;
  num_statements?: number;
  percent_covered?: number;
}

interface PyCoverageJson {
  totals?: PyFileSummary;
  files?: Record<string, { summary?: PyFileSummary; executed_lines?: number[]; missing_lines?: number[] }>;
}

/**
 * Parses the report. The percent is coverage.py's own `percent_covered`
 * (it differs from lines alone when branch coverage is on); counts come
 * from `covered_lines` / `num_statements`. Where a summary lacks them, the
 * executed and missing lines count instead, and the totals are the files' sums.
 */
export function parseCoveragePyJson(text: string): CoverageSummary {
  let report: PyCoverageJson;
  try {
    report = JSON.parse(text) as PyCoverageJson;
  } catch (error) {
    throw new Error(`not a coverage.py JSON report: ${(error as Error).message}`);
  }
  const totals = (report as PyCoverageJson | null)?.totals;
  if (typeof totals !== "object" || totals === null) throw new Error("not a coverage.py JSON report: no `totals` object");
  const files: FileCoverage[] = Object.entries(report.files ?? {}).map(([path, file]) => {
    const executed = file.executed_lines ?? [];
    const missing = file.missing_lines ?? [];
    const lines = [...executed.map((n) => ({ number: n, hits: 1 })), ...missing.map((n) => ({ number: n, hits: 0 }))];
    lines.sort((a, b) => a.number - b.number);
    return {
      path,
      covered: file.summary?.covered_lines ?? executed.length,
      total: file.summary?.num_statements ?? executed.length + missing.length,
      lines,
    };
  });
  const linesCovered = totals.covered_lines ?? files.reduce((n, f) => n + f.covered, 0);
  const linesValid = totals.num_statements ?? files.reduce((n, f) => n + f.total, 0);
  const percent = totals.percent_covered ?? (linesValid === 0 ? 0 : (linesCovered / linesValid) * 100);
  return { linesCovered, linesValid, percent, files };
}
