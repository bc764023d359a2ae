import { describe, expect, it } from "vitest";
import { parseCoveragePyJson } from "../../../pipeline/modules/report/coverage-py.js";
import { describeFixtures, readFixture } from "../../helpers/fixtures.js";

describeFixtures("parseCoveragePyJson on coverage.py 6.5's report", () => {
  it("reads totals and per-file counts from the summaries", () => {
    const summary = parseCoveragePyJson(readFixture("python/coverage.json"));
    expect(summary).toMatchObject({ linesCovered: 9, linesValid: 10, percent: 90 });
    expect(summary.files.map((f) => [f.path, f.covered, f.total])).toEqual([["sample/__init__.py", 9, 10]]);
    // executed_lines also lists line 1, which the summary does not count as a statement.
    expect(summary.files[0]!.lines!.map((l) => l.number)).toEqual([1, 4, 5, 8, 9, 10, 11, 12, 13, 16, 17]);
    expect(summary.files[0]!.lines!.at(-1)).toEqual({ number: 17, hits: 0 });
  });
});

describe("parseCoveragePyJson", () => {
  it("keeps coverage.py's own percent, which counts branches when branch coverage is on", () => {
    const text = JSON.stringify({ totals: { covered_lines: 8, num_statements: 10, percent_covered: 72.5 }, files: {} });
    expect(parseCoveragePyJson(text)).toEqual({ linesCovered: 8, linesValid: 10, percent: 72.5, files: [] });
  });

  it("explains what is wrong with other input", () => {
    expect(() => parseCoveragePyJson("{")).toThrow(/^not a coverage.py JSON report: /);
    expect(() => parseCoveragePyJson('{"files": {}}')).toThrow("not a coverage.py JSON report: no `totals` object");
  });
});
