import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mannWhitneyU } from "../../../pipeline/modules/report/stats.js";

/**
 * The two-sided Mann-Whitney U test as benchstat computes it, against
 * references computed apart from the code under test: an exact enumeration
 * here (every way to split the pooled values), and scipy for the normal
 * approximation with its continuity and tie corrections.
 */

/** U of x over y by its definition: pairs where x wins, half for a tie. */
function uStatistic(x: readonly number[], y: readonly number[]): number {
  let u = 0;
  for (const a of x) for (const b of y) u += a > b ? 1 : a === b ? 0.5 : 0;
  return u;
}

/** Every n1-subset of the indices 0..n-1. */
function* subsets(n: number, k: number, from = 0): Generator<number[]> {
  if (k === 0) {
    yield [];
    return;
  }
  for (let i = from; i <= n - k; i++) for (const rest of subsets(n, k - 1, i + 1)) yield [i, ...rest];
}

/**
 * The exact two-sided p-value given the pooled values (ties included): of all
 * C(n, n1) equally likely splits, the share at least as extreme in each tail, doubled, at most 1.
 */
function enumeratedP(x: readonly number[], y: readonly number[]): number {
  const pooled = [...x, ...y];
  const observed = uStatistic(x, y);
  let below = 0;
  let above = 0;
  let total = 0;
  for (const picked of subsets(pooled.length, x.length)) {
    const chosen = new Set(picked);
    const u = uStatistic(picked.map((i) => pooled[i]!), pooled.filter((_, i) => !chosen.has(i)));
    total++;
    if (u <= observed + 1e-9) below++;
    if (u >= observed - 1e-9) above++;
  }
  return Math.min(1, (2 * Math.min(below, above)) / total);
}

describe("mannWhitneyU against an exact enumeration (small samples)", () => {
  // Few distinct values, so ties across and within the samples are common.
  const sample = fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 6 });

  it("gives the enumerated p-value and U = min(U1, U2), with or without ties", () => {
    fc.assert(
      fc.property(sample, sample, (x, y) => {
        const result = mannWhitneyU(x, y);
        const u1 = uStatistic(x, y);
        expect(result.u).toBe(Math.min(u1, x.length * y.length - u1));
        const allEqual = [...x, ...y].every((v) => v === x[0]);
        // benchstat: p = 1 when U sits at the centre n1*n2/2 or every value is equal (nothing to test).
        const expected = allEqual || 2 * u1 === x.length * y.length ? 1 : enumeratedP(x, y);
        expect(result.p).toBeCloseTo(expected, 12);
        expect(result.method).toBe(allEqual || new Set([...x, ...y]).size === x.length + y.length ? "exact" : "exact-ties");
      }),
      { numRuns: 300 },
    );
  });

  it("matches the enumeration on a hand-checked case: 1,2,2 vs 2,3,3,4", () => {
    // U1 = 0 + 0.5 + 0.5 + ... : x=1 beats nothing, each x=2 ties one 2 (0.5 each), so U1 = 1 and U = 1.
    // Of the C(7,3) = 35 splits, the enumeration finds how many have U <= 1; the doubled share is the p.
    const result = mannWhitneyU([1, 2, 2], [2, 3, 3, 4]);
    expect(result).toMatchObject({ u: 1, method: "exact-ties" });
    expect(result.p).toBeCloseTo(enumeratedP([1, 2, 2], [2, 3, 3, 4]), 12);
  });
});

describe("mannWhitneyU, normal approximation (scipy references)", () => {
  // References from scipy 1.17.1:
  //   scipy.stats.mannwhitneyu(x, y, alternative="two-sided", method="asymptotic", use_continuity=True)
  // which uses sigma^2 = n1*n2/12 * ((n + 1) - sum(t^3 - t) / (n*(n - 1))) and |U - n1*n2/2| - 0.5,
  // as benchstat does. The code's normal CDF has a relative error under 1.2e-7: 6 decimals.
  const range = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));

  it("no ties, 55 + 55 (beyond the exact limit of 50): continuity-corrected p = 0.08621190836706934", () => {
    const x = range(55, (i) => i);
    const y = range(55, (i) => i + 5.5);
    const result = mannWhitneyU(x, y);
    expect(result).toMatchObject({ u: 1225, method: "normal" });
    expect(result.p).toBeCloseTo(0.08621190836706934, 6);
    // Without the continuity correction scipy gives 0.08566597232250364: the correction shows.
    expect(Math.abs(result.p - 0.08566597232250364)).toBeGreaterThan(5e-4);
  });

  it("ties, 30 + 30 (beyond the exact-with-ties limit of 25): tie-corrected p = 0.07581905416784061", () => {
    const x = range(30, (i) => i % 7);
    const y = range(30, (i) => (i % 7) + 1);
    const result = mannWhitneyU(x, y);
    // scipy's U1 for x is 330.5, the smaller of 330.5 and 900 - 330.5.
    expect(result).toMatchObject({ u: 330.5, method: "normal" });
    expect(result.p).toBeCloseTo(0.07581905416784061, 6);
  });

  it("ties, 26 + 26 (one past the exact-with-ties limit): p = 0.056357918915923476", () => {
    const result = mannWhitneyU(range(26, (i) => i % 6), range(26, (i) => (i % 6) + 1));
    expect(result.method).toBe("normal");
    expect(result.p).toBeCloseTo(0.056357918915923476, 6);
  });

  it("gives p = 1 at the centre (U = n1*n2/2), where the continuity correction must not push z off 0", () => {
    const x = range(30, (i) => i % 5);
    // 1 to the normal CDF's precision; a continuity correction applied at the centre gives 0.994.
    expect(mannWhitneyU(x, [...x])).toEqual({ u: 450, p: expect.closeTo(1, 6), method: "normal" });
  });
});

describe("mannWhitneyU, where the exact distribution ends", () => {
  const spread = (n: number) => [Array.from({ length: n }, (_, i) => 2 * i), Array.from({ length: n }, (_, i) => 2 * i + 11)] as const;

  it("is exact without ties up to 50 per sample (scipy method='exact': 0.0735352106256962), normal at 51 (0.07613472653341005)", () => {
    const [x50, y50] = spread(50);
    expect(mannWhitneyU(x50, y50)).toMatchObject({ method: "exact", p: expect.closeTo(0.0735352106256962, 9) });
    const [x51, y51] = spread(51);
    expect(mannWhitneyU(x51, y51)).toMatchObject({ method: "normal", p: expect.closeTo(0.07613472653341005, 6) });
  });

  it("is exact without ties at 30 per sample, where the normal approximation would be off (exact 0.02633196030257917, normal 0.0270863)", () => {
    const [x, y] = spread(30);
    expect(mannWhitneyU(x, y)).toMatchObject({ method: "exact", p: expect.closeTo(0.02633196030257917, 9) });
  });

  it("is exact given the ties up to 25 per sample: p = 3344856548/52496099019", () => {
    // Computed with exact fractions in Python: the distribution of the first sample's midrank sum over
    // all C(50, 25) splits, tie groups fixed (a product of binomials per tie group), both tails doubled.
    const result = mannWhitneyU(
      Array.from({ length: 25 }, (_, i) => i % 6),
      Array.from({ length: 25 }, (_, i) => (i % 6) + 1),
    );
    expect(result.method).toBe("exact-ties");
    expect(result.p).toBeCloseTo(3344856548 / 52496099019, 9);
  });
});
