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
