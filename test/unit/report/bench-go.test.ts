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

// The format: https://go.dev/design/14313-benchmark-format ("Benchmark" then the name, the iteration
// count, then value/unit pairs separated by runs of spaces; config lines "key: value", the key lower case).
describe("parseGoBench, by the benchmark format", () => {
  const ns = (name: string, samples: number[], pkg?: string) => ({ name, unit: "ns/op", samples, ...(pkg ? { package: pkg } : {}) });

  it("separates fields by any run of spaces and tabs", () => {
    expect(parseGoBench("pkg:\t  example.com/a\nBenchmarkX-8 \t 10    5  \t ns/op   16\tB/op")).toEqual([
      ns("X", [5], "example.com/a"),
      { name: "X", unit: "B/op", package: "example.com/a", samples: [16] },
    ]);
  });

  it("ignores space around a line: an indented result, a package name followed by trailing blanks", () => {
    expect(parseGoBench("pkg: example.com/a \t\n    BenchmarkX-8 10 5 ns/op")).toEqual([ns("X", [5], "example.com/a")]);
  });

  it("reads lines ended by CRLF as lines ended by LF", () => {
    expect(parseGoBench("pkg: example.com/a\r\nBenchmarkX-8\t10\t5 ns/op\r\nBenchmarkX-8\t10\t6 ns/op\r\n")).toEqual([ns("X", [5, 6], "example.com/a")]);
  });

  it("reads only lines that begin with Benchmark or a lower-case key as results or config", () => {
    const text = "pkg: a\n--- BENCH: pkg: b\nlog BenchmarkY-8 10 7 ns/op\nBenchmarkX-8 10 5 ns/op";
    expect(parseGoBench(text)).toEqual([ns("X", [5], "a")]);
  });

  it("keeps a colon in a sub-benchmark's name, which no config key starts with", () => {
    expect(parseGoBench("BenchmarkEncode/format:json-8 10 5 ns/op")).toEqual([ns("Encode/format:json", [5])]);
  });

  it("strips only the trailing -N, keeping a -N inside a sub-benchmark's name", () => {
    expect(parseGoBench("BenchmarkSum/n-10-8 10 5 ns/op\nBenchmarkSum/n-10 10 6 ns/op").map((b) => [b.name, b.samples])).toEqual([
      ["Sum/n-10", [5]],
      ["Sum/n", [6]],
    ]);
  });

  it("reads value/unit pairs up to a value that is not a number, and drops a value without a unit", () => {
    expect(parseGoBench("BenchmarkX 10 5 ns/op 7")).toEqual([ns("X", [5])]);
    expect(parseGoBench("BenchmarkX 10 5 ns/op fast x 3 B/op")).toEqual([ns("X", [5])]);
  });

  it("forgets the package at a pkg line without a value", () => {
    expect(parseGoBench("pkg: a\npkg:\nBenchmarkX 10 5 ns/op")).toEqual([ns("X", [5])]);
  });
});

describe("parseGoBench on a go test -json stream", () => {
  const event = (fields: Record<string, string>) => JSON.stringify({ Time: "2026-11-23T00:16:23Z", ...fields });

  it("reads the output events of each package in order, skipping events without output and lines that are no event", () => {
    const stream = [
      "", // a leading blank line (stderr merged in front) still leaves a JSON stream
      event({ Action: "start", Package: "a" }),
      event({ Action: "output", Package: "a", Output: "pkg: a\n" }),
      event({ Action: "run", Package: "a", Test: "BenchmarkX" }),
      event({ Action: "output", Package: "a", Output: "BenchmarkX-2   \t" }),
      "# a stderr line",
      event({ Action: "output", Package: "a", Output: " 100\t 5 ns/op\n" }),
      event({ Action: "pass", Package: "a" }),
    ].join("\n");
    expect(parseGoBench(stream)).toEqual([{ name: "X", unit: "ns/op", package: "a", samples: [5] }]);
  });

  it("joins the output of events that name no package as one text", () => {
    const stream = [event({ Action: "output", Output: "BenchmarkX-2 \t" }), event({ Action: "output", Output: " 100\t 5 ns/op\n" })].join("\n");
    expect(parseGoBench(stream)).toEqual([{ name: "X", unit: "ns/op", samples: [5] }]);
  });

  it("starts each package's text on a line of its own, even when the one before stopped mid-line", () => {
    const stream = [event({ Action: "output", Package: "a", Output: "pkg: a\nBenchmarkX-2 \t 100\t 5 ns/op" }), event({ Action: "output", Package: "b", Output: "pkg: b\nBenchmarkX-2 \t 100\t 6 ns/op\n" })].join("\n");
    expect(parseGoBench(stream).map((b) => [b.package, b.samples])).toEqual([
      ["a", [5]],
      ["b", [6]],
    ]);
  });
});
