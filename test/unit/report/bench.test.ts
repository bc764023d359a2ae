import { describe, expect, it } from "vitest";
import { benchComparisonMarkdown, benchGate, compareBenchmarks, higherIsBetter, parseGoBench, type BenchComparisonRow } from "../../../pipeline/modules/report/bench.js";
import type { BenchmarkSamples } from "../../../pipeline/modules/report/model.js";
import { describeFixtures, readFixture } from "../../helpers/fixtures.js";

const series = (name: string, samples: number[], unit = "ns/op"): BenchmarkSamples => ({ name, unit, samples });

describeFixtures("compareBenchmarks against benchstat's verdicts", () => {
  it("old.txt vs new.txt: json is a significant -17.20% (an improvement), gob is ~", () => {
    const rows = compareBenchmarks(parseGoBench(readFixture("go-bench/old.txt")), parseGoBench(readFixture("go-bench/new.txt")), { thresholdPercent: 5 });
    expect(rows.map((r) => [r.name, r.deltaPercent!.toFixed(2), r.pValue!.toFixed(3), r.n, r.verdict])).toEqual([
      ["Encode/format=json", "-17.20", "0.000", [10, 10], "improvement"],
      ["Encode/format=gob", "0.15", "0.446", [10, 10], "insignificant"],
    ]);
    expect(readFixture("benchstat/old-vs-new.csv")).toContain("Encode/format=json-48,1.7180000000000001e-06,1%,1.4225000000000001e-06,1%,-17.20%,p=0.000 n=10");
    expect(rows[0]!.baseMedian).toBe(1718);
    expect(rows[0]!.currentMedian).toBe(1422.5);
  });

  it("crc-old vs crc-new: significant exactly where benchstat prints a delta, worse in the unit's direction", () => {
    const rows = compareBenchmarks(parseGoBench(readFixture("go-bench/crc-old.txt")), parseGoBench(readFixture("go-bench/crc-new.txt")), { thresholdPercent: 0 });
    const golden = readFixture("benchstat/crc-old-vs-new.txt").split("\n");
    let table = -1;
    const expected = new Map<string, string>();
    for (const line of golden) {
      if (/│\s+(sec\/op|B\/s)\s+│/.test(line)) table++;
      const m = /^(\S+)-8\s.*\s(~|[+-][\d.]+%) \(p=/.exec(line);
      // benchstat: sec/op up is worse; B/s up is better.
      if (m) expected.set(`${m[1]} ${table === 0 ? "ns/op" : "MB/s"}`, m[2] === "~" ? "insignificant" : (m[2]!.startsWith("+") === (table === 0)) ? "regression" : "improvement");
    }
    expect(expected.size).toBe(72);
    expect(new Map(rows.map((r) => [`${r.name} ${r.unit}`, r.verdict]))).toEqual(expected);
  });

  it("with a 5% threshold only the +9.58% and +5.37% slowdowns (and their throughput drops) fail the gate", () => {
    const rows = compareBenchmarks(parseGoBench(readFixture("go-bench/crc-old.txt")), parseGoBench(readFixture("go-bench/crc-new.txt")), { thresholdPercent: 5 });
    const gate = benchGate(rows);
    expect(gate.passed).toBe(false);
    expect(gate.message).toBe(
      "4 benchmark regressions: CRC32/poly=Koopman/size=1kB/align=1 ns/op +9.58% (p=0.000), CRC32/poly=Koopman/size=1kB/align=1 MB/s -8.76% (p=0.000), CRC32/poly=Koopman/size=32kB/align=1 ns/op +5.37% (p=0.009), CRC32/poly=Koopman/size=32kB/align=1 MB/s -5.10% (p=0.009)",
    );
  });
});

describe("compareBenchmarks", () => {
  const opts = { thresholdPercent: 5 };

  it("never calls a regression with too few samples, however large the slowdown", () => {
    const [row] = compareBenchmarks([series("X", [1, 2, 3])], [series("X", [100, 200, 300])], opts);
    expect(row).toMatchObject({ verdict: "insignificant", n: [3, 3], deltaPercent: 9900 });
    expect(row!.pValue).toBeCloseTo(0.1, 12);
  });

  it("flags a significant slowdown beyond the threshold, and tolerates one within it", () => {
    const base = series("X", [100, 101, 102, 103, 104]);
    expect(compareBenchmarks([base], [series("X", [120, 121, 122, 123, 124])], opts)[0]!.verdict).toBe("regression");
    expect(compareBenchmarks([base], [series("X", [105, 106, 106.5, 107, 108])], { thresholdPercent: 10 })[0]!.verdict).toBe("no-change");
    expect(compareBenchmarks([base], [series("X", [80, 81, 82, 83, 84])], opts)[0]!.verdict).toBe("improvement");
  });

  it("reads throughput units the other way: less MB/s is a regression", () => {
    const rows = compareBenchmarks([series("X", [500, 501, 502, 503, 504], "MB/s")], [series("X", [400, 401, 402, 403, 404], "MB/s")], opts);
    expect(rows[0]!.verdict).toBe("regression");
    expect([higherIsBetter("MB/s"), higherIsBetter("ops/s"), higherIsBetter("ns/op"), higherIsBetter("B/op")]).toEqual([true, true, false, false]);
  });

  it("honours alpha", () => {
    const base = series("X", [100, 101, 102, 103]);
    const cur = series("X", [120, 121, 122, 123]); // p = 0.0286, the minimum for 4+4
    expect(compareBenchmarks([base], [cur], { ...opts, alpha: 0.05 })[0]!.verdict).toBe("regression");
    expect(compareBenchmarks([base], [cur], { ...opts, alpha: 0.01 })[0]!.verdict).toBe("insignificant");
  });

  it("marks identical samples no-change, and lists new and missing benchmarks", () => {
    const rows = compareBenchmarks(
      [series("Same", [4, 4, 4, 4], "allocs/op"), series("Gone", [1, 2, 3, 4])],
      [series("Same", [4, 4, 4, 4], "allocs/op"), series("Fresh", [5, 6])],
      opts,
    );
    expect(rows.map((r) => [r.name, r.verdict, r.n, r.baseMedian, r.currentMedian])).toEqual([
      ["Same", "no-change", [4, 4], 4, 4],
      ["Fresh", "new", [0, 2], null, 5.5],
      ["Gone", "missing", [4, 0], 2.5, null],
    ]);
  });

  it("keys by package too", () => {
    const a = { ...series("X", [1, 2, 3, 4]), package: "a" };
    const b = { ...series("X", [1, 2, 3, 4]), package: "b" };
    expect(compareBenchmarks([a], [b], opts).map((r) => r.verdict)).toEqual(["new", "missing"]);
  });
});

describe("benchGate and benchComparisonMarkdown", () => {
  const rows: BenchComparisonRow[] = [
    { name: "Encode/format=json", unit: "ns/op", baseMedian: 1718, currentMedian: 1422.5, deltaPercent: -17.2002, pValue: 0.000179, n: [10, 10], verdict: "improvement" },
    { name: "Encode/format=gob", unit: "ns/op", baseMedian: 3065.5, currentMedian: 3070, deltaPercent: 0.1468, pValue: 0.4487, n: [10, 10], verdict: "insignificant" },
    { name: "a|b", unit: "B/op", baseMedian: null, currentMedian: 117, deltaPercent: null, pValue: null, n: [0, 5], verdict: "new" },
  ];

  it("passes without regressions and sums up the verdicts", () => {
    expect(benchGate(rows)).toEqual({ passed: true, message: "no benchmark regressions (3 compared: 1 improvement, 1 insignificant, 1 new)" });
  });

  it("renders a table with medians, deltas, p-values and sample counts", () => {
    expect(benchComparisonMarkdown(rows)).toMatchInlineSnapshot(`
      "| Benchmark | Unit | Baseline | Current | Delta | p | n | Verdict |
      | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |
      | Encode/format=json | ns/op | 1718 | 1423 | -17.20% | 0.000 | 10 | 🟢 improvement |
      | Encode/format=gob | ns/op | 3066 | 3070 | +0.15% | 0.449 | 10 | ~ insignificant |
      | a\\|b | B/op | – | 117 | – | – | 0+5 | 🆕 new |
      "
    `);
    expect(benchComparisonMarkdown([])).toBe("_No benchmarks to compare._\n");
  });
});

describe("compareBenchmarks from a zero baseline", () => {
  it("fails a significant rise from 0 allocs/op, and leaves 0 → 0 unchanged", () => {
    const zero = series("Parse", [0, 0, 0, 0, 0, 0], "allocs/op");
    const [rise] = compareBenchmarks([zero], [series("Parse", [1, 1, 1, 1, 2, 1], "allocs/op")], { thresholdPercent: 10 });
    expect(rise).toMatchObject({ deltaPercent: Infinity, verdict: "regression" });
    expect(benchGate([rise!]).message).toBe("1 benchmark regression: Parse allocs/op +∞ (p=0.002)");
    expect(benchComparisonMarkdown([rise!])).toContain("| 0 | 1 | +∞ |");
    const [same] = compareBenchmarks([zero], [zero], { thresholdPercent: 10 });
    expect(same).toMatchObject({ deltaPercent: 0, verdict: "no-change" });
  });
});
