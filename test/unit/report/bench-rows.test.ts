import { describe, expect, it } from "vitest";
import { benchComparisonMarkdown, benchGate, compareBenchmarks, higherIsBetter, mergeBenchmarkRuns, type BenchComparisonRow } from "../../../pipeline/modules/report/bench.js";
import type { BenchmarkSamples } from "../../../pipeline/modules/report/model.js";

/**
 * The comparison's rows and their table (bench.ts): rows keep the package, a side without samples
 * cannot be tested, repeated runs join in order, and the table names packages only when they differ.
 */

const series = (name: string, samples: number[], extra: Partial<BenchmarkSamples> = {}): BenchmarkSamples => ({ name, unit: "ns/op", samples, ...extra });
const base = [100, 101, 102, 103, 104];

describe("which units are throughput", () => {
  it("takes a unit ending in /s, or exactly ops or Hz; a /s or ops elsewhere in the unit is a cost", () => {
    expect(["MB/s", "B/S", "ops", "OPS", "Hz", "hz"].map(higherIsBetter)).toEqual([true, true, true, true, true, true]);
    expect(["ms/sample", "ns/ops", "ops-failed", "hz-drift", "ns/op"].map(higherIsBetter)).toEqual([false, false, false, false, false]);
  });
});

describe("compareBenchmarks' rows", () => {
  it("keep the package of a compared, new and missing benchmark", () => {
    const rows = compareBenchmarks(
      [series("Same", base, { package: "a" }), series("Gone", base, { package: "a" })],
      [series("Same", base, { package: "a" }), series("Fresh", base, { package: "a" })],
      { thresholdPercent: 5 },
    );
    expect(rows.map((r) => [r.name, r.package, r.verdict])).toEqual([
      ["Same", "a", "insignificant"],
      ["Fresh", "a", "new"],
      ["Gone", "a", "missing"],
    ]);
    expect(compareBenchmarks([series("X", base)], [series("X", base)], { thresholdPercent: 5 })[0]).not.toHaveProperty("package");
  });

  it("call a benchmark with no samples on one side insignificant, with the median of the side that has some", () => {
    const [noBase] = compareBenchmarks([series("X", [])], [series("X", base)], { thresholdPercent: 5 });
    expect(noBase).toEqual({ name: "X", unit: "ns/op", baseMedian: null, currentMedian: 102, deltaPercent: null, pValue: null, n: [0, 5], verdict: "insignificant" });
    const [noCurrent] = compareBenchmarks([series("X", base)], [series("X", [])], { thresholdPercent: 5 });
    expect(noCurrent).toEqual({ name: "X", unit: "ns/op", baseMedian: 102, currentMedian: null, deltaPercent: null, pValue: null, n: [5, 0], verdict: "insignificant" });
    const [missing] = compareBenchmarks([series("X", [])], [], { thresholdPercent: 5 });
    expect(missing).toMatchObject({ baseMedian: null, n: [0, 0], verdict: "missing" });
  });
});

describe("mergeBenchmarkRuns", () => {
  it("joins the samples of the same benchmark (package, name and unit) in run order, keeping the others apart", () => {
    const first = [series("X", [1, 2]), series("X", [10], { unit: "B/op" }), series("X", [7], { package: "b" })];
    const second = [series("X", [3]), series("Y", [5])];
    expect(mergeBenchmarkRuns([first, second])).toEqual([series("X", [1, 2, 3]), series("X", [10], { unit: "B/op" }), series("X", [7], { package: "b" }), series("Y", [5])]);
    expect(mergeBenchmarkRuns([])).toEqual([]);
  });

  it("leaves the runs it joins as they were", () => {
    const first = [series("X", [1, 2])];
    mergeBenchmarkRuns([first, [series("X", [3])]]);
    expect(first).toEqual([series("X", [1, 2])]);
  });
});

describe("benchGate's sum-up", () => {
  it("says how many were compared, and nothing more when there were none", () => {
    expect(benchGate([])).toEqual({ passed: true, message: "no benchmark regressions (0 compared)" });
  });
});

describe("benchComparisonMarkdown", () => {
  const row = (name: string, verdict: BenchComparisonRow["verdict"], extra: Partial<BenchComparisonRow> = {}): BenchComparisonRow => ({
    name,
    unit: "ns/op",
    baseMedian: 1,
    currentMedian: 1,
    deltaPercent: 0,
    pValue: 1,
    n: [5, 5],
    verdict,
    ...extra,
  });
  const names = (rows: BenchComparisonRow[]) => benchComparisonMarkdown(rows).split("\n").slice(2, -1).map((l) => l.split(" | ")[0]!.slice(2));

  it("puts the package before the name only when the rows span more than one package", () => {
    expect(names([row("X", "no-change", { package: "a" }), row("Y", "no-change", { package: "b" }), row("Z", "no-change")])).toEqual(["a X", "b Y", "Z"]);
    expect(names([row("X", "no-change", { package: "a" }), row("Y", "no-change", { package: "a" })])).toEqual(["X", "Y"]);
    expect(names([row("X", "no-change", { package: "a" }), row("Y", "no-change", { package: "b" })])).toEqual(["a X", "b Y"]);
    expect(names([row("X", "no-change")])).toEqual(["X"]);
  });

  it("writes each verdict, a zero delta unsigned, and infinite deltas with their sign", () => {
    const table = benchComparisonMarkdown([
      row("A", "no-change"),
      row("B", "missing", { currentMedian: null, deltaPercent: null, pValue: null, n: [5, 0] }),
      row("C", "regression", { baseMedian: 0, deltaPercent: Infinity }),
      row("D", "improvement", { baseMedian: 0, currentMedian: -1, deltaPercent: -Infinity }),
      row("E", "insignificant", { deltaPercent: -1.5, pValue: 0.5 }),
    ]);
    expect(table.split("\n").slice(2, -1)).toEqual([
      "| A | ns/op | 1 | 1 | 0.00% | 1.000 | 5 | no change |",
      "| B | ns/op | 1 | – | – | – | 5+0 | missing |",
      "| C | ns/op | 0 | 1 | +∞ | 1.000 | 5 | 🔴 regression |",
      "| D | ns/op | 0 | -1 | −∞ | 1.000 | 5 | 🟢 improvement |",
      "| E | ns/op | 1 | 1 | -1.50% | 0.500 | 5 | ~ insignificant |",
    ]);
  });
});
