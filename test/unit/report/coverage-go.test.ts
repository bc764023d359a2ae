import { describe, expect, it } from "vitest";
import { formatPercent } from "../../../pipeline/modules/report/coverage.js";
import { parseGoCoverprofile } from "../../../pipeline/modules/report/coverage-go.js";
import { describeFixtures, readFixture } from "../../helpers/fixtures.js";

describeFixtures("parseGoCoverprofile on real profiles", () => {
  // go/cover-func.txt is `go tool cover -func=cover.out`: its total is the number to match.
  const goToolTotal = () => /^total:\s+\(statements\)\s+([\d.]+)%$/m.exec(readFixture("go/cover-func.txt"))![1];

  it.each(["go/cover.out", "go/cover-count.out", "go/cover-set.out"])("%s: 4 of 12 statements, the total go tool cover prints", (path) => {
    const summary = parseGoCoverprofile(readFixture(path));
    expect(summary).toMatchObject({ linesCovered: 4, linesValid: 12 });
    expect(formatPercent(summary.percent)).toBe(goToolTotal());
    expect(goToolTotal()).toBe("33.3");
    expect(summary.files.map((f) => [f.path, f.covered, f.total])).toEqual([["example.com/gosample/calc.go", 4, 12]]);
  });

  it("gives per-line hits: the highest count of the blocks on a line", () => {
    const { files } = parseGoCoverprofile(readFixture("go/cover.out"), { modulePath: "example.com/gosample" });
    expect(files[0]!.path).toBe("calc.go");
    const hits = Object.fromEntries(files[0]!.lines!.map((l) => [l.number, l.hits]));
    // calc.go:10.21,11.11 runs twice and 11.11,13.3 once: line 11 shows 2.
    expect(hits).toMatchObject({ 7: 1, 10: 2, 11: 2, 12: 1, 13: 1, 14: 1, 18: 0, 33: 0, 36: 0 });
  });

  it("merges the duplicated blocks of -coverpkg runs: covered when any binary ran it", () => {
    const profile = readFixture("go/cover-count.out");
    const blocks = profile.split("\n").filter((l) => l && !l.startsWith("mode:"));
    // A second test binary that ran nothing but Join's first block (18.47,20.26, 2 statements).
    const second = blocks.map((l) => (l.includes(":18.47,20.26 ") ? l.replace(/ \d+$/, " 3") : l.replace(/ \d+$/, " 0")));
    const merged = parseGoCoverprofile(`${profile}\nmode: count\n${second.join("\n")}\n`);
    expect(merged).toMatchObject({ linesCovered: 6, linesValid: 12, percent: 50 });
    expect(merged.files[0]!.lines!.find((l) => l.number === 10)!.hits).toBe(2);
    expect(merged.files[0]!.lines!.find((l) => l.number === 19)!.hits).toBe(3);
  });
});

describe("parseGoCoverprofile", () => {
  it("ORs set-mode duplicates instead of adding them", () => {
    const summary = parseGoCoverprofile("mode: set\na/x.go:1.1,2.2 1 1\na/x.go:1.1,2.2 1 1\n");
    expect(summary.files[0]!.lines).toEqual([
      { number: 1, hits: 1 },
      { number: 2, hits: 1 },
    ]);
  });

  it("keeps a set-mode block covered when a later binary did not run it", () => {
    const summary = parseGoCoverprofile("mode: set\na/x.go:1.1,2.2 1 1\na/x.go:1.1,2.2 1 0\n");
    expect(summary).toMatchObject({ linesCovered: 1, linesValid: 1 });
    expect(summary.files[0]!.lines!.map((l) => l.hits)).toEqual([1, 1]);
  });

  it.each(["count", "atomic"])("adds up the executions of %s-mode duplicates, as gocovmerge does", (mode) => {
    const summary = parseGoCoverprofile(`mode: ${mode}\na/x.go:1.1,2.2 1 3\na/x.go:4.1,4.9 1 0\na/x.go:1.1,2.2 1 4\n`);
    expect(summary).toMatchObject({ linesCovered: 1, linesValid: 2 });
    expect(summary.files[0]!.lines).toEqual([
      { number: 1, hits: 7 },
      { number: 2, hits: 7 },
      { number: 4, hits: 0 },
    ]);
  });

  it("reads numbers of several digits and a profile with CRLF line ends", () => {
    const profile = "mode: count\na/x.go:10.2,40.3 12 10\na/x.go:41.1,41.9 1 0\n";
    const summary = parseGoCoverprofile(profile);
    expect(summary).toMatchObject({ linesCovered: 12, linesValid: 13 });
    expect(summary.files[0]!.lines!.slice(0, 1)).toEqual([{ number: 10, hits: 10 }]);
    expect(summary.files[0]!.lines).toHaveLength(32);
    expect(parseGoCoverprofile(profile.replaceAll("\n", "\r\n"))).toEqual(summary);
  });

  it("takes a file name whole, whatever characters it holds", () => {
    expect(parseGoCoverprofile("mode: set\nex.com/m/we\u2028ird:name.go:1.1,1.9 1 1\n").files.map((f) => f.path)).toEqual(["ex.com/m/we\u2028ird:name.go"]);
  });

  it("gives no line hits for blocks without statements", () => {
    // `func f() {}` is a block of 0 statements: its lines hold no code to run.
    const summary = parseGoCoverprofile("mode: set\na/x.go:1.12,3.2 0 0\na/x.go:5.1,5.20 1 1\n");
    expect(summary.files[0]).toEqual({ path: "a/x.go", covered: 1, total: 1, lines: [{ number: 5, hits: 1 }] });
  });

  it("strips the module path only from the module's own files", () => {
    const profile = ["mode: set", "example.com/app/a.go:1.1,1.9 1 1", "example.com/lib/b.go:1.1,1.9 1 0", "example.com/application/c.go:1.1,1.9 1 0", ""].join("\n");
    expect(parseGoCoverprofile(profile, { modulePath: "example.com/app" }).files.map((f) => f.path)).toEqual([
      "a.go",
      "example.com/lib/b.go",
      "example.com/application/c.go",
    ]);
    expect(parseGoCoverprofile(profile).files.map((f) => f.path)).toEqual(["example.com/app/a.go", "example.com/lib/b.go", "example.com/application/c.go"]);
  });

  it("reports 0% for a profile without statements, as go tool cover does", () => {
    expect(parseGoCoverprofile("mode: atomic\n")).toEqual({ linesCovered: 0, linesValid: 0, percent: 0, files: [] });
  });

  it("rejects a line that is not a coverprofile block, quoting it", () => {
    expect(() => parseGoCoverprofile("mode: set\nok  example.com/p 0.1s\n")).toThrow('not a Go coverprofile line: "ok  example.com/p 0.1s"');
    expect(() => parseGoCoverprofile("mode: set\na/x.go:1.1,2.2 1 1x\n")).toThrow('not a Go coverprofile line: "a/x.go:1.1,2.2 1 1x"');
  });
});
