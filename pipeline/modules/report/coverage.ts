import type { CoverageSummary } from "./model.js";

export type { CoverageSummary, FileCoverage, LineHits } from "./model.js";
export { parseGoCoverprofile } from "./coverage-go.js";
export { parseLcov } from "./coverage-lcov.js";
export { parseCobertura, toCobertura } from "./coverage-cobertura.js";
export { parseCoveragePyJson } from "./coverage-py.js";
export { summarizeFiles, underFolder } from "./coverage-total.js";

/**
 * Coverage reports of every tool reduce to one model (lines covered out of
 * lines valid; Go statements count as lines) and one gate.
 */

/**
 * The coverage gate: passes when `percent` reaches `thresholdPercent`
 * (a threshold of 0 always passes). Compares at the one decimal the
 * message shows, so "80.0% is below 80%" can never be printed.
 */
export function coverageGate(percent: number, thresholdPercent: number): { passed: boolean; message: string } {
  const shown = formatPercent(percent);
  const threshold = `${formatThreshold(thresholdPercent)}%`;
  if (thresholdPercent <= 0) return { passed: true, message: `coverage ${shown}% (no threshold)` };
  const passed = Number(shown) >= thresholdPercent;
  return passed
    ? { passed, message: `coverage ${shown}% meets the ${threshold} threshold` }
    : { passed, message: `coverage ${shown}% is below the ${threshold} threshold` };
}

/** One decimal, rounded, as `go tool cover -func` prints its total. */
export function formatPercent(percent: number): string {
  return (Math.round(percent * 10) / 10).toFixed(1);
}

/** A threshold as the user wrote it: one decimal at most, none when it is whole (80%, 85.5%). */
function formatThreshold(percent: number): string {
  return String(Number(formatPercent(percent)));
}

/** What the total counts: lines, or (coverage.py with branch coverage) lines and branches. */
function totalOf(summary: CoverageSummary): string {
  const lineCounts = `${summary.linesCovered}/${summary.linesValid}`;
  const linePercent = summary.linesValid === 0 ? 0 : (summary.linesCovered / summary.linesValid) * 100;
  return formatPercent(linePercent) === formatPercent(summary.percent)
    ? `of lines (${lineCounts})`
    : `of lines and branches, the tool's own total (lines ${lineCounts})`;
}

/** Files listed in the Markdown summary: the least covered first, where attention pays. */
const MAX_FILES = 20;

/**
 * coverage.md: the total against the threshold, then the least covered files
 * (ties by path); a file without measurable lines has no percent and is left out.
 */
export function coverageMarkdown(summary: CoverageSummary, thresholdPercent: number): string {
  const lines = [
    "# Coverage",
    "",
    `**${formatPercent(summary.percent)}%** ${totalOf(summary)}` +
      (thresholdPercent > 0 ? `, threshold ${formatThreshold(thresholdPercent)}%` : ""),
    "",
  ];
  const files = [...summary.files]
    .filter((f) => f.total > 0)
    .map((f) => ({ ...f, percent: (f.covered / f.total) * 100 }))
    .sort((a, b) => a.percent - b.percent || a.path.localeCompare(b.path));
  if (files.length > 0) {
    lines.push("| File | Covered | Lines |", "| --- | ---: | ---: |");
    for (const f of files.slice(0, MAX_FILES)) lines.push(`| \`${f.path}\` | ${formatPercent(f.percent)}% | ${f.covered}/${f.total} |`);
    if (files.length > MAX_FILES) lines.push("", `…and ${files.length - MAX_FILES} better covered files.`);
  }
  return `${lines.join("\n")}\n`;
}
