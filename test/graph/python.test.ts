import { EVERY_STAGE_REPORTS, pipelineOn, reportFiles, stageSummary } from "../helpers/pipeline.js";
import { describe, expect, it } from "vitest";
import type { ExecOutcome } from "../../cli/recording-engine/engine.js";
import { recordRun } from "../../cli/recording-engine/run.js";
import { NON_ROOT_HOME, NON_ROOT_USER } from "../../pipeline/modules/non-root.js";
import { IMAGES, PYTHON_TOOLS } from "../../pipeline/modules/pins.js";
import { TOOL_INPUT_EXCLUDES } from "../../pipeline/modules/project.js";
import * as args from "../../pipeline/modules/python/args.js";
import { checkArgs } from "../../pipeline/modules/python/linters.js";
import { copyExample, examplePath } from "../helpers/examples.js";
import { haveFixtures, readFixture } from "../helpers/fixtures.js";
import { isScanExec } from "../helpers/scan.js";
import { chainOf, envOf, newFilesOf, wavesOf } from "../helpers/records.js";
import { serializeBaseline } from "../../pipeline/modules/report/bench.js";

/**
 * Recorded graphs of the Python toolchain on examples/python-service: the
 * module's code runs unchanged against the recording engine, and these tests
 * read the container graph it built.
 */

const paths = args.reportPaths();
const UNIT = args.unitTestArgs();
/** The default `stages.propertyTest.iterations`. */
const PROPERTY = args.propertyTestArgs(100);

/** A pytest-benchmark JSON document, shaped as --benchmark-json writes it (stats.data holds each round). */
function benchJson(name: string, data: number[]): string {
  const mean = data.reduce((a, b) => a + b, 0) / data.length;
  return JSON.stringify({
    machine_info: {},
    commit_info: {},
    benchmarks: [
      {
        group: null,
        name,
        fullname: `tests/test_bench.py::${name}`,
        params: null,
        param: null,
        extra_info: {},
        options: { disable_gc: true, timer: "perf_counter", min_rounds: 6, max_time: 1.0, min_time: 5e-6, warmup: false },
        stats: { min: Math.min(...data), max: Math.max(...data), mean, rounds: data.length, iterations: 1, data },
      },
    ],
    datetime: "2026-11-23T01:40:00.000000",
    version: "3.2.2",
  });
}

/** Real pytest outputs (../shared/fixtures/python) for the report files the stages read. */
function realReports(path: string): string | undefined {
  if (path === paths.testJunit) return readFixture("python/pytest-pass.junit.xml");
  if (path === paths.coverageXml) return readFixture("python/coverage.cobertura.xml");
  if (path === paths.propertyJunit) return readFixture("python/pytest-pass.junit.xml");
  if (path === paths.integrationJunit) return readFixture("python/pytest-pass.junit.xml");
  if (path === paths.benchJson) return benchJson("test_bench_allocate", [3.1e-4, 3.2e-4, 3.0e-4, 3.3e-4, 3.1e-4, 3.2e-4]);
  return undefined;
}

// These graphs read real tool reports from ../shared/fixtures.
describe.skipIf(!haveFixtures)("python toolchain graph", () => {
  it("installs the pinned tools, then the requirements from the manifests alone, then copies the source", async () => {
    const root = examplePath("python-service");
    const { engine, error } = await recordRun(async () => (await pipelineOn(root)).test(), { fileContents: realReports });
    expect(error).toBeUndefined();

    const chain = chainOf(engine.records, UNIT);
    expect(chain.slice(0, 2)).toEqual([
      { field: "container", args: {} },
      { field: "from", args: { address: IMAGES.python } },
    ]);
    const fields = chain.map((s) => s.field);
    expect(fields).toEqual([
      "container", "from", "withMountedCache", "withEnvVariable", "withEnvVariable", "withEnvVariable",
      "withExec", "withWorkdir", "withDirectory", "withExec",
      "withEnvVariable", "withUser", "withDirectory", "withLabel", "withEntrypoint", "withExec",
    ]);
    expect(chain[2]!.args).toEqual({ path: "/cache/pip", cache: { $chain: [{ field: "cacheVolume", args: { key: "pip" } }] } });
    expect(envOf(chain)).toEqual({ PIP_CACHE_DIR: "/cache/pip", PIP_DISABLE_PIP_VERSION_CHECK: "1", PYTHONDONTWRITEBYTECODE: "1", HOME: NON_ROOT_HOME });
    const execs = chain.filter((s) => s.field === "withExec");
    expect(execs[0]!.args["args"]).toEqual(["pip", "install", ...PYTHON_TOOLS]);
    expect(chain.find((s) => s.field === "withWorkdir")!.args).toEqual({ path: "/src" });

    // The dependency layer sees the manifests only: a code edit cannot invalidate it.
    const [manifests, source] = chain.filter((s) => s.field === "withDirectory");
    // The files pip reads (pyproject.toml is read by the pipeline, which passes its dependencies as arguments).
    expect(manifests!.args["include"]).toEqual(["requirements-dev.txt", "requirements/**", "constraints*.txt"]);
    expect(manifests!.args["exclude"]).toBeUndefined();
    // /src is the tools' user's from the first copy: no root-owned folder the tests cannot write into.
    expect(manifests!.args["owner"]).toBe(NON_ROOT_USER);
    expect(manifests!.args["source"]).toEqual({
      $chain: [{ field: "host", args: {} }, { field: "directory", args: { path: root } }, { field: "filter", args: { exclude: [...TOOL_INPUT_EXCLUDES] } }],
    });
    // The example has requirements-dev.txt but no requirements.txt, and its pyproject.toml declares no dependency.
    expect(execs[1]!.args["args"]).toEqual(["pip", "install", "-r", "requirements-dev.txt"]);

    // Installed as root; the tests run unprivileged, owning the source they write coverage data into.
    expect(chain.find((s) => s.field === "withUser")!.args).toEqual({ name: NON_ROOT_USER });
    expect(source!.args["include"]).toBeUndefined();
    expect(source!.args["exclude"]).toEqual(args.SOURCE_EXCLUDES);
    expect(source!.args["owner"]).toBe(NON_ROOT_USER);
    expect(execs[2]!.args["args"]).toEqual([
      "python", "-m", "pytest", "-p", "no:cacheprovider", "-m", "not property and not integration", "--benchmark-skip",
      "--cov", "--cov-report=term", `--cov-report=xml:${paths.coverageXml}`, `--junitxml=${paths.testJunit}`, "-q",
    ]);
    expect(execs[2]!.args["expect"]).toBe("ANY");
  });

  it("installs requirements.txt alone when that is the only manifest", async () => {
    const root = copyExample("python-service");
    const { rmSync, writeFileSync } = await import("node:fs");
    rmSync(`${root}/pyproject.toml`);
    rmSync(`${root}/requirements-dev.txt`);
    writeFileSync(`${root}/requirements.txt`, "pytest==8.3.4\n");
    const { engine } = await recordRun(async () => (await pipelineOn(root)).test(), { fileContents: realReports });
    const execs = chainOf(engine.records, UNIT).filter((s) => s.field === "withExec").map((s) => s.args["args"]);
    expect(execs).toEqual([["pip", "install", ...PYTHON_TOOLS], ["pip", "install", "-r", "requirements.txt"], UNIT]);
  });

  it("sets hypothesis' max_examples from stages.propertyTest.iterations with the pipeline's pytest plugin", async () => {
    const root = copyExample("python-service", { "pipeline.yaml": "stages:\n  propertyTest:\n    iterations: 37\n" });
    const { engine, error } = await recordRun(async () => (await pipelineOn(root)).propertyTest(), { fileContents: realReports });
    expect(error).toBeUndefined();
    const argv = args.propertyTestArgs(37);
    expect(argv).toEqual([
      "python", "-m", "pytest", "-p", "no:cacheprovider", "-p", "pipeline_hypothesis_iterations", "--pipeline-max-examples=37",
      "-m", "property", "--benchmark-skip", `--junitxml=${paths.propertyJunit}`, "-q",
    ]);
    const chain = chainOf(engine.records, argv);
    // The plugin lives outside the source tree, on PYTHONPATH, written after the source so it changes no shared layer.
    const plugin = args.ITERATIONS_PLUGIN;
    expect(chain.slice(-4).map((s) => s.field)).toEqual(["withNewFile", "withEnvVariable", "withEntrypoint", "withExec"]);
    expect(newFilesOf(chain)).toEqual({ [`${plugin.dir}/${plugin.module}.py`]: plugin.source });
    expect(plugin.dir.startsWith("/src")).toBe(false);
    expect(envOf(chain)["PYTHONPATH"]).toBe(plugin.dir);
    expect(envOf(chain)).not.toHaveProperty("HYPOTHESIS_MAX_EXAMPLES");
  });

  it("skips the property stage when no test is marked property (pytest exit code 5)", async () => {
    const { result, error } = await recordRun(() => stageSummary(examplePath("python-service"), "propertyTest"), {
      execOutcome: (argv) => (argv.includes("property") && !argv.includes("not property") ? { exitCode: 5 } : undefined),
    });
    expect(error).toBeUndefined();
    expect(result).toMatch(/propertyTest \| ⏭ skipped/);
    expect(result).toContain("no tests marked @pytest.mark.property");
  });

  it("runs benchmarks with at least `count` rounds and parses their samples", async () => {
    const benchArgv = (rounds: number) => [
      "python", "-m", "pytest", "-p", "no:cacheprovider", "--benchmark-only", `--benchmark-min-rounds=${rounds}`, "--benchmark-disable-gc",
      `--benchmark-json=${paths.benchJson}`, "-q",
    ];
    // No baseline yet: one round records the figures.
    const root = copyExample("python-service", { "pipeline.yaml": "stages:\n  bench:\n    count: 9\n" });
    const { engine, result, error } = await recordRun(() => stageSummary(root, "bench"), { fileContents: realReports });
    expect(error).toBeUndefined();
    expect(engine.executedCommands()).toContainEqual(benchArgv(1));
    expect(result).toMatch(/1 benchmark measured/);
    // With a baseline to compare with, `count` rounds.
    const compared = copyExample("python-service", {
      "pipeline.yaml": "stages:\n  bench:\n    count: 9\n",
      ".pipeline/bench-baseline.json": serializeBaseline([{ name: "x", unit: "s", samples: [1, 1, 1, 1] }]),
    });
    const withBaseline = await recordRun(() => stageSummary(compared, "bench"), { fileContents: realReports });
    expect(withBaseline.engine.executedCommands()).toContainEqual(benchArgv(9));
  });

  it("lints with ruff check and flake8 and formats with black --check, as the example configures them (pyproject.toml, .flake8), concurrently", async () => {
    const { engine, error } = await recordRun(async () => (await pipelineOn(examplePath("python-service"))).lint());
    expect(error).toBeUndefined();
    const waves = wavesOf(await engine.executions(), ["ruff", "check", "--output-format=concise", "."], ["flake8", "."], ["black", "--check", "--diff", "."]);
    expect(new Set(waves).size).toBe(1);
    // black is its formatter: ruff does not format it as well.
    expect(engine.executedCommands()).not.toContainEqual(["ruff", "format", "--check", "."]);
  });

  it("runs lint, test and property tests of ci concurrently, sharing one install, then the benchmarks alone", async () => {
    const { engine } = await recordRun(async () => (await pipelineOn(examplePath("python-service"))).ci(), {
      fileContents: realReports,
    });
    const executions = await engine.executions();
    // No baseline is committed: one round per benchmark.
    const [bench, ...stages] = wavesOf(executions, args.benchArgs(1), UNIT, PROPERTY, checkArgs("ruff-check"), checkArgs("flake8"), checkArgs("black"));
    // One wave answered every other stage's tool: none waited for another's answer, all for the installs.
    const installs = executions.filter((e) => e.wave < Math.min(...stages));
    expect(new Set(stages)).toEqual(new Set([Math.max(...installs.map((e) => e.wave)) + 1]));
    // Bench measures after every other exec, as quietly as bench-baseline does.
    const others = executions.filter((e) => e.args.join(" ") !== args.benchArgs(1).join(" "));
    expect(bench).toBeGreaterThan(Math.max(...others.map((e) => e.wave)));
    // The install steps are shared prefixes: evaluated once, like the engine's cache.
    // (The scan stage's own install of its scanners aside: test/graph/scan.test.ts reads it.)
    expect(installs.map((e) => e.args).filter((argv) => argv[0] === "pip" && !isScanExec(argv))).toEqual([
      ["pip", "install", ...PYTHON_TOOLS],
      ["pip", "install", "-r", "requirements-dev.txt"],
    ]);
  });

  it("fails test with pytest's own error lines while reports() keeps every stage's reports", async () => {
    const failing = (argv: readonly string[]): ExecOutcome | undefined =>
      argv.join(" ") === UNIT.join(" ")
        ? { exitCode: 1, stdout: readFixture("python/pytest-fail.stdout.txt") }
        : undefined;
    const reportsFor = (path: string) => (path === paths.testJunit ? readFixture("python/pytest-fail.junit.xml") : realReports(path));

    const failed = await recordRun(async () => (await pipelineOn(examplePath("python-service"))).test(), {
      execOutcome: failing,
      fileContents: reportsFor,
    });
    const message = String((failed.error as Error).message);
    expect(message).toContain(`${UNIT.join(" ")} exited with code 1`);
    expect(message).toMatch(/FAIL .*test_clamp_wrong_expectation/);
    expect(message).toMatch(/FAIL .*test_clamp_property_is_false/);

    const files = await reportFiles(examplePath("python-service"), { execOutcome: failing, fileContents: reportsFor });
    // The example has integration tests too (its pipeline.yaml gives them PostgreSQL and Redis): their own report.
    expect(Object.keys(files).sort()).toEqual([...EVERY_STAGE_REPORTS, "integration/junit.xml"].sort());
    expect(files["test/junit.xml"]).toContain("test_clamp_wrong_expectation");
    expect(files["summary.md"]).toMatch(/test_clamp_wrong_expectation/);
  });
});
