import { describe, expect, it } from "vitest";
import { parseCobertura, toCobertura } from "../../../pipeline/modules/report/coverage-cobertura.js";
import { parseGoCoverprofile } from "../../../pipeline/modules/report/coverage-go.js";
import { parseCoveragePyJson } from "../../../pipeline/modules/report/coverage-py.js";
import { describeFixtures, readFixture } from "../../helpers/fixtures.js";

describeFixtures("parseCobertura on real reports", () => {
  it("reads c8/istanbul's report exactly from lines-covered/lines-valid, not the rounded line-rate", () => {
    const summary = parseCobertura(readFixture("node/c8-cobertura.xml"));
    const istanbul = JSON.parse(readFixture("node/c8-coverage-summary.json")).total.lines;
    expect(summary).toMatchObject({ linesCovered: istanbul.covered, linesValid: istanbul.total });
    // istanbul writes branch counts too (5/6 here), but its total is lines alone: the default ignores them.
    expect(summary.percent).toBeCloseTo((11 / 13) * 100, 10);
    // istanbul repeats lines under <methods>: counted once, from the class's own <lines>.
    expect(summary.files.map((f) => [f.path, f.covered, f.total, f.lines!.length])).toEqual([["math.js", 11, 13, 13]]);
  });

  it("reads coverage.py's report and agrees with its JSON report of the same run", () => {
    const summary = parseCobertura(readFixture("python/coverage.cobertura.xml"));
    const json = parseCoveragePyJson(readFixture("python/coverage.json"));
    expect(summary).toMatchObject({ linesCovered: 9, linesValid: 10, percent: 90 });
    expect([json.linesCovered, json.linesValid, json.percent]).toEqual([summary.linesCovered, summary.linesValid, summary.percent]);
    expect(summary.files[0]!.lines!.filter((l) => l.hits === 0)).toEqual([{ number: 17, hits: 0 }]);
  });

  it("gives coverage.py's own total withBranches, lines alone when it measured no branches", () => {
    const summary = parseCobertura(readFixture("python/coverage.cobertura.xml"), { withBranches: true });
    const json = JSON.parse(readFixture("python/coverage.json"));
    expect(json.meta.branch_coverage).toBe(false);
    expect(summary).toMatchObject({ linesCovered: 9, linesValid: 10, percent: json.totals.percent_covered });
  });

  it("names files relative to the project root the tool ran in, from coverage.py's <source>", () => {
    // coverage.py ran in /src/pysample with source /src/pysample/sample: __init__.py is sample/__init__.py.
    expect(parseCobertura(readFixture("python/coverage.cobertura.xml"), { projectRoot: "/src/pysample" }).files.map((f) => f.path)).toEqual(["sample/__init__.py"]);
    // c8's <source> is the project root itself: names stay as they are; a source elsewhere is left alone.
    expect(parseCobertura(readFixture("node/c8-cobertura.xml"), { projectRoot: "/src/nodesample" }).files.map((f) => f.path)).toEqual(["math.js"]);
    expect(parseCobertura(readFixture("python/coverage.cobertura.xml"), { projectRoot: "/elsewhere" }).files.map((f) => f.path)).toEqual(["__init__.py"]);
  });

  it("writes Go coverage as Cobertura that reads back with the same totals and line hits", () => {
    const go = parseGoCoverprofile(readFixture("go/cover.out"), { modulePath: "example.com/gosample" });
    const xml = toCobertura(go, { sourceRoot: "/src/gosample" });
    expect(xml).toContain('<coverage lines-valid="12" lines-covered="4" line-rate="0.3333"');
    expect(xml).toContain("<source>/src/gosample</source>");
    expect(xml).toContain('<class name="calc.go" filename="calc.go" line-rate="0.3333"');
    const back = parseCobertura(xml);
    expect(back).toMatchObject({ linesCovered: 4, linesValid: 12 });
    expect(back.files[0]!.lines).toEqual(go.files[0]!.lines);
  });
});

describe("parseCobertura", () => {
  it("uses line-rate when the root has no line counts (older writers)", () => {
    const xml = `<coverage line-rate="0.75"><packages><package name="p"><classes>
      <class name="A" filename="a/A.java"><lines><line number="1" hits="1"/><line number="2" hits="0"/></lines></class>
      <class name="A$1" filename="a/A.java"><lines><line number="2" hits="4"/><line number="3" hits="1"/><line number="4" hits="0"/></lines></class>
    </classes></package></packages></coverage>`;
    const summary = parseCobertura(xml);
    expect(summary.percent).toBe(75);
    // Inner classes share a file: line 2 ran in one of them.
    expect(summary.files).toEqual([
      { path: "a/A.java", covered: 3, total: 4, lines: [{ number: 1, hits: 1 }, { number: 2, hits: 4 }, { number: 3, hits: 1 }, { number: 4, hits: 0 }] },
    ]);
  });

  it("adds branches to lines withBranches, as coverage.py's TOTAL and --cov-fail-under do", () => {
    // The root of a coverage.py 6.5 report with branch = true, whose terminal TOTAL said 98.52% (precision 2).
    const xml = `<coverage version="6.5.0" timestamp="1796226395750" lines-valid="235" lines-covered="232" line-rate="0.9872" branches-valid="103" branches-covered="101" branch-rate="0.9806" complexity="0"><packages/></coverage>`;
    const summary = parseCobertura(xml, { withBranches: true });
    expect(summary).toMatchObject({ linesCovered: 232, linesValid: 235 });
    expect(summary.percent).toBeCloseTo(((232 + 101) / (235 + 103)) * 100, 10);
    expect(summary.percent.toFixed(2)).toBe("98.52");
    expect(parseCobertura(xml).percent).toBeCloseTo((232 / 235) * 100, 10);
  });

  it("rejects other XML", () => {
    expect(() => parseCobertura("<testsuites/>")).toThrow("not a Cobertura report: the root element is <testsuites>, expected <coverage>");
  });
});

describe("toCobertura", () => {
  it("groups files by directory and escapes paths", () => {
    const xml = toCobertura({
      linesCovered: 1,
      linesValid: 3,
      percent: 100 / 3,
      files: [
        { path: "pkg/a&b.go", covered: 1, total: 2, lines: [{ number: 3, hits: 5 }, { number: 4, hits: 0 }] },
        { path: "main.go", covered: 0, total: 1 },
      ],
    });
    expect(xml).toContain('<package name="pkg" line-rate="0.5"');
    expect(xml).toContain('<class name="a&amp;b.go" filename="pkg/a&amp;b.go"');
    expect(xml).toContain('<line number="3" hits="5"/>');
    expect(xml).toContain('<package name="." line-rate="0"');
    expect(parseCobertura(xml).files.map((f) => f.path)).toEqual(["pkg/a&b.go", "main.go"]);
  });
});
