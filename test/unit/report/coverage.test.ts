import { describe, expect, it } from "vitest";
import { coverageGate, coverageMarkdown, formatPercent, summarizeFiles } from "../../../pipeline/modules/report/coverage.js";

describe("coverageGate", () => {
  it("fails below the threshold with a message naming both numbers", () => {
    expect(coverageGate(72.44, 80)).toEqual({ passed: false, message: "coverage 72.4% is below the 80% threshold" });
  });

  it("passes at or above the threshold", () => {
    expect(coverageGate(80, 80)).toEqual({ passed: true, message: "coverage 80.0% meets the 80% threshold" });
    expect(coverageGate(91.43, 85.5)).toEqual({ passed: true, message: "coverage 91.4% meets the 85.5% threshold" });
  });

  it("judges the percent it shows, so it never prints 80.0% below 80%", () => {
    expect(coverageGate(79.96, 80).passed).toBe(true);
    expect(coverageGate(79.94, 80)).toEqual({ passed: false, message: "coverage 79.9% is below the 80% threshold" });
  });

  it("always passes with a threshold of 0", () => {
    expect(coverageGate(0, 0)).toEqual({ passed: true, message: "coverage 0.0% (no threshold)" });
  });
});

describe("summarizeFiles / formatPercent", () => {
  it("totals files and rounds to one decimal", () => {
    const summary = summarizeFiles([
      { path: "a", covered: 1, total: 3 },
      { path: "b", covered: 1, total: 0 },
    ]);
    expect(summary).toMatchObject({ linesCovered: 2, linesValid: 3 });
    expect(formatPercent(summary.percent)).toBe("66.7");
    expect(formatPercent(100 / 3)).toBe("33.3");
  });
});

describe("coverageMarkdown", () => {
  it("says what the total counts: lines, or the tool's own total with branches", () => {
    const files = [{ path: "app/money.py", covered: 232, total: 235 }];
    expect(coverageMarkdown({ linesCovered: 232, linesValid: 235, percent: (232 / 235) * 100, files }, 80)).toContain(
      "**98.7%** of lines (232/235), threshold 80%",
    );
    expect(coverageMarkdown({ linesCovered: 232, linesValid: 235, percent: (333 / 338) * 100, files }, 0)).toContain(
      "**98.5%** of lines and branches, the tool's own total (lines 232/235)\n",
    );
  });
});
