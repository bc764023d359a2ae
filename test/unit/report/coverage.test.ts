import { describe, expect, it } from "vitest";
import { coverageGate, coverageMarkdown, formatPercent, summarizeFiles, underFolder, type FileCoverage } from "../../../pipeline/modules/report/coverage.js";

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

describe("underFolder", () => {
  const summary = summarizeFiles([{ path: "calc.go", covered: 1, total: 2 }]);
  const paths = (dir: string) => underFolder(summary, dir).files.map((f) => f.path);

  it("puts every file under the project's folder, however the folder is written", () => {
    expect(paths("services/api")).toEqual(["services/api/calc.go"]);
    expect(paths("./services/api")).toEqual(["services/api/calc.go"]);
    expect(paths("services/api/")).toEqual(["services/api/calc.go"]);
    expect(paths("services/api//")).toEqual(["services/api/calc.go"]);
    // Only a leading "./" is the current folder: a dot inside a name stays.
    expect(paths("libs/v1.2")).toEqual(["libs/v1.2/calc.go"]);
  });

  it("leaves the paths alone for a project at the repository root", () => {
    for (const root of [".", "./", ""]) expect(underFolder(summary, root)).toEqual(summary);
  });
});

/** The blocks of a Markdown document: what blank lines separate (CommonMark §4). */
const blocksOf = (markdown: string) => markdown.trimEnd().split("\n\n");

/** A GFM table's rows as cells, the header and delimiter rows included. */
const tableCells = (block: string) => block.split("\n").map((row) => row.replace(/^\|\s*|\s*\|$/g, "").split(/\s*\|\s*/));

describe("coverageMarkdown's document", () => {
  const file = (path: string, covered: number, total: number): FileCoverage => ({ path, covered, total });

  it("is a title, the total, then the files' table, each its own block", () => {
    const md = coverageMarkdown(summarizeFiles([file("a.go", 1, 2)]), 0);
    const blocks = blocksOf(md);
    expect(blocks).toHaveLength(3);
    expect(blocks[0]).toMatch(/^# [^\n]+$/);
    expect(blocks[1]).toBe("**50.0%** of lines (1/2)");
    expect(blocks[2]!.startsWith("|")).toBe(true);
    expect(md.endsWith("|\n")).toBe(true);
  });

  it("heads the table with the file, its percent and its lines, the numbers right-aligned (GFM's `---:`)", () => {
    const [header, delimiter] = tableCells(blocksOf(coverageMarkdown(summarizeFiles([file("a.go", 1, 2)]), 0))[2]!);
    expect(header).toEqual(["File", "Covered", "Lines"]);
    expect(delimiter!.map((cell) => /^-{3,}:$/.test(cell))).toEqual([false, true, true]);
    expect(delimiter!.every((cell) => /^:?-{3,}:?$/.test(cell))).toBe(true);
  });

  it("lists the least covered files first, ties by path, and leaves out files without measurable lines", () => {
    const files = [file("a.go", 3, 4), file("c.go", 1, 2), file("generated.go", 0, 0), file("z.go", 0, 4), file("b.go", 1, 2)];
    const rows = tableCells(blocksOf(coverageMarkdown(summarizeFiles(files), 0))[2]!).slice(2);
    expect(rows).toEqual([
      ["`z.go`", "0.0%", "0/4"],
      ["`b.go`", "50.0%", "1/2"],
      ["`c.go`", "50.0%", "1/2"],
      ["`a.go`", "75.0%", "3/4"],
    ]);
  });

  it("has no table when no file has measurable lines, and counts nothing measurable as 0% of lines", () => {
    expect(blocksOf(coverageMarkdown(summarizeFiles([file("doc.go", 0, 0)]), 0))).toEqual(["# Coverage", "**0.0%** of lines (0/0)"]);
    expect(coverageMarkdown(summarizeFiles([]), 50)).toContain("**0.0%** of lines (0/0), threshold 50%\n");
  });

  it("lists the 20 least covered files and says how many better covered ones it left out, after the table", () => {
    const many = (n: number) => summarizeFiles(Array.from({ length: n }, (_, i) => file(`f${String(i).padStart(2, "0")}.go`, i, 30)));
    const twenty = blocksOf(coverageMarkdown(many(20), 0));
    expect(twenty).toHaveLength(3);
    expect(tableCells(twenty[2]!).slice(2)).toHaveLength(20);
    const blocks = blocksOf(coverageMarkdown(many(22), 0));
    const rows = tableCells(blocks[2]!).slice(2);
    expect(rows.map((r) => r[0])).toEqual(Array.from({ length: 20 }, (_, i) => `\`f${String(i).padStart(2, "0")}.go\``));
    // A line right below a GFM table would be read as one more row: the note is a paragraph of its own.
    expect(blocks.slice(3)).toEqual(["…and 2 better covered files."]);
  });
});
