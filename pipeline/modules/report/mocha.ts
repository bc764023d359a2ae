import { stripAnsi } from "./ansi.js";

/** Test counts from a tool's own summary lines, for runs that write no results file. */
export interface TestCounts {
  passed: number;
  failed: number;
  skipped: number;
}

/**
 * Mocha's summary (spec, dot, list and min reporters all end with it):
 * "  3 passing (12ms)", "  1 failing", "  2 pending". `undefined` when the
 * output has no "passing" line, i.e. mocha never reached its summary.
 */
export function parseMochaSummary(output: string): TestCounts | undefined {
  const text = stripAnsi(output);
  const count = (word: string) => {
    const matches = [...text.matchAll(new RegExp(`^\\s*(\\d+) ${word}\\b`, "gm"))];
    return matches.reduce((sum, m) => sum + Number(m[1]), 0);
  };
  if (!/^\s*\d+ passing\b/m.test(text)) return undefined;
  return { passed: count("passing"), failed: count("failing"), skipped: count("pending") };
}
