import { describe, expect, it } from "vitest";
import { benchGate, compareBenchmarks, MIN_SAMPLES } from "../../../pipeline/modules/report/bench.js";
import { thinSamples } from "../../../pipeline/modules/report/bench-baseline.js";
import type { BenchmarkSamples } from "../../../pipeline/modules/report/model.js";

/**
 * The regression gate's rules at their edges (README "bench"; bench.ts):
 * significant when p < alpha with at least MIN_SAMPLES per side, a regression
 * only beyond the threshold (a change of exactly the threshold passes), and the
 * gate message worst regression first.
 */

const series = (name: string, samples: number[], unit = "ns/op"): BenchmarkSamples => ({ name, unit, samples });
const verdictOf = (base: number[], current: number[], options: Parameters<typeof compareBenchmarks>[2]) => compareBenchmarks([series("X", base)], [series("X", current)], options)[0]!;

describe("the minimum-samples guard", () => {
  it("is 4 per side: 4 + 4 fully separated is significant at 0.05 (p = 2/70), the fewest that can be", () => {
    expect(MIN_SAMPLES).toBe(4);
    const row = verdictOf([100, 101, 102, 103], [200, 201, 202, 203], { thresholdPercent: 5 });
    expect(row).toMatchObject({ verdict: "regression", n: [4, 4], pValue: 2 / 70 });
  });

  it("makes 3 + 3 insignificant even where alpha would let its p = 0.1 through", () => {
    const row = verdictOf([100, 101, 102], [200, 201, 202], { thresholdPercent: 5, alpha: 0.2 });
    expect(row).toMatchObject({ verdict: "insignificant", n: [3, 3] });
    expect(row.pValue).toBeCloseTo(0.1, 12);
  });

  it("applies to each side alone: 3 baseline samples stay insignificant beside 10 current ones (p = 2/286)", () => {
    const current = Array.from({ length: 10 }, (_, i) => 200 + i);
    const row = verdictOf([100, 101, 102], current, { thresholdPercent: 5 });
    expect(row).toMatchObject({ verdict: "insignificant", n: [3, 10] });
    expect(row.pValue).toBeCloseTo(2 / 286, 12);
    expect(verdictOf(current, [300, 301, 302], { thresholdPercent: 5 }).verdict).toBe("insignificant");
  });

  it("takes another minimum when given: 3 + 3 at minSamples 3 and alpha 0.2 is a regression", () => {
    expect(verdictOf([100, 101, 102], [200, 201, 202], { thresholdPercent: 5, alpha: 0.2, minSamples: 3 }).verdict).toBe("regression");
  });
});

describe("the alpha boundary: p < alpha, strictly", () => {
  // 4 + 4 fully separated: p is exactly 2/70 (2 of the C(8,4) = 70 splits are as extreme).
  const base = [100, 101, 102, 103];
  const slower = [200, 201, 202, 203];

  it("is insignificant at alpha = p, significant just above it", () => {
    expect(verdictOf(base, slower, { thresholdPercent: 5, alpha: 2 / 70 }).verdict).toBe("insignificant");
    expect(verdictOf(base, slower, { thresholdPercent: 5, alpha: 2 / 70 + 1e-12 }).verdict).toBe("regression");
  });

  it("defaults to 0.05: 5 + 5 with p = 0.0556 (5 runs one rank apart) is insignificant, 0.0079 is not", () => {
    // One overlap: U = 1, p = 2 * 2/252 = 0.0159; two: U = 2, p = 2 * 4/252 = 0.0317; three: U = 3, p = 2 * 7/252 = 0.0556.
    const row = verdictOf([1, 2, 3, 4, 8], [5, 6, 7, 9, 10], { thresholdPercent: 0 });
    expect(row.pValue).toBeCloseTo(14 / 252, 12);
    expect(row.verdict).toBe("insignificant");
    expect(verdictOf([1, 2, 3, 4, 5], [6, 7, 8, 9, 10], { thresholdPercent: 0 })).toMatchObject({ verdict: "regression", pValue: expect.closeTo(2 / 252, 12) });
  });
});

describe("the threshold boundary: beyond it, not at it", () => {
  // Medians 100 and 125: (125 / 100 - 1) * 100 is exactly 25 in floating point.
  const base = [96, 98, 100, 102, 104];
  const slower = [121, 123, 125, 127, 129];

  it("passes a significant change of exactly the threshold as no-change, and fails one just past it", () => {
    expect(verdictOf(base, slower, { thresholdPercent: 25 })).toMatchObject({ verdict: "no-change", deltaPercent: 25 });
    expect(verdictOf(base, slower, { thresholdPercent: 24.999 }).verdict).toBe("regression");
  });

  it("reads the threshold both ways: an improvement of exactly it is no-change", () => {
    // Medians 100 and 75: -25% exactly.
    expect(verdictOf(base, [71, 73, 75, 77, 79], { thresholdPercent: 25 })).toMatchObject({ verdict: "no-change", deltaPercent: -25 });
    expect(verdictOf(base, [71, 73, 75, 77, 79], { thresholdPercent: 24.999 }).verdict).toBe("improvement");
  });
});

describe("which way is worse", () => {
  it("reads ops and Hz as throughput (higher is better) and everything else as cost", () => {
    const base = [100, 101, 102, 103, 104];
    const fewer = [50, 51, 52, 53, 54];
    for (const unit of ["ops", "Hz", "MB/s", "ops/s"]) expect(compareBenchmarks([series("X", base, unit)], [series("X", fewer, unit)], { thresholdPercent: 5 })[0]!.verdict, unit).toBe("regression");
    for (const unit of ["ns/op", "B/op", "allocs/op", "ms"]) expect(compareBenchmarks([series("X", base, unit)], [series("X", fewer, unit)], { thresholdPercent: 5 })[0]!.verdict, unit).toBe("improvement");
    // And the other way round: more of a throughput unit is an improvement, more of a cost a regression.
    for (const unit of ["ops", "Hz", "MB/s", "ops/s"]) expect(compareBenchmarks([series("X", fewer, unit)], [series("X", base, unit)], { thresholdPercent: 5 })[0]!.verdict, unit).toBe("improvement");
    for (const unit of ["ns/op", "B/op", "allocs/op", "ms"]) expect(compareBenchmarks([series("X", fewer, unit)], [series("X", base, unit)], { thresholdPercent: 5 })[0]!.verdict, unit).toBe("regression");
  });

  it("calls identical samples no-change, but samples that merely share a value compared as usual", () => {
    expect(verdictOf([5, 5, 5, 5], [5, 5, 5, 5], { thresholdPercent: 5 })).toMatchObject({ verdict: "no-change", pValue: 1, deltaPercent: 0 });
    // One current sample equals the baseline's: still a significant +100% change (p = 2 * 7/924, exact with ties).
    expect(verdictOf([5, 5, 5, 5, 5, 5], [5, 10, 10, 10, 10, 10], { thresholdPercent: 5 })).toMatchObject({ verdict: "regression", deltaPercent: 100, pValue: expect.closeTo(14 / 924, 12) });
  });

  it("from a zero baseline median: a rise is +Infinity, a fall to a negative value -Infinity, none 0", () => {
    expect(verdictOf([0, 0, 0, 0, 0], [3, 3, 3, 3, 3], { thresholdPercent: 5 })).toMatchObject({ verdict: "regression", deltaPercent: Infinity });
    expect(verdictOf([0, 0, 0, 0, 1], [-3, -3, -3, -3, -3], { thresholdPercent: 5 })).toMatchObject({ verdict: "improvement", deltaPercent: -Infinity });
    expect(verdictOf([0, 0, 0, 0, 1], [0, 0, 0, 0, 0], { thresholdPercent: 5 }).deltaPercent).toBe(0);
  });
});

describe("the gate message", () => {
  it("lists regressions worst first by size, whatever their sign (a throughput regression is negative)", () => {
    const base = [100, 101, 102, 103, 104];
    const rows = compareBenchmarks(
      [series("Small", base), series("Throughput", base, "MB/s"), series("Large", base)],
      // Medians 102 -> 132.6 (+30%), 102 -> 40.8 (-60% MB/s), 102 -> 183.6 (+80%).
      [series("Small", base.map((v) => v * 1.3)), series("Throughput", base.map((v) => v * 0.4), "MB/s"), series("Large", base.map((v) => v * 1.8))],
      { thresholdPercent: 10 },
    );
    expect(benchGate(rows)).toEqual({
      passed: false,
      message: "3 benchmark regressions: Large ns/op +80.00% (p=0.008), Throughput MB/s -60.00% (p=0.008), Small ns/op +30.00% (p=0.008)",
    });
  });

  it("orders the regressions by size whatever order the benchmarks came in", () => {
    const base = [100, 101, 102, 103, 104];
    const rows = compareBenchmarks(
      [series("Large", base), series("Small", base), series("Middle", base)],
      [series("Large", base.map((v) => v * 1.8)), series("Small", base.map((v) => v * 1.3)), series("Middle", base.map((v) => v * 1.5))],
      { thresholdPercent: 10 },
    );
    expect(benchGate(rows).message).toBe("3 benchmark regressions: Large ns/op +80.00% (p=0.008), Middle ns/op +50.00% (p=0.008), Small ns/op +30.00% (p=0.008)");
  });

  it("names a single regression in the singular", () => {
    const rows = compareBenchmarks([series("X", [1, 2, 3, 4, 5])], [series("X", [10, 20, 30, 40, 50])], { thresholdPercent: 10 });
    expect(benchGate(rows).message).toBe("1 benchmark regression: X ns/op +900.00% (p=0.008)");
  });
});

describe("thinSamples", () => {
  it("keeps exactly max samples as recorded, in their order", () => {
    const samples = Array.from({ length: 100 }, (_, i) => (i * 37) % 100);
    expect(thinSamples(samples, 100)).toEqual(samples);
  });

  it("picks the order statistics nearest to evenly spaced ranks: round(i * (n - 1) / (max - 1))", () => {
    // 0..999 thinned to 100: rank i * 999 / 99 rounded, e.g. 50 * 999 / 99 = 504.55 -> 505, 1 * 999 / 99 = 10.09 -> 10.
    const thin = thinSamples(Array.from({ length: 1000 }, (_, i) => 999 - i), 100);
    expect(thin.slice(0, 4)).toEqual([0, 10, 20, 30]);
    expect(thin[50]).toBe(505);
    expect(thin[98]).toBe(989);
    expect(thin[99]).toBe(999);
    // 0..9 thinned to 4: ranks 0, 3, 6, 9 exactly; to 3: 0, 4.5 -> 5 (round half up), 9.
    expect(thinSamples([9, 8, 7, 6, 5, 4, 3, 2, 1, 0], 4)).toEqual([0, 3, 6, 9]);
    expect(thinSamples([9, 8, 7, 6, 5, 4, 3, 2, 1, 0], 3)).toEqual([0, 5, 9]);
  });
});
