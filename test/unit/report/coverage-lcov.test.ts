import { describe, expect, it } from "vitest";
import { formatPercent } from "../../../pipeline/modules/report/coverage.js";
import { parseLcov } from "../../../pipeline/modules/report/coverage-lcov.js";
import { describeFixtures, readFixture } from "../../helpers/fixtures.js";

describeFixtures("parseLcov on node --test's tracefile", () => {
  it("counts DA lines per file and in total, matching node's own coverage table", () => {
    const summary = parseLcov(readFixture("node/node-test-lcov.info"));
    expect(summary.files.map((f) => [f.path, f.covered, f.total])).toEqual([
      ["math.js", 11, 13],
      ["test/math.test.js", 21, 22],
    ]);
    expect(summary).toMatchObject({ linesCovered: 32, linesValid: 35 });
    // node-test-coverage-tap.txt is the same run's table: "all files | 91.43 |" (line %).
    const allFiles = /# all files\s+\|\s+([\d.]+)/.exec(readFixture("node/node-test-coverage-tap.txt"))![1];
    expect(summary.percent.toFixed(2)).toBe(allFiles);
    expect(formatPercent(summary.percent)).toBe("91.4");
    expect(summary.files[0]!.lines!.filter((l) => l.hits === 0).map((l) => l.number)).toEqual([12, 13]);
  });
});

describe("parseLcov", () => {
  it("adds up the hits of one file recorded by several tests", () => {
    const text = "TN:a\nSF:src/x.js\nDA:1,1\nDA:2,0\nLF:2\nLH:1\nend_of_record\nTN:b\nSF:src/x.js\nDA:2,3\nDA:3,0\nend_of_record\n";
    const summary = parseLcov(text);
    expect(summary.files).toEqual([
      { path: "src/x.js", covered: 2, total: 3, lines: [{ number: 1, hits: 1 }, { number: 2, hits: 3 }, { number: 3, hits: 0 }] },
    ]);
  });

  it("falls back to LF/LH when a record has no DA lines", () => {
    expect(parseLcov("SF:a.js\nLF:10\nLH:7\nend_of_record\n")).toMatchObject({ linesCovered: 7, linesValid: 10, percent: 70 });
  });

  it("rejects text without any SF record, accepts an empty or blank file", () => {
    expect(() => parseLcov("<coverage/>")).toThrow("not an LCOV tracefile");
    expect(parseLcov("")).toMatchObject({ linesValid: 0, percent: 0 });
    expect(parseLcov("\n  \n\t\n")).toEqual({ linesCovered: 0, linesValid: 0, percent: 0, files: [] });
  });

  it("reads a tracefile with CRLF line ends as the same one with LF", () => {
    const text = "TN:\nSF:src/x.js\nDA:1,1\nDA:2,0\nend_of_record\nSF:src/y.js\nLF:4\nLH:3\nend_of_record\n";
    expect(parseLcov(text.replaceAll("\n", "\r\n"))).toEqual(parseLcov(text));
    expect(parseLcov(text).files.map((f) => [f.path, f.covered, f.total])).toEqual([
      ["src/x.js", 1, 2],
      ["src/y.js", 3, 4],
    ]);
  });

  it("counts only what lies inside a record, from SF: to end_of_record", () => {
    const text = "SF:a.js\nDA:1,1\nend_of_record\nDA:2,1\nLF:9\nLH:9\nSF:b.js\nDA:1,0\nend_of_record\n";
    expect(parseLcov(text).files).toEqual([
      { path: "a.js", covered: 1, total: 1, lines: [{ number: 1, hits: 1 }] },
      { path: "b.js", covered: 0, total: 1, lines: [{ number: 1, hits: 0 }] },
    ]);
  });

  it("takes the line totals from LF/LH alone, not from the function and branch totals beside them", () => {
    const text = "SF:a.js\nFNF:3\nFNH:2\nBRF:6\nBRH:5\nLF:10\nLH:7\nend_of_record\n";
    expect(parseLcov(text)).toEqual({ linesCovered: 7, linesValid: 10, percent: 70, files: [{ path: "a.js", covered: 7, total: 10 }] });
  });

  it("skips a DA: line without a line number and a hit count", () => {
    const text = "SF:a.js\nDA:1,1\nDA:2\nDA:x,1\nDA:3,many\nDA:4.5,1\nDA:5,0,b3e1f\nend_of_record\n";
    expect(parseLcov(text).files[0]!.lines).toEqual([
      { number: 1, hits: 1 },
      { number: 5, hits: 0 },
    ]);
  });

  it("gives the line hits ascending by line, whatever order the records list them in", () => {
    const text = "TN:a\nSF:a.js\nDA:9,1\nDA:2,0\nend_of_record\nTN:b\nSF:a.js\nDA:5,2\nDA:1,1\nend_of_record\n";
    expect(parseLcov(text).files[0]!.lines!.map((l) => l.number)).toEqual([1, 2, 5, 9]);
  });
});
