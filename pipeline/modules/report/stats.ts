/**
 * The statistics benchstat uses to compare benchmark runs (golang.org/x/perf
 * with aclements/go-moremath): medians, their confidence intervals from
 * order statistics, and the two-sided Mann-Whitney U test. Benchmark
 * timings are not normal (long right tails), hence rank-based methods.
 */

/** The median; NaN for an empty sample. */
export function median(values: readonly number[]): number {
  // Empty: (undefined + undefined) / 2 is NaN.
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * A distribution-free confidence interval for the median, from order
 * statistics and the binomial(n, 1/2) distribution, grown from the middle
 * outwards (left first on ties) until it reaches `confidence`, as
 * go-moremath's QuantileCI does for n <= 30. Bounds are ±Infinity when the
 * sample is too small for that confidence (n < 6 at 95%).
 */
export function medianConfidenceInterval(values: readonly number[], confidence = 0.95): { lo: number; hi: number; confidence: number } {
  const n = values.length;
  const sorted = [...values].sort((a, b) => a - b);
  // Only the left side is asked past its end (k = -1); the loop never asks for k > n.
  const pmf = (k: number) => (k < 0 ? 0 : Math.exp(logChoose(n, k) - n * Math.LN2));
  // Interval [l, r) of binomial outcomes; outcome k is the gap between sorted[k-1] and sorted[k].
  let l = Math.ceil((n + 1) / 2) - 1;
  let r = l + 1;
  let accumulated = pmf(l);
  // The binomial is symmetric and ties grow left, so the right side is always the last to run out:
  // r <= n is "an outcome is left". It ends the loop when rounding keeps the sum below 1 (n = 11).
  while (accumulated < confidence && r <= n) {
    if (pmf(l - 1) >= pmf(r)) accumulated += pmf(--l);
    else accumulated += pmf(r++);
  }
  const lo = l < 1 ? -Infinity : sorted[l - 1]!;
  const hi = r > n ? Infinity : sorted[r - 1]!;
  return { lo, hi, confidence: Math.min(accumulated, 1) };
}

export interface MannWhitneyResult {
  /** The smaller of U1 and U2 (ties count 0.5). */
  u: number;
  /** Two-sided p-value; 1 when every value is equal (nothing to test). */
  p: number;
  method: "exact" | "exact-ties" | "normal";
}

/**
 * Largest sample sizes for the exact distribution, as go-moremath's
 * MannWhitneyExactLimit and MannWhitneyTiesExactLimit in the version
 * benchstat pins (25 with ties reproduces its p-values on crc-old/new).
 */
const EXACT_LIMIT = 50;
const TIES_EXACT_LIMIT = 25;

/**
 * Two-sided Mann-Whitney U test, computed like benchstat: the exact null
 * distribution for small samples (conditional on the tie pattern when there
 * are ties), else the normal approximation with tie and continuity
 * corrections.
 */
export function mannWhitneyU(x: readonly number[], y: readonly number[]): MannWhitneyResult {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) throw new RangeError("mannWhitneyU needs two non-empty samples");
  const merged = [...x.map((v) => ({ v, first: true })), ...y.map((v) => ({ v, first: false }))].sort((a, b) => a.v - b.v);
  // Tie groups; doubled midranks keep every rank sum an integer.
  const groups: { size: number; rank2: number; fromX: number }[] = [];
  for (let i = 0; i < merged.length; ) {
    let j = i;
    let fromX = 0;
    for (; j < merged.length && merged[j]!.v === merged[i]!.v; j++) if (merged[j]!.first) fromX++;
    groups.push({ size: j - i, rank2: i + 1 + j, fromX });
    i = j;
  }
  const r1Doubled = groups.reduce((s, g) => s + g.rank2 * g.fromX, 0);
  const u1Doubled = r1Doubled - n1 * (n1 + 1);
  const uSmallDoubled = Math.min(u1Doubled, 2 * n1 * n2 - u1Doubled);
  const u = uSmallDoubled / 2;
  if (groups.length === 1) return { u, p: 1, method: "exact" };
  const ties = groups.some((g) => g.size > 1);
  const exactLimit = ties ? TIES_EXACT_LIMIT : EXACT_LIMIT;
  if (n1 <= exactLimit && n2 <= exactLimit) {
    if (uSmallDoubled === n1 * n2) return { u, p: 1, method: ties ? "exact-ties" : "exact" };
    // Both tails at the observed rank sum: with ties the null distribution is
    // not symmetric, so reflecting one tail would make p depend on the order
    // of the two samples.
    const { lower, upper } = exactTails(groups, n1, r1Doubled);
    return { u, p: Math.min(2 * Math.min(lower, upper), 1), method: ties ? "exact-ties" : "exact" };
  }
  const n = n1 + n2;
  const tieCorrection = groups.reduce((s, g) => s + g.size ** 3 - g.size, 0);
  const sigma = Math.sqrt((n1 * n2 * (n + 1 - tieCorrection / (n * (n - 1)))) / 12);
  // u is the smaller U, so u - n1*n2/2 <= 0 (a multiple of 0.5): corrected for continuity towards 0, never past it.
  const z = Math.min(u - (n1 * n2) / 2 + 0.5, 0) / sigma;
  return { u, p: 2 * normalCdf(z), method: "normal" };
}

/**
 * P(R <= r) and P(R >= r) for the doubled rank sum R of the first sample under the null:
 * every choice of which n1 of the N values came from the first sample is
 * equally likely, tie groups fixed. A knapsack over tie groups, counting
 * ways per (values picked, doubled rank sum); counts are floats, exact
 * enough for C(100, 50).
 */
function exactTails(groups: { size: number; rank2: number }[], n1: number, r1Doubled: number): { lower: number; upper: number } {
  const n = groups.reduce((s, g) => s + g.size, 0);
  const width = n * (n + 1) + 1;
  const ways = Array.from({ length: n1 + 1 }, () => new Float64Array(width));
  ways[0]![0] = 1;
  let reach = 0; // highest doubled sum reachable so far: bounds the inner loop
  for (const g of groups) {
    // Descending k reads ways[k - take] before this group updates it.
    for (let k = n1; k >= 1; k--) {
      const into = ways[k]!;
      for (let take = 1; take <= Math.min(g.size, k); take++) {
        const from = ways[k - take]!;
        const factor = Math.exp(logChoose(g.size, take));
        const shift = take * g.rank2;
        for (let sum = reach; sum >= 0; sum--) into[sum + shift]! += from[sum]! * factor;
      }
    }
    reach += g.size * g.rank2;
  }
  let below = 0;
  let above = 0;
  let total = 0;
  ways[n1]!.forEach((count, sum) => {
    total += count;
    if (sum <= r1Doubled) below += count;
    if (sum >= r1Doubled) above += count;
  });
  return { lower: below / total, upper: above / total };
}

function logChoose(n: number, k: number): number {
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log((n - k + i) / i);
  return s;
}

/** Standard normal CDF, from Numerical Recipes' erfc (relative error < 1.2e-7: p-values are shown to 3 decimals). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return z >= 0 ? 1 - erfc / 2 : erfc / 2;
}
