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

  it("rejects text without any SF record, accepts an empty file", () => {
    expect(() => parseLcov("<coverage/>")).toThrow("not an LCOV tracefile");
    expect(parseLcov("")).toMatchObject({ linesValid: 0, percent: 0 });
  });
});
