import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { EVERY_STAGE_REPORTS, pipelineOn, reportFiles } from "../helpers/pipeline.js";
import { describe, expect, it, vi } from "vitest";
import type { ExecOutcome } from "../../cli/recording-engine/engine.js";
import { argText } from "../../cli/recording-engine/query.js";
import { recordRun } from "../../cli/recording-engine/run.js";
import * as args from "../../pipeline/modules/go/args.js";
import { NON_ROOT_HOME, NON_ROOT_USER } from "../../pipeline/modules/non-root.js";
import { IMAGES } from "../../pipeline/modules/pins.js";
import { parseBaseline, parseGoBench, serializeBaseline } from "../../pipeline/modules/report/bench.js";
import { TOOL_ENTRYPOINT } from "../../pipeline/modules/tool-exit.js";
import { copyExample, examplePath } from "../helpers/examples.js";
import { haveFixtures, readFixture } from "../helpers/fixtures.js";
import { chainOf, envOf, newFilesOf, wavesOf } from "../helpers/records.js";
import { isScanExec } from "../helpers/scan.js";
import { testsRan } from "../../cli/recording-engine/tests-ran.js";

/**
 * Recorded graphs of the Go toolchain on examples/go-service: the module's
 * code runs unchanged against the recording engine; these tests read the
 * container graph it built and drive its failure paths with real outputs.
 */

const UNIT = args.unitTestArgs({ race: true });

describe("go toolchain graph", () => {
  it("downloads modules from go.mod/go.sum alone, with cache volumes, before copying the source", async () => {
    const { engine, error } = await recordRun(async () => (await pipelineOn(examplePath("go-service"))).test(), testsRan());
    expect(error).toBeUndefined();
    const chain = chainOf(engine.records, UNIT);
    const fields = chain.map((s) => s.field);
    expect(chain[1]).toEqual({ field: "from", args: { address: IMAGES.go } });
    const caches = chain.filter((s) => s.field === "withMountedCache").map((s) => [s.args["path"], s.args["cache"], s.args["owner"]]);
    expect(caches).toEqual([
      ["/go/pkg/mod", { $chain: [{ field: "cacheVolume", args: { key: "go-mod" } }] }, NON_ROOT_USER],
      ["/cache/go-build", { $chain: [{ field: "cacheVolume", args: { key: "go-build" } }] }, NON_ROOT_USER],
    ]);
    expect(envOf(chain)).toMatchObject({ GOCACHE: "/cache/go-build", GOMODCACHE: "/go/pkg/mod", HOME: NON_ROOT_HOME });
    // Every exec runs unprivileged, in a source tree that user owns.
    expect(fields.indexOf("withUser")).toBeLessThan(fields.indexOf("withExec"));
    expect(chain.find((s) => s.field === "withUser")?.args).toEqual({ name: NON_ROOT_USER });
    const copies = chain.filter((s) => s.field === "withDirectory");
    expect(copies.map((s) => s.args["include"])).toEqual([[...args.INSTALL_INPUTS], undefined]);
    expect(copies.map((s) => s.args["owner"])).toEqual([NON_ROOT_USER, NON_ROOT_USER]);
    expect(args.INSTALL_INPUTS).toEqual(expect.arrayContaining(["go.mod", "go.sum"]));
    const download = chain.findIndex((s) => s.field === "withExec" && argText(s.args["args"]) === JSON.stringify(["go", "mod", "download"]));
    expect(fields.indexOf("withDirectory")).toBeLessThan(download);
    expect(fields.lastIndexOf("withDirectory")).toBeGreaterThan(download);
    expect(chain.find((s) => s.field === "withWorkdir")?.args["path"]).toBe("/src");
    // The tool runs under the exit script (its argv unchanged), so a signal exit leaves its reports readable.
    expect(chain.at(-2)).toEqual({ field: "withEntrypoint", args: { args: [...TOOL_ENTRYPOINT] } });
    expect(chain.at(-1)!.args).toEqual({ args: UNIT, useEntrypoint: true, expect: "ANY" });
  });

  it("runs lint, test and property tests concurrently in ci, then the benchmarks alone", async () => {
    const { engine } = await recordRun(async () => (await pipelineOn(examplePath("go-service"))).ci());
    const executions = await engine.executions();
    const [PROPERTY] = args.propertyTestArgs(100);
    // No baseline is committed: one sample per benchmark records the figures.
    const BENCH = args.benchArgs(1);
    const [download, list, property, bench, ...stages] = wavesOf(
      executions,
      ["go", "mod", "download"], args.listTestImportsArgs(), PROPERTY!, BENCH, args.vetArgs(), args.gofmtArgs(), UNIT,
      // The integration stage's listings, which find no test file behind the integration tag here.
      args.listTestFilesArgs(["integration"]), args.listTestFilesArgs([]),
    );
    // Every other stage's first exec was answered in one wave: none waited for another's answer...
    expect(new Set([list, ...stages])).toEqual(new Set([download! + 1]));
    // ...but the property tests wait for the package listing that says which use testing/quick.
    expect(property).toBe(list! + 1);
    // Bench measures after every other exec, as quietly as bench-baseline does.
    const others = executions.filter((e) => e.args.join(" ") !== BENCH.join(" "));
    expect(bench).toBeGreaterThan(Math.max(...others.map((e) => e.wave)));
    // The shared dependency step ran once for all of them, before them.
    // (The scan stage's own execs aside: test/graph/scan.test.ts reads them.)
    expect(executions.filter((e) => !isScanExec(e.args))).toHaveLength(9);
  });

  it("follows pipeline.yaml: no race detector, property iterations, benchmark sample count", async () => {
    const root = copyExample("go-service", {
      "pipeline.yaml": "stages:\n  test: { race: false }\n  propertyTest: { iterations: 250 }\n  bench: { count: 9 }\n",
      // count applies when there is a baseline to compare with.
      ".pipeline/bench-baseline.json": serializeBaseline([{ name: "X", unit: "ns/op", samples: [10, 10, 10, 10, 10] }]),
    });
    const { engine } = await recordRun(async () => (await pipelineOn(root)).ci());
    const commands = engine.executedCommands().map((c) => c.join(" "));
    expect(commands).toContain(args.unitTestArgs({ race: false }).join(" "));
    expect(commands).not.toContain(UNIT.join(" "));
    expect(commands).toContain(args.benchArgs(9).join(" "));
    expect(envOf(chainOf(engine.records, args.listTestImportsArgs()))).toMatchObject({ [args.PROPERTY_ITERATIONS_ENV]: "250" });
  });

  it("runs the testing/quick packages with -quickchecks from pipeline.yaml, the others apart and at the same time", async () => {
    const root = copyExample("go-service", { "pipeline.yaml": "stages:\n  propertyTest: { iterations: 250 }\n" });
    const listing = "example.com/svc testing net/http\nexample.com/svc/semver strings testing testing/quick\nexample.com/svc/api testing\n";
    const { engine, error } = await recordRun(async () => (await pipelineOn(root)).propertyTest(), {
      execOutcome: (argv) => (argv[1] === "list" ? { exitCode: 0, stdout: listing } : undefined),
    });
    expect(error).toBeUndefined();
    const quick = ["go", "test", "-run", args.PROPERTY_TEST_PATTERN, "-json", "example.com/svc/semver", "-args", "-quickchecks=250"];
    const others = ["go", "test", "-run", args.PROPERTY_TEST_PATTERN, "-json", "example.com/svc", "example.com/svc/api"];
    expect(args.propertyTestArgs(250, args.splitQuickPackages(listing))).toEqual([quick, others]);
    const [list, quickWave, othersWave] = wavesOf(await engine.executions(), args.listTestImportsArgs(), quick, others);
    expect([quickWave, othersWave]).toEqual([list! + 1, list! + 1]);
  });

  it("uses golangci-lint's pinned image when the project configures it", async () => {
    const root = copyExample("go-service", { ".golangci.yml": "linters:\n  enable: [errcheck]\n" });
    const { engine } = await recordRun(async () => (await pipelineOn(root)).lint());
    const chain = chainOf(engine.records, args.golangciLintArgs());
    expect(chain[1]!.args["address"]).toBe(IMAGES.golangciLint);
    expect(engine.executedCommands().map((c) => c[0])).not.toContain("gofmt");
  });

  it("runs each stage as a Dagger check: nothing returned, the summary printed", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    try {
      const { result, error } = await recordRun(async () => (await pipelineOn(examplePath("go-service"))).lint());
      expect(error).toBeUndefined();
      expect(result).toBeUndefined();
      expect(log).toHaveBeenCalledTimes(1);
      expect(String(log.mock.calls[0]?.[0])).toContain("| lint | ✅ passed |");
    } finally {
      log.mockRestore();
    }
  });

  it("fails lint with gofmt's file list even though gofmt exits 0", async () => {
    const outcome = (argv: readonly string[]): ExecOutcome | undefined =>
      argv[0] === "gofmt" ? { exitCode: 0, stdout: "internal/semver/range.go\n" } : undefined;
    const { error } = await recordRun(async () => (await pipelineOn(examplePath("go-service"))).lint(), { execOutcome: outcome });
    expect(String(error)).toContain("internal/semver/range.go: not gofmt-formatted (run gofmt -w internal/semver/range.go)");
  });

  it.skipIf(!haveFixtures)("fails ci with the failing test's own lines and still reports every stage", async () => {
    const failing: ExecOutcome = { exitCode: 1, stdout: readFixture("go/test-fail.jsonl") };
    const options = {
      execOutcome: (argv: readonly string[]) => (argv.join(" ") === UNIT.join(" ") ? failing : undefined),
      fileContents: (path: string) => (path === args.COVERPROFILE ? readFixture("go/cover.out") : undefined),
    };
    const root = examplePath("go-service");
    const { error } = await recordRun(async () => (await pipelineOn(root)).ci(), options);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain("❌ Failed**: test (1 of 6 stages)");
    expect(message).toMatch(/FAIL example\.com\/gosample TestJoinFails/);
    expect(message).toContain(`${UNIT.join(" ")} exited with code 1`);
    // Empty outputs elsewhere: no benchmark found is a skip (stages.bench.ifNothingRuns defaults to skip), not a pass.
    expect(message).toContain("| bench | ⏭ skipped |");
    expect(message).toContain(`nothing ran: no benchmarks found by ${args.benchArgs(1).join(" ")} (stages.bench.ifNothingRuns: skip)`);

    const files = await reportFiles(root, options);
    expect(Object.keys(files).sort()).toEqual(EVERY_STAGE_REPORTS);
    expect(files["test/junit.xml"]).toMatch(/<testcase [^>]*name="TestJoinFails"[^>]*>\s*<failure/);
    expect(files["summary.md"]).toContain("| test | ❌ failed |");
    expect(files["test/coverage.md"]).toMatch(/^# Coverage\n\n\*\*\d+\.\d%\*\* of lines \(\d+\/\d+\), threshold 80%/);
    expect(files["test/coverage.md"]).toContain("| `example.com/gosample/calc.go` |");
  });

  it("fails every stage with the install's own error lines when the dependency download fails", async () => {
    const notFound = "go: example.com/missing@v1.0.0: reading https://proxy.golang.org/example.com/missing/@v/v1.0.0.mod: 404 Not Found";
    const { error } = await recordRun(async () => (await pipelineOn(examplePath("go-service"))).ci(), {
      execOutcome: (argv) => (argv.join(" ") === "go mod download" ? { exitCode: 1, stderr: `${notFound}\n` } : undefined),
    });
    const message = String((error as Error).message);
    expect(message).toContain("❌ Failed**: lint, test, integration, propertyTest, scan, bench (6 of 6 stages)");
    // The command and its own output, once per stage (the scan's twice: govulncheck and gosec), not only "did not complete successfully".
    expect(message.split(notFound)).toHaveLength(8);
    expect(message).toContain('process "go mod download" did not complete successfully: exit code: 1');
  });

  it.skipIf(!haveFixtures)("applies the coverage gate to the real coverprofile", async () => {
    const root = copyExample("go-service", { "pipeline.yaml": "stages:\n  test: { coverageThreshold: 95 }\n" });
    const options = {
      execOutcome: (argv: readonly string[]) =>
        argv.join(" ") === UNIT.join(" ") ? { exitCode: 0, stdout: readFixture("go/test-race-cover.jsonl") } : undefined,
      fileContents: (path: string) => (path === args.COVERPROFILE ? readFixture("go/cover.out") : undefined),
    };
    const { error } = await recordRun(async () => (await pipelineOn(root)).test(), options);
    expect(String(error)).toMatch(/coverage \d+(\.\d)?% is below the 95% threshold/);
    writeFileSync(join(root, "pipeline.yaml"), "stages:\n  test: { coverageThreshold: 0 }\n");
    const passing = await recordRun(async () => (await pipelineOn(root)).test(), options);
    expect(passing.error).toBeUndefined();
  });

  it.skipIf(!haveFixtures)("fails bench on a significant regression against the committed baseline", async () => {
    const baseline = serializeBaseline(parseGoBench(readFixture("go-bench/new.txt")));
    const root = copyExample("go-service", { "bench-baseline.json": baseline, "pipeline.yaml": "stages:\n  bench: { baseline: bench-baseline.json }\n" });
    const bench = (stdout: string) => ({
      execOutcome: (argv: readonly string[]) => (argv.join(" ") === args.benchArgs(6).join(" ") ? { exitCode: 0, stdout } : undefined),
    });
    // Against new.txt (benchstat's own golden), old.txt has Encode/format=json 20% slower, p < 0.001.
    const regressed = await recordRun(async () => (await pipelineOn(root)).bench(), bench(readFixture("go-bench/old.txt")));
    expect(String(regressed.error)).toMatch(/regression/i);
    expect(String(regressed.error)).toContain("Encode/format=json");
    // The same samples as the baseline: no significant change.
    const same = await recordRun(async () => (await pipelineOn(root)).bench(), bench(readFixture("go-bench/new.txt")));
    expect(same.error).toBeUndefined();
  });

  it.skipIf(!haveFixtures)("bench-baseline returns the measured samples as a baseline file the bench gate reads back", async () => {
    const root = copyExample("go-service");
    const stdout = readFixture("go-bench/new.txt");
    const bench = { execOutcome: (argv: readonly string[]) => (argv.join(" ") === args.benchArgs(6).join(" ") ? { exitCode: 0, stdout } : undefined) };
    const { engine, error } = await recordRun(async () => (await pipelineOn(root)).benchBaseline().then((f) => f.id()), bench);
    expect(error).toBeUndefined();
    const file = engine.records.filter((r) => r.leaf === "id" && r.steps.some((s) => s.field === "withNewFile")).pop()!;
    const baseline = newFilesOf(file.steps)["bench-baseline.json"]!;
    const measured = parseGoBench(stdout);
    expect(parseBaseline(baseline, "bench-baseline.json")).toEqual(expect.arrayContaining(measured));
    expect(parseBaseline(baseline, "bench-baseline.json")).toHaveLength(measured.length);
    expect(file.steps.at(-2)).toEqual({ field: "file", args: { path: "bench-baseline.json" } });
  });

  it.skipIf(!haveFixtures)("bench-baseline replaces a baseline the current code regresses against", async () => {
    const root = copyExample("go-service", { "bench-baseline.json": serializeBaseline(parseGoBench(readFixture("go-bench/new.txt"))), "pipeline.yaml": "stages:\n  bench: { baseline: bench-baseline.json }\n" });
    const slower = readFixture("go-bench/old.txt");
    const bench = { execOutcome: (argv: readonly string[]) => (argv.join(" ") === args.benchArgs(6).join(" ") ? { exitCode: 0, stdout: slower } : undefined) };
    const { engine, error } = await recordRun(async () => (await pipelineOn(root)).benchBaseline().then((f) => f.id()), bench);
    expect(error).toBeUndefined();
    const file = engine.records.filter((r) => r.leaf === "id" && r.steps.some((s) => s.field === "withNewFile")).pop()!;
    expect(parseBaseline(newFilesOf(file.steps)["bench-baseline.json"]!, "bench-baseline.json")).toHaveLength(parseGoBench(slower).length);
  });

  it("fails only the bench stage on a broken baseline: the other stages keep their reports", async () => {
    const root = copyExample("go-service", { ".pipeline/bench-baseline.json": "{ broken" });
    const bench = { execOutcome: (argv: readonly string[]) => (argv.join(" ") === args.benchArgs(6).join(" ") ? { exitCode: 0, stdout: "BenchmarkX-2 \t 100\t 10 ns/op\n" } : undefined) };
    const files = await reportFiles(root, bench);
    expect(files["summary.md"]).toContain(".pipeline/bench-baseline.json: is not valid JSON");
    expect(files["summary.md"]).toMatch(/\| bench \| ❌ failed/);
    expect(Object.keys(files)).toEqual(expect.arrayContaining(["lint/output.txt", "bench/current.json"]));
  });

  it("names workdir and the fix when the folder does not exist, before anything runs", async () => {
    const root = copyExample("go-service", { "pipeline.yaml": "workdir: services/nope\n" });
    const { engine, error } = await recordRun(async () => (await pipelineOn(root)).ci());
    expect((error as Error).name).toBe("PipelineUserError");
    expect((error as Error).message).toContain('pipeline.yaml: workdir "services/nope" is not a folder of the repository.');
    expect(engine.executedCommands()).toEqual([]);
  });

  it("turns a broken pipeline.yaml into one clear error before anything runs", async () => {
    const root = copyExample("go-service", { "pipeline.yaml": "stages:\n  tset: {}\n" });
    const { engine, error } = await recordRun(async () => (await pipelineOn(root)).ci());
    expect((error as Error).name).toBe("PipelineUserError");
    expect((error as Error).message).toContain('pipeline.yaml:2:3 stages.tset: unknown stage "tset" (did you mean "test"?)');
    expect(engine.executedCommands()).toEqual([]);
  });
});
