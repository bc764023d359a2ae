import { describe, expect, it } from "vitest";
import { BaselineError, MAX_BASELINE_SAMPLES, parseBaseline, serializeBaseline, thinSamples } from "../../../pipeline/modules/report/bench-baseline.js";
import type { BenchmarkSamples } from "../../../pipeline/modules/report/model.js";

const benches: BenchmarkSamples[] = [
  { name: "Join", unit: "ns/op", package: "example.com/gosample", samples: [248.5, 241.5] },
  { name: "Add", unit: "ns/op", samples: [1, 2] },
];

describe("serializeBaseline / parseBaseline", () => {
  it("writes a versioned, sorted file with one benchmark per line, and reads it back", () => {
    const text = serializeBaseline(benches);
    expect(text).toBe(
      [
        "{",
        '  "version": 1,',
        '  "benchmarks": [',
        '    {"name":"Add","unit":"ns/op","samples":[1,2]},',
        '    {"package":"example.com/gosample","name":"Join","unit":"ns/op","samples":[248.5,241.5]}',
        "  ]",
        "}",
        "",
      ].join("\n"),
    );
    expect(parseBaseline(text, "bench/baseline.json")).toEqual([benches[1], benches[0]]);
    expect(serializeBaseline([])).toBe('{\n  "version": 1,\n  "benchmarks": []\n}\n');
  });

  it.each([
    ["{", /^bench\/baseline\.json: is not valid JSON \(/],
    ["[]", /^bench\/baseline\.json: must be a JSON object with `version` and `benchmarks`/],
    ['{"version": 2, "benchmarks": []}', /^bench\/baseline\.json: has version 2, expected 1\. Fix it, or delete the file and record a new baseline\.$/],
    ['{"version": 1}', /has no `benchmarks` array/],
    ['{"version": 1, "benchmarks": [{"name": "X", "unit": "ns/op", "samples": [1, "2"]}]}', /benchmarks\[0\]\.samples \(X\) must be an array of finite numbers/],
    ['{"version": 1, "benchmarks": [{"name": "", "unit": "ns/op", "samples": []}]}', /benchmarks\[0\]\.name must be a non-empty string/],
    ['{"version": 1, "benchmarks": [{"name": "X", "samples": []}]}', /benchmarks\[0\]\.unit must be a non-empty string/],
  ])("names the file and the problem: %s", (text, message) => {
    expect(() => parseBaseline(text, "bench/baseline.json")).toThrow(message);
  });

  it("throws a BaselineError with a stable code", () => {
    try {
      parseBaseline("{}", "b.json");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(BaselineError);
      expect((error as BaselineError).code).toBe("BENCH_BASELINE_INVALID");
    }
  });
});

describe("thinSamples", () => {
  it("keeps small samples as they are and large ones as evenly spaced order statistics", () => {
    expect(thinSamples([3, 1, 2])).toEqual([3, 1, 2]);
    const big = Array.from({ length: 5000 }, (_, i) => 5000 - i);
    const thin = thinSamples(big, 100);
    expect(thin).toHaveLength(100);
    expect(thin[0]).toBe(1);
    expect(thin[99]).toBe(5000);
    expect(thin).toEqual([...thin].sort((a, b) => a - b));
    // The median survives the thinning.
    expect(thin[49]! + thin[50]!).toBeCloseTo(5001, -2);
  });

  it("bounds what serializeBaseline writes", () => {
    const text = serializeBaseline([{ name: "Parse", unit: "ms", samples: Array.from({ length: 3000 }, (_, i) => i) }]);
    expect(parseBaseline(text, "b.json")[0]!.samples).toHaveLength(MAX_BASELINE_SAMPLES);
  });
});
