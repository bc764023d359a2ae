import type { CoverageSummary, FileCoverage } from "./model.js";

/**
 * Totals a list of files. Percent is covered / valid, and 0 when nothing is
 * measurable, as `go tool cover -func` prints for a package without statements.
 */
export function summarizeFiles(files: FileCoverage[]): CoverageSummary {
  const linesCovered = files.reduce((n, f) => n + f.covered, 0);
  const linesValid = files.reduce((n, f) => n + f.total, 0);
  return { linesCovered, linesValid, percent: linesValid === 0 ? 0 : (linesCovered / linesValid) * 100, files };
}

/** Puts every file path under `dir` (a project's folder in its repository), so reports match repository paths. */
export function underFolder(summary: CoverageSummary, dir: string): CoverageSummary {
  const prefix = dir.replace(/^\.\/?/, "").replace(/\/+$/, "");
  if (!prefix) return summary;
  return { ...summary, files: summary.files.map((f) => ({ ...f, path: `${prefix}/${f.path}` })) };
}
