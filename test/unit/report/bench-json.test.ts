import { describe, expect, it } from "vitest";
import { parsePytestBenchmark, parseTinybench, parseVitestBench } from "../../../pipeline/modules/report/bench-json.js";

// No real reports of these tools are in shared/fixtures: these inputs follow
// the shapes pytest-benchmark 4, tinybench 2/3 and vitest 4 (createBenchmarkJsonReport) write.

describe("parsePytestBenchmark", () => {
  const report = {
    machine_info: { python_version: "3.11.2" },
    benchmarks: [
      { group: null, name: "test_add", fullname: "tests/test_bench.py::test_add", stats: { min: 1e-7, median: 1.2e-7, mean: 1.3e-7, rounds: 5, data: [1.1e-7, 1.2e-7, 1.2e-7, 1.3e-7, 1.7e-7] } },
      { group: null, name: "test_clamp[10]", fullname: "tests/test_bench.py::test_clamp[10]", stats: { min: 2e-7, median: 2.5e-7, mean: 2.6e-7, rounds: 1000 } },
    ],
    version: "4.0.0",
  };

  it("takes the raw rounds when present, else the median as a single sample", () => {
    expect(parsePytestBenchmark(JSON.stringify(report))).toEqual([
      { name: "tests/test_bench.py::test_add", unit: "s", samples: [1.1e-7, 1.2e-7, 1.2e-7, 1.3e-7, 1.7e-7] },
      { name: "tests/test_bench.py::test_clamp[10]", unit: "s", samples: [2.5e-7] },
    ]);
  });

  it("says what is wrong with other JSON", () => {
    expect(() => parsePytestBenchmark("[]")).toThrow("not a pytest-benchmark JSON report: no `benchmarks` array");
    expect(() => parsePytestBenchmark("nope")).toThrow(/^not a pytest-benchmark JSON report: /);
  });
});

describe("parseTinybench", () => {
  it("reads an array of tasks with result.samples in ms (tinybench 2)", () => {
    const tasks = [
      { name: "sort", result: { samples: [0.5, 0.52, 0.49], mean: 0.503, sd: 0.01, p99: 0.52 } },
      { name: "summary only", result: { mean: 1.5, p99: 2 } },
    ];
    expect(parseTinybench(JSON.stringify(tasks))).toEqual([
      { name: "sort", unit: "ms", samples: [0.5, 0.52, 0.49] },
      { name: "summary only", unit: "ms", samples: [1.5] },
    ]);
  });

  it("reads { tasks } and name-keyed objects, and tinybench 3's result.latency", () => {
    const v3 = { tasks: [{ name: "parse", result: { latency: { samples: [2, 3], p50: 2.5, mean: 2.5 } } }] };
    expect(parseTinybench(JSON.stringify(v3))).toEqual([{ name: "parse", unit: "ms", samples: [2, 3] }]);
    const keyed = { stringify: { result: { samples: [4, 5] } }, parse: { p50: 7 } };
    expect(parseTinybench(JSON.stringify(keyed))).toEqual([
      { name: "stringify", unit: "ms", samples: [4, 5] },
      { name: "parse", unit: "ms", samples: [7] },
    ]);
  });

  it("rejects a JSON scalar", () => {
    expect(() => parseTinybench("42")).toThrow("not a tinybench JSON report: expected an array or object of tasks");
  });
});

describe("parseVitestBench", () => {
  it("reads files > groups > benchmarks; vitest empties samples, so the median stands alone", () => {
    const report = {
      files: [
        {
          filepath: "/src/bench/math.bench.ts",
          groups: [{ fullName: "bench/math.bench.ts > clamp", benchmarks: [{ id: "1", name: "in range", rank: 1, mean: 0.0021, median: 0.002, p99: 0.004, sampleCount: 1000, samples: [] }] }],
        },
      ],
    };
    expect(parseVitestBench(JSON.stringify(report))).toEqual([{ name: "bench/math.bench.ts > clamp > in range", unit: "ms", samples: [0.002] }]);
  });

  it("rejects a report without files", () => {
    expect(() => parseVitestBench("{}")).toThrow("not a vitest bench JSON report: no `files` array");
  });
});

describe("what a report's fields may hold", () => {
  it("takes raw samples only when there is at least one and every one is a finite number, else the summary", () => {
    // JSON.parse reads 1e999 as Infinity: not a timing.
    const withData = (data: string) => parsePytestBenchmark(`{"benchmarks": [{"name": "t", "stats": {"median": 2, "data": ${data}}}]}`)[0]!.samples;
    expect(withData("[1, 3]")).toEqual([1, 3]);
    expect(withData("[]")).toEqual([2]);
    expect(withData('[1, "3"]')).toEqual([2]);
    expect(withData("[1, 1e999]")).toEqual([2]);
    expect(withData("[1e999]")).toEqual([2]);
  });

  it("passes over a summary value that is not a finite number to the next one, and keeps no sample when none is", () => {
    expect(parsePytestBenchmark('{"benchmarks": [{"name": "t", "stats": {"median": 1e999, "mean": 3}}]}')[0]!.samples).toEqual([3]);
    expect(parsePytestBenchmark('{"benchmarks": [{"name": "t", "stats": {"median": "2", "mean": 3}}]}')[0]!.samples).toEqual([3]);
    expect(parsePytestBenchmark('{"benchmarks": [{"name": "t"}]}')).toEqual([{ name: "t", unit: "s", samples: [] }]);
    expect(parseTinybench('[{"name": "t", "result": {"p50": 1e999, "median": 4}}]')[0]!.samples).toEqual([4]);
  });

  it("names a benchmark by a string or number field, and `?` otherwise", () => {
    const names = parsePytestBenchmark('{"benchmarks": [{"name": 7}, {"name": {"x": 1}}, {"stats": {}}, {"name": "n", "fullname": "f::n"}]}').map((b) => b.name);
    expect(names).toEqual(["7", "?", "?", "f::n"]);
  });

  it("skips entries that are not objects, wherever a list of them is expected", () => {
    expect(parsePytestBenchmark('{"benchmarks": [null, 3, "x", [1], {"name": "t", "stats": {"median": 1}}]}')).toEqual([{ name: "t", unit: "s", samples: [1] }]);
    expect(parseTinybench('[null, 3, {"name": "t", "result": {"samples": [1]}}]')).toEqual([{ name: "t", unit: "ms", samples: [1] }]);
    const vitest = { files: [null, 1, { groups: [null, { fullName: "g", benchmarks: [null, 2, { name: "b", median: 5 }] }] }, { groups: "none" }, { groups: [{ fullName: "h", benchmarks: {} }] }] };
    expect(parseVitestBench(JSON.stringify(vitest))).toEqual([{ name: "g > b", unit: "ms", samples: [5] }]);
  });

  it("names a vitest benchmark by itself when its group has no name", () => {
    const report = { files: [{ groups: [{ benchmarks: [{ name: "b", median: 5 }] }] }] };
    expect(parseVitestBench(JSON.stringify(report))).toEqual([{ name: "b", unit: "ms", samples: [5] }]);
  });

  it("says which report it expected and what JSON.parse found wrong with text that is not JSON", () => {
    for (const [parse, format] of [[parsePytestBenchmark, "pytest-benchmark"], [parseTinybench, "tinybench"], [parseVitestBench, "vitest bench"]] as const) {
      expect(() => parse("nope")).toThrow(new RegExp(`^not a ${format} JSON report: .*JSON`));
    }
  });

  it("refuses a pytest-benchmark or vitest report whose list is not an array", () => {
    expect(() => parsePytestBenchmark('{"benchmarks": {"t": {}}}')).toThrow("not a pytest-benchmark JSON report: no `benchmarks` array");
    expect(() => parseVitestBench('{"files": {}}')).toThrow("not a vitest bench JSON report: no `files` array");
  });
});
