import { describe, expect, it } from "vitest";
import { parseGoBench } from "../../../pipeline/modules/report/bench-go.js";
import { mannWhitneyU, median, medianConfidenceInterval, normalCdf } from "../../../pipeline/modules/report/stats.js";
import { describeFixtures, readFixture } from "../../helpers/fixtures.js";

/** benchstat's "± x%": the wider side of the median's CI, in percent of the median. */
function ciPercent(samples: number[]): string {
  const m = median(samples);
  const { lo, hi } = medianConfidenceInterval(samples);
  return `${(100 * Math.max(hi / m - 1, 1 - lo / m)).toFixed(0)}%`;
}

/** Rows of benchstat's golden tables: name, old CI, new CI, p. Units in table order (sec/op, then B/s). */
function goldenRows(text: string): { name: string; table: number; oldCi: string; newCi: string; p: string }[] {
  const rows: { name: string; table: number; oldCi: string; newCi: string; p: string }[] = [];
  let table = -1;
  for (const line of text.split("\n")) {
    if (/│\s+(sec\/op|B\/s)\s+│/.test(line)) table++;
    const m = /^(\S+)\s+\S+ ± (\d+%)\s+\S+ ± (\d+%)\s+\S+ \(p=(\d\.\d{3}) n=10\)$/.exec(line);
    if (m) rows.push({ name: m[1]!, table, oldCi: m[2]!, newCi: m[3]!, p: m[4]! });
  }
  return rows;
}

describeFixtures("Mann-Whitney U and median CIs against benchstat's goldens", () => {
  it("reproduces every p-value and ± of `benchstat crc-old.txt crc-new.txt` (72 rows, ties included)", () => {
    const old = parseGoBench(readFixture("go-bench/crc-old.txt"));
    const cur = parseGoBench(readFixture("go-bench/crc-new.txt"));
    const rows = goldenRows(readFixture("benchstat/crc-old-vs-new.txt"));
    expect(rows).toHaveLength(72);
    const units = ["ns/op", "MB/s"];
    const ours = rows.map((row) => {
      const pick = (list: typeof old) => list.find((b) => `${b.name}-8` === row.name && b.unit === units[row.table])!.samples;
      return { ...row, oldCi: ciPercent(pick(old)), newCi: ciPercent(pick(cur)), p: mannWhitneyU(pick(old), pick(cur)).p.toFixed(3) };
    });
    expect(ours).toEqual(rows);
  });

  it("reproduces `benchstat -format csv old.txt new.txt`: p=0.000 and p=0.446", () => {
    const old = parseGoBench(readFixture("go-bench/old.txt"));
    const cur = parseGoBench(readFixture("go-bench/new.txt"));
    const csv = readFixture("benchstat/old-vs-new.csv");
    for (const name of ["Encode/format=json", "Encode/format=gob"]) {
      const golden = new RegExp(`^${name}-48,.*,p=(\\d\\.\\d{3}) n=10$`, "m").exec(csv)![1];
      const p = mannWhitneyU(old.find((b) => b.name === name)!.samples, cur.find((b) => b.name === name)!.samples).p;
      expect(p.toFixed(3), name).toBe(golden);
    }
  });
});

describe("mannWhitneyU", () => {
  it("gives benchstat's minimum p-values for fully separated samples of n = 1..9 (its uTestMinP table)", () => {
    const minP = [1, 0.3333333333333333, 0.1, 0.02857142857142857, 0.007936507936507936, 0.0021645021645021645, 0.0005827505827505828, 0.0001554001554001554, 4.113533525298231e-5];
    minP.forEach((expected, i) => {
      const n = i + 1;
      const x = Array.from({ length: n }, (_, k) => k);
      const y = Array.from({ length: n }, (_, k) => k + 100);
      expect(mannWhitneyU(x, y).p, `n=${n}`).toBeCloseTo(expected, 15);
    });
  });

  it("is two-sided and symmetric, and exact without ties (scipy's exact p for 1,3,5,7,9 vs 2,4,6,8,10 is 0.6905)", () => {
    const a = [1, 3, 5, 7, 9];
    const b = [2, 4, 6, 8, 10];
    expect(mannWhitneyU(a, b)).toEqual({ u: 10, p: expect.closeTo(0.6904761904761905, 12), method: "exact" });
    expect(mannWhitneyU(b, a).p).toBeCloseTo(mannWhitneyU(a, b).p, 12);
  });

  it("uses the exact distribution given the ties for small samples, the normal one beyond 25", () => {
    // Identical constant samples on each side (allocs/op 4 vs 5): only one arrangement is as extreme each way.
    expect(mannWhitneyU([4, 4, 4, 4, 4], [5, 5, 5, 5, 5])).toEqual({ u: 0, p: expect.closeTo(2 / 252, 12), method: "exact-ties" });
    const big = Array.from({ length: 30 }, (_, i) => i % 10);
    expect(mannWhitneyU(big, big.map((v) => v + 0.5)).method).toBe("normal");
  });

  it("returns p = 1 when every value is equal, and refuses empty samples", () => {
    // Every value equal: one tie group, whose exact distribution holds one outcome (U = n1 n2 / 2).
    expect(mannWhitneyU([3, 3], [3, 3, 3])).toEqual({ u: 3, p: 1, method: "exact" });
    expect(() => mannWhitneyU([], [1])).toThrow(RangeError);
  });
});

describe("median, medianConfidenceInterval, normalCdf", () => {
  it("computes medians of odd and even samples", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it("gives an unbounded side when the sample is too small for 95% (n < 6), left-biased like go-moremath", () => {
    expect(medianConfidenceInterval([1, 2, 3, 4, 5])).toMatchObject({ lo: -Infinity, hi: 5, confidence: 31 / 32 });
    const ci = medianConfidenceInterval([1, 2, 3, 4, 5, 6]);
    expect([ci.lo, ci.hi]).toEqual([1, 6]);
    expect(ci.confidence).toBeCloseTo(1 - 2 / 64, 12);
  });

  it("matches the standard normal CDF", () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-3)).toBeCloseTo(0.0013498980316301, 7);
  });

  it("gives the same p-value whichever sample comes first, ties included (found by a property test)", () => {
    expect(mannWhitneyU([1, 1], [1, 1, 2]).p).toBeCloseTo(mannWhitneyU([1, 1, 2], [1, 1]).p, 12);
    expect(mannWhitneyU([1, 1], [1, 1, 2]).p).toBe(1);
  });
});

describe("mannWhitneyU's edges", () => {
  it("refuses an empty sample on either side", () => {
    expect(() => mannWhitneyU([], [1])).toThrow("mannWhitneyU needs two non-empty samples");
    expect(() => mannWhitneyU([1], [])).toThrow("mannWhitneyU needs two non-empty samples");
  });

  it("gives p = 1 at the centre (U = n1*n2/2) with ties too, though the tie pattern's null distribution is not symmetric", () => {
    // Enumerated tails at U = 6 of 12 are 0.4643 and 0.7857: doubled, 0.93 without benchstat's rule.
    expect(mannWhitneyU([3, 0], [2, 1, 2, 1, 2, 2])).toEqual({ u: 6, p: 1, method: "exact-ties" });
  });

  it("uses the exact distribution only while both samples are within the limit: 50 without ties, 25 with", () => {
    const distinct = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);
    const tied = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + (i >> 1));
    expect(mannWhitneyU(distinct(50), distinct(5, 0.5)).method).toBe("exact");
    expect(mannWhitneyU(distinct(51), distinct(5, 0.5)).method).toBe("normal");
    expect(mannWhitneyU(distinct(5, 0.5), distinct(51)).method).toBe("normal");
    expect(mannWhitneyU(tied(25), tied(5)).method).toBe("exact-ties");
    expect(mannWhitneyU(tied(26), tied(5)).method).toBe("normal");
    expect(mannWhitneyU(tied(5), tied(26)).method).toBe("normal");
  });
});

describe("medianConfidenceInterval at other confidences", () => {
  // Order statistics x(l) <= median < x(r) with probability P(l <= B < r), B ~ binomial(n, 1/2).
  it("starts from the middle outcome, left of centre for an odd n, and stops once the confidence is reached", () => {
    expect(medianConfidenceInterval([6, 5, 4, 3, 2, 1], 0.3)).toEqual({ lo: 3, hi: 4, confidence: expect.closeTo(20 / 64, 12) });
    // Exactly 20/64 is enough: reaching the confidence stops the growth.
    const reached = medianConfidenceInterval([1, 2, 3, 4, 5, 6], 0.3).confidence;
    expect(medianConfidenceInterval([1, 2, 3, 4, 5, 6], reached)).toEqual({ lo: 3, hi: 4, confidence: reached });
    expect(medianConfidenceInterval([1, 2, 3, 4, 5], 0.3)).toEqual({ lo: 2, hi: 3, confidence: expect.closeTo(10 / 32, 12) });
  });

  it("grows to the whole real line, both sides unbounded, when even every outcome but the extremes is not enough", () => {
    expect(medianConfidenceInterval([1, 2, 3, 4, 5], 0.99)).toEqual({ lo: -Infinity, hi: Infinity, confidence: expect.closeTo(1, 12) });
  });

  it("at confidence 1 takes every outcome and stops, for every n up to 30, though the binomial's rounded sum can stay below 1", () => {
    for (let n = 1; n <= 30; n++) {
      const sample = Array.from({ length: n }, (_, i) => i);
      expect(medianConfidenceInterval(sample, 1), `n = ${n}`).toEqual({ lo: -Infinity, hi: Infinity, confidence: expect.closeTo(1, 12) });
    }
  });
});
