import { describe, expect, it } from "vitest";
import { parseGoBench } from "../../../pipeline/modules/report/bench-go.js";
import { describeFixtures, readFixture } from "../../helpers/fixtures.js";

describeFixtures("parseGoBench on real go test -bench output", () => {
  it("groups -count runs into samples and strips Benchmark and -N like benchstat (go-bench/old.txt)", () => {
    const benches = parseGoBench(readFixture("go-bench/old.txt"));
    expect(benches.map((b) => [b.name, b.unit, b.samples.length, b.package])).toEqual([
      ["Encode/format=json", "ns/op", 10, "golang.org/x/perf/cmd/benchstat/testdata"],
      ["Encode/format=gob", "ns/op", 10, "golang.org/x/perf/cmd/benchstat/testdata"],
    ]);
    expect(benches[0]!.samples.slice(0, 3)).toEqual([1726, 1723, 1707]);
  });

  it("reads ns/op and MB/s of every sub-benchmark (go-bench/crc-old.txt)", () => {
    const benches = parseGoBench(readFixture("go-bench/crc-old.txt"));
    expect(benches).toHaveLength(72);
    expect(new Set(benches.map((b) => b.unit))).toEqual(new Set(["ns/op", "MB/s"]));
    expect(benches.every((b) => b.samples.length === 10 && b.package === "hash/crc32")).toBe(true);
    expect(benches[1]).toEqual({
      name: "CRC32/poly=IEEE/size=15/align=0",
      unit: "MB/s",
      package: "hash/crc32",
      samples: [336.59, 317.29, 336.14, 323.8, 295.9, 327.41, 320.56, 338.48, 314.52, 296.42],
    });
  });

  it("reads -benchmem columns (go/bench.txt, go-bench/benchmem.txt)", () => {
    expect(parseGoBench(readFixture("go/bench.txt"))).toEqual([
      { name: "Join", unit: "ns/op", package: "example.com/gosample", samples: [248.5, 241.5, 250.5, 254.9, 269.3] },
      { name: "Join", unit: "B/op", package: "example.com/gosample", samples: [117, 117, 117, 117, 117] },
      { name: "Join", unit: "allocs/op", package: "example.com/gosample", samples: [4, 4, 4, 4, 4] },
    ]);
    expect(parseGoBench(readFixture("go-bench/benchmem.txt")).map((b) => `${b.name} ${b.samples[0]} ${b.unit}`)).toEqual([
      "IpsHistoryInsert 52568 ns/op",
      "IpsHistoryInsert 24879 B/op",
      "IpsHistoryInsert 494 allocs/op",
      "IpsHistoryLookup 15208 ns/op",
      "IpsHistoryLookup 7369 B/op",
      "IpsHistoryLookup 143 allocs/op",
    ]);
  });

  it("rejoins result lines test2json split over two events (go/bench.jsonl)", () => {
    const [ns] = parseGoBench(readFixture("go/bench.jsonl"));
    expect(ns).toEqual({ name: "Join", unit: "ns/op", package: "example.com/gosample", samples: [247.2, 259.8, 264.4, 256, 244.6] });
  });

  it("reads benchmark lines inside a test's output events (go/test-json/bench.jsonl)", () => {
    expect(parseGoBench(readFixture("go/test-json/bench.jsonl")).map((b) => [b.name, b.samples])).toEqual([
      ["Test", [0.4407]],
      ["OtherTest", [0.2639]],
    ]);
  });
});

describe("parseGoBench", () => {
  it("keeps custom units and names without a GOMAXPROCS suffix, and skips non-result lines", () => {
    const text = [
      "pkg: example.com/a",
      "BenchmarkParse",
      "BenchmarkParse 	 100	 5000 ns/op	 12.5 MB/s	 3.000 widgets/op",
      "--- FAIL: BenchmarkBroken",
      "    x_test.go:9: boom",
      "ok  	example.com/a	1.2s",
    ].join("\n");
    expect(parseGoBench(text)).toEqual([
      { name: "Parse", unit: "ns/op", package: "example.com/a", samples: [5000] },
      { name: "Parse", unit: "MB/s", package: "example.com/a", samples: [12.5] },
      { name: "Parse", unit: "widgets/op", package: "example.com/a", samples: [3] },
    ]);
  });

  it("keeps same-named benchmarks of two packages apart", () => {
    const text = "pkg: a\nBenchmarkX-4 10 1 ns/op\npkg: b\nBenchmarkX-4 10 2 ns/op\nBenchmarkX-4 10 3 ns/op\n";
    expect(parseGoBench(text).map((b) => [b.package, b.samples])).toEqual([
      ["a", [1]],
      ["b", [2, 3]],
    ]);
  });
});
