import { describe, expect, it } from "vitest";
import { parseCobertura, toCobertura } from "../../../pipeline/modules/report/coverage-cobertura.js";
import { parseGoCoverprofile } from "../../../pipeline/modules/report/coverage-go.js";
import { parseCoveragePyJson } from "../../../pipeline/modules/report/coverage-py.js";
import { parseXml, textContent, type XmlElement } from "../../../pipeline/modules/report/xml.js";
import { coberturaProblems } from "../../helpers/cobertura-dtd.js";
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

  const report = (root: string, classes: string, sources = "") =>
    `<coverage${root}>${sources}<packages><package name="p"><classes>${classes}</classes></package></packages></coverage>`;
  const threeOfFour = `<class name="m" filename="money.py"><lines><line number="1" hits="1"/><line number="2" hits="1"/><line number="3" hits="2"/><line number="4" hits="0"/></lines></class>`;

  it("names a class's file by its filename, an older writer's by its name, and rejects a class with neither", () => {
    const xml = report("", '<class name="A" filename="a/A.java"/><class name="b/B.java"/>');
    expect(parseCobertura(xml).files.map((f) => f.path)).toEqual(["a/A.java", "b/B.java"]);
    expect(() => parseCobertura(report("", '<class line-rate="1"/>'))).toThrow(
      "not a Cobertura report: a <class> has neither a filename nor a name attribute",
    );
  });

  it("reads the first <source> trimmed, below the project root however many slashes end either", () => {
    const sources = "<sources><source>\n\t\t\t/src/p/app/core\n\t\t</source><source>/src/p/lib</source></sources>";
    const paths = (root: string, source = sources) => parseCobertura(report("", threeOfFour, source), { projectRoot: root }).files.map((f) => f.path);
    expect(paths("/src/p")).toEqual(["app/core/money.py"]);
    expect(paths("/src/p//", "<sources><source>/src/p/app/core//</source></sources>")).toEqual(["app/core/money.py"]);
    // Without a <source> there is nothing to place the names under.
    expect(paths("/src/p", "")).toEqual(["money.py"]);
  });

  it("keeps an absolute filename as it is, under a project root too", () => {
    const xml = report("", `<class name="x" filename="/opt/lib/x.py"/>${threeOfFour}`, "<sources><source>/src/p/app</source></sources>");
    expect(parseCobertura(xml, { projectRoot: "/src/p" }).files.map((f) => f.path)).toEqual(["/opt/lib/x.py", "app/money.py"]);
  });

  it("skips a line without a line number and lists the lines ascending", () => {
    const xml = report("", '<class name="m" filename="m.py"><lines><line number="9" hits="1"/><line hits="3"/><line number="x" hits="3"/><line number="2" hits="0"/><line number="5"/></lines></class>');
    expect(parseCobertura(xml).files[0]!.lines).toEqual([
      { number: 2, hits: 0 },
      { number: 5, hits: 0 },
      { number: 9, hits: 1 },
    ]);
  });

  it("counts the class lines when the root lacks either count or leaves it empty", () => {
    for (const root of [' lines-covered="1"', ' lines-valid="9"', ' lines-covered="" lines-valid=""', ' lines-covered=" " lines-valid="\t"']) {
      expect(parseCobertura(report(root, threeOfFour)), root).toMatchObject({ linesCovered: 3, linesValid: 4, percent: 75 });
    }
  });

  it("takes the root's line-rate as the percent when it has no counts, the class lines' without one either", () => {
    expect(parseCobertura(report(' line-rate="0.5"', threeOfFour))).toMatchObject({ linesCovered: 3, linesValid: 4, percent: 50 });
    expect(parseCobertura(report("", threeOfFour))).toMatchObject({ linesCovered: 3, linesValid: 4, percent: 75 });
  });

  it("gives 0% for a report that counts no lines, as for any report with nothing measurable", () => {
    const xml = '<coverage lines-valid="0" lines-covered="0" line-rate="1" branches-valid="0" branches-covered="0"><packages/></coverage>';
    expect(parseCobertura(xml)).toEqual({ linesCovered: 0, linesValid: 0, percent: 0, files: [] });
    expect(parseCobertura(xml, { withBranches: true }).percent).toBe(0);
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

describe("toCobertura's document", () => {
  const summary = {
    linesCovered: 3,
    linesValid: 6,
    percent: 50,
    files: [
      { path: "cmd/app/main.go", covered: 2, total: 3, lines: [{ number: 4, hits: 1 }, { number: 5, hits: 2 }, { number: 9, hits: 0 }] },
      { path: "cmd/app/flags.go", covered: 1, total: 3 },
      { path: "doc.go", covered: 0, total: 0, lines: [] },
    ],
  };
  const elements = (e: XmlElement): XmlElement[] => [e, ...e.children.flatMap((c) => (typeof c === "string" ? [] : elements(c)))];

  it("is valid against coverage-04.dtd, rates being fractions of 1", () => {
    const xml = toCobertura(summary, { sourceRoot: "/src/app" });
    expect(coberturaProblems(xml)).toEqual([]);
    const rates = elements(parseXml(xml)).flatMap((e) => [e.attributes["line-rate"], e.attributes["branch-rate"]].filter((r) => r !== undefined).map(Number));
    expect(rates.length).toBeGreaterThan(0);
    for (const rate of rates) expect(rate >= 0 && rate <= 1, String(rate)).toBe(true);
    expect(coberturaProblems(toCobertura({ linesCovered: 0, linesValid: 0, percent: 0, files: [] }))).toEqual([]);
  });

  it("opens with the XML declaration and the DTD it follows", () => {
    const [declaration, doctype] = toCobertura(summary).split("\n");
    // XML 1.0 §2.8: documents should begin with an XML declaration.
    expect(declaration).toMatch(/^<\?xml version="1\.0"[^?]*\?>$/);
    expect(doctype).toBe('<!DOCTYPE coverage SYSTEM "http://cobertura.sourceforge.net/xml/coverage-04.dtd">');
  });

  it("writes one element a line, ending with a newline", () => {
    const xml = toCobertura(summary);
    expect(xml.endsWith(">\n")).toBe(true);
    for (const line of xml.trimEnd().split("\n").slice(2)) expect(line.trim()).toMatch(/^<[^<>]+>$|^<source>[^<>]*<\/source>$/);
  });

  it("writes line elements only for the hits the summary has", () => {
    const classes = elements(parseXml(toCobertura(summary))).filter((e) => e.name === "class");
    const lineCount = (c: XmlElement) => elements(c).filter((e) => e.name === "line").length;
    expect(classes.map((c) => [c.attributes.filename, lineCount(c)])).toEqual([
      ["cmd/app/main.go", 3],
      ["cmd/app/flags.go", 0],
      ["doc.go", 0],
    ]);
  });

  it("names the source root given, the current directory by default, and the timestamp given, 0 by default", () => {
    const sources = (xml: string) => elements(parseXml(xml)).filter((e) => e.name === "source").map(textContent);
    expect(sources(toCobertura(summary))).toEqual(["."]);
    expect(sources(toCobertura(summary, { sourceRoot: "/src/a&b" }))).toEqual(["/src/a&b"]);
    expect(parseXml(toCobertura(summary)).attributes.timestamp).toBe("0");
    expect(parseXml(toCobertura(summary, { timestamp: 1796226395750 })).attributes.timestamp).toBe("1796226395750");
  });
});

describe("the coverage-04.dtd check these tests use", () => {
  const valid = [
    '<?xml version="1.0" ?>',
    '<!DOCTYPE coverage SYSTEM "http://cobertura.sourceforge.net/xml/coverage-04.dtd">',
    '<!-- a comment -->',
    '<coverage lines-valid="2" lines-covered="1" line-rate="0.5" branches-valid="0" branches-covered="0" branch-rate="0" complexity="0" version="6.5.0" timestamp="0">',
    "<sources><source>/src/app</source></sources>",
    '<packages><package name="a" line-rate="0.5" branch-rate="0" complexity="0"><classes>',
    '<class name="b.go" filename="a/b.go" line-rate="0.5" branch-rate="0" complexity="0"><methods/><lines><line number="1" hits="1"/><line number="2" hits="0"/></lines></class>',
    "</classes></package></packages>",
    "</coverage>",
    "",
  ].join("\n");

  it("finds what a validating parser would reject", () => {
    expect(coberturaProblems(valid)).toEqual([]);
    expect(coberturaProblems(valid.replace("<methods/>", ""))).toEqual(["<class> holds lines, not ^methods lines $"]);
    expect(coberturaProblems(valid.replace(' version="6.5.0"', ""))).toEqual(["<coverage> lacks the required version"]);
    expect(coberturaProblems(valid.replace("</classes>", ""))).toEqual([expect.stringMatching(/^<\/package> at offset \d+ closes no open <package>$/)]);
    expect(coberturaProblems(`${valid}trailing`)).toEqual([expect.stringMatching(/^text after the root element/)]);
    expect(coberturaProblems(valid.replace("</coverage>", ""))).toEqual(["<coverage> is never closed"]);
    expect(coberturaProblems(valid.replace("<source>", "<source>a & b"))).toEqual([expect.stringMatching(/^markup XML cannot read/)]);
  });
});
