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
    const syntaxError = (() => {
      try {
        JSON.parse("{");
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(() => parseCoveragePyJson("{")).toThrow(`not a coverage.py JSON report: ${syntaxError}`);
    for (const text of ['{"files": {}}', '{"totals": null}', "null", "[]", "90"]) {
      expect(() => parseCoveragePyJson(text), text).toThrow("not a coverage.py JSON report: no `totals` object");
    }
  });

  it("counts a file's executed and missing lines when its summary lacks the counts", () => {
    const text = JSON.stringify({ totals: { percent_covered: 60 }, files: { "app/a.py": { executed_lines: [5, 1, 9], missing_lines: [7, 3] } } });
    expect(parseCoveragePyJson(text).files).toEqual([
      {
        path: "app/a.py",
        covered: 3,
        total: 5,
        lines: [
          { number: 1, hits: 1 },
          { number: 3, hits: 0 },
          { number: 5, hits: 1 },
          { number: 7, hits: 0 },
          { number: 9, hits: 1 },
        ],
      },
    ]);
  });

  it("reads a file that lists only its executed or only its missing lines", () => {
    const text = JSON.stringify({ totals: {}, files: { "ran.py": { executed_lines: [2] }, "never.py": { missing_lines: [4] } } });
    expect(parseCoveragePyJson(text).files).toEqual([
      { path: "ran.py", covered: 1, total: 1, lines: [{ number: 2, hits: 1 }] },
      { path: "never.py", covered: 0, total: 1, lines: [{ number: 4, hits: 0 }] },
    ]);
  });

  it("sums the files when the totals lack the counts, 0% when nothing is measurable", () => {
    const files = {
      "a.py": { summary: { covered_lines: 3, num_statements: 4 }, executed_lines: [1, 2, 3], missing_lines: [4] },
      "b.py": { summary: { covered_lines: 1, num_statements: 4 }, executed_lines: [1], missing_lines: [2, 3, 4] },
    };
    expect(parseCoveragePyJson(JSON.stringify({ totals: {}, files }))).toMatchObject({ linesCovered: 4, linesValid: 8, percent: 50 });
    expect(parseCoveragePyJson(JSON.stringify({ totals: {}, files: { "empty.py": { summary: { covered_lines: 0, num_statements: 0 } } } }))).toMatchObject({
      linesCovered: 0,
      linesValid: 0,
      percent: 0,
    });
    expect(parseCoveragePyJson(JSON.stringify({ totals: {} }))).toEqual({ linesCovered: 0, linesValid: 0, percent: 0, files: [] });
  });
});
