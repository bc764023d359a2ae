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
    ["null", /^bench\/baseline\.json: must be a JSON object with `version` and `benchmarks`/],
    ["42", /^bench\/baseline\.json: must be a JSON object with `version` and `benchmarks`/],
    ['{"version": 1, "benchmarks": {}}', /has no `benchmarks` array/],
    ['{"version": "1", "benchmarks": []}', /has version "1", expected 1/],
    ['{"version": 1, "benchmarks": [null]}', /: benchmarks\[0\] must be an object\./],
    ['{"version": 1, "benchmarks": [{"name": "A", "unit": "ns/op", "samples": [1]}, 7]}', /: benchmarks\[1\] must be an object\./],
    ['{"version": 1, "benchmarks": [{"name": 7, "unit": "ns/op", "samples": []}]}', /benchmarks\[0\]\.name must be a non-empty string/],
    ['{"version": 1, "benchmarks": [{"name": "X", "unit": "", "samples": []}]}', /benchmarks\[0\]\.unit must be a non-empty string \(e\.g\. "ns\/op"\)/],
    ['{"version": 1, "benchmarks": [{"name": "X", "unit": 1, "samples": []}]}', /benchmarks\[0\]\.unit must be a non-empty string/],
    ['{"version": 1, "benchmarks": [{"name": "X", "unit": "ns/op", "samples": "1,2"}]}', /benchmarks\[0\]\.samples \(X\) must be an array of finite numbers/],
    // JSON has no Infinity, but a number too large for a double parses to it.
    ['{"version": 1, "benchmarks": [{"name": "X", "unit": "ns/op", "samples": [1, 1e999]}]}', /benchmarks\[0\]\.samples \(X\) must be an array of finite numbers/],
    ['{"version": 1, "benchmarks": [{"name": "X", "unit": "ns/op", "samples": [1], "package": 3}]}', /benchmarks\[0\]\.package must be a string\. Fix it/],
  ])("names the file and the problem: %s", (text, message) => {
    expect(() => parseBaseline(text, "bench/baseline.json")).toThrow(message);
  });

  it("reads a package when given, leaves it out when empty, and copies the samples", () => {
    const text = '{"version": 1, "benchmarks": [{"name": "A", "unit": "ns/op", "samples": [1, 2], "package": "p"}, {"name": "B", "unit": "B/op", "samples": [], "package": ""}]}';
    const read = parseBaseline(text, "b.json");
    expect(read).toEqual([{ name: "A", unit: "ns/op", samples: [1, 2], package: "p" }, { name: "B", unit: "B/op", samples: [] }]);
    expect(Object.keys(read[1]!)).toEqual(["name", "unit", "samples"]);
  });

  it("sorts by package, then name, then unit, whatever order it is given", () => {
    const mixed: BenchmarkSamples[] = [
      { name: "B", unit: "ns/op", package: "p", samples: [1] },
      { name: "A", unit: "ns/op", package: "q", samples: [1] },
      { name: "A", unit: "ns/op", package: "p", samples: [1] },
      { name: "A", unit: "B/op", package: "p", samples: [1] },
    ];
    const order = (list: BenchmarkSamples[]) => parseBaseline(serializeBaseline(list), "b.json").map((b) => `${b.package} ${b.name} ${b.unit}`);
    const expected = ["p A B/op", "p A ns/op", "p B ns/op", "q A ns/op"];
    expect(order(mixed)).toEqual(expected);
    expect(order([...mixed].reverse())).toEqual(expected);
  });

  it("sorts a package or name before the longer ones it begins (a before a-b, X before X-2), no package first", () => {
    const list: BenchmarkSamples[] = [
      { name: "X", unit: "ns/op", package: "9fans.net/go", samples: [1] },
      { name: "X-2", unit: "ns/op", package: "a", samples: [1] },
      { name: "X", unit: "ns/op", package: "a-b", samples: [1] },
      { name: "X", unit: "ns/op", package: "a", samples: [1] },
      { name: "X", unit: "ns/op", samples: [1] },
    ];
    const order = parseBaseline(serializeBaseline(list), "b.json").map((b) => `${b.package ?? "-"} ${b.name}`);
    expect(order).toEqual(["- X", "9fans.net/go X", "a X", "a X-2", "a-b X"]);
  });

  it("sorts a long list too (Array.prototype.sort merges runs past a few dozen elements, asking every three-way answer)", () => {
    // 100 names Bench00..Bench99, given in a fixed scrambled order (i * 37 mod 100 visits each once).
    const names = Array.from({ length: 100 }, (_, i) => `Bench${String((i * 37) % 100).padStart(2, "0")}`);
    const list: BenchmarkSamples[] = names.map((name) => ({ name, unit: "ns/op", package: "p", samples: [1] }));
    const written = parseBaseline(serializeBaseline(list), "b.json").map((b) => b.name);
    expect(written).toEqual([...names].sort());
    expect(written[0]).toBe("Bench00");
  });

  it("throws a BaselineError with a stable code", () => {
    try {
      parseBaseline("{}", "b.json");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(BaselineError);
      expect((error as BaselineError).code).toBe("BENCH_BASELINE_INVALID");
      expect((error as BaselineError).name).toBe("BaselineError");
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
