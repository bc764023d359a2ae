import { dag, type Container } from "@dagger.io/dagger";
import { withRerun, withSecretDuring, withStageSetup, type SecretFile } from "../call-inputs.js";
import { parsePytestBenchmark } from "../report/bench.js";
import { parseCobertura } from "../report/coverage.js";
import { parseJUnit } from "../report/junit.js";
import { PYTHON_TOOLS } from "../pins.js";
import { NON_ROOT_HOME, NON_ROOT_USER } from "../non-root.js";
import { WORKDIR, type Project } from "../project.js";
import { runTool, skippedVerdict, timed, type StageResult } from "../stage.js";
import type { Toolchain, ToolchainOptions } from "../toolchain.js";
import { benchVerdict, lintVerdict, testVerdict, type BenchGateOptions } from "../verdicts.js";
import * as args from "./args.js";
import { readPythonSetup } from "./manifests.js";

const PIP_CACHE = "/cache/pip";
/** The pip.conf, during the installs only; the pinned tools' too, as a private index may be the only one there is. */
export const PIP_CONF: SecretFile = { path: "/run/secrets/pip.conf", env: "PIP_CONFIG_FILE" };

/**
 * Python toolchain: the pipeline's pinned tools, then the project's test
 * dependencies from its manifests alone (so editing code keeps both layers
 * cached), then the source, run by a non-root user.
 */
async function pythonContainer(project: Project, options: ToolchainOptions): Promise<Container> {
  const { dependencies } = await readPythonSetup(project);
  const base = dag
    .container()
    .from(options.images.python)
    // A flat path pip is pointed at, like every toolchain's caches: none under a $HOME.
    .withMountedCache(PIP_CACHE, dag.cacheVolume("pip"))
    .withEnvVariable("PIP_CACHE_DIR", PIP_CACHE)
    .withEnvVariable("PIP_DISABLE_PIP_VERSION_CHECK", "1")
    // No .pyc files written into the source tree of a throwaway container.
    .withEnvVariable("PYTHONDONTWRITEBYTECODE", "1");
  const installed = withSecretDuring(base, options.registries.pipConf, PIP_CONF, (root) => {
    let container = root
      .withExec(args.toolsInstallArgs(PYTHON_TOOLS))
      .withWorkdir(WORKDIR)
      // Owned by the tools' user from the first copy on, like Go and Node: /src is never a root-owned folder they cannot write in.
      .withDirectory(WORKDIR, project.toolInputs, { include: args.installInputs(dependencies.files), owner: NON_ROOT_USER });
    if (dependencies.pipArgs.length > 0) container = container.withExec(args.dependenciesInstallArgs(dependencies.pipArgs));
    return container;
  });
  // Installed as root into the image's Python, like an image build; the tools then run unprivileged,
  // owning the source tree they write coverage and hypothesis data into.
  return installed
    .withEnvVariable("HOME", NON_ROOT_HOME)
    .withUser(NON_ROOT_USER)
    .withDirectory(WORKDIR, project.toolInputs, { exclude: args.SOURCE_EXCLUDES, owner: NON_ROOT_USER })
    .with((c) => withStageSetup(withRerun(c, options.rerun), options.stage, NON_ROOT_USER));
}

/**
 * The project's own linters and formatters in check mode (black, isort, flake8, ruff: see linters.ts),
 * ruff check and ruff format --check when it configures none; concurrently, as all read the same source.
 */
function lint(project: Project, options: ToolchainOptions): Promise<StageResult> {
  return timed("lint", async () => {
    const { lint: plan } = await readPythonSetup(project);
    const container = await pythonContainer(project, options);
    const runs = await Promise.all(plan.commands.map((command) => runTool(container, command.argv)));
    const verdict = lintVerdict(runs.map((run) => ({ run })));
    return { ...verdict, details: [`linters from ${plan.source}`, ...verdict.details] };
  });
}

/** pytest without property tests and benchmarks, with coverage.py; JUnit and Cobertura reports. */
function test(project: Project, options: ToolchainOptions): Promise<StageResult> {
  return timed("test", async () => {
    const paths = args.reportPaths();
    const run = await runTool(await pythonContainer(project, options), args.unitTestArgs(undefined, undefined, options.integration.marker), [paths.testJunit, paths.coverageXml]);
    const junit = run.files[paths.testJunit];
    const coverage = run.files[paths.coverageXml];
    return testVerdict({
      stage: "test",
      run,
      suites: junit === undefined ? [] : parseJUnit(junit),
      // The gate agrees with coverage.py's TOTAL and --cov-fail-under: branches count when it measures them.
      coverage: coverage === undefined ? undefined : parseCobertura(coverage, { projectRoot: WORKDIR, withBranches: true }),
      coverageThreshold: options.coverageThreshold,
      projectFolder: options.workdir,
    });
  });
}

/** `pytest -m integration` (stages.integration.marker), with the stage's services; a JUnit report. */
function integration(project: Project, options: ToolchainOptions): Promise<StageResult> {
  return timed("integration", async () => {
    const junitPath = args.reportPaths().integrationJunit;
    const run = await runTool(await pythonContainer(project, options), args.integrationTestArgs(options.integration.marker), [junitPath]);
    if (run.exitCode === args.PYTEST_NO_TESTS) return skippedVerdict(`no tests marked @pytest.mark.${options.integration.marker}`);
    const junit = run.files[junitPath];
    return testVerdict({ stage: "integration", run, suites: junit === undefined ? [] : parseJUnit(junit) });
  });
}

/** `pytest -m property` with hypothesis' max_examples set to the configured iterations, by the pipeline's plugin. */
function propertyTest(project: Project, options: ToolchainOptions): Promise<StageResult> {
  return timed("propertyTest", async () => {
    const junitPath = args.reportPaths().propertyJunit;
    const plugin = args.ITERATIONS_PLUGIN;
    const container = (await pythonContainer(project, options))
      .withNewFile(`${plugin.dir}/${plugin.module}.py`, plugin.source)
      .withEnvVariable("PYTHONPATH", plugin.dir);
    const run = await runTool(container, args.propertyTestArgs(options.iterations), [junitPath]);
    if (run.exitCode === args.PYTEST_NO_TESTS) {
      return skippedVerdict(`no tests marked @pytest.mark.${args.PROPERTY_MARKER}`);
    }
    const junit = run.files[junitPath];
    return testVerdict({ stage: "propertyTest", run, suites: junit === undefined ? [] : parseJUnit(junit) });
  });
}

/** pytest-benchmark with at least `count` rounds per benchmark, compared against the baseline. */
function bench(project: Project, options: ToolchainOptions, gate: BenchGateOptions): Promise<StageResult> {
  return timed("bench", async () => {
    const output = args.reportPaths().benchJson;
    const run = await runTool(await pythonContainer(project, options), args.benchArgs(gate.count), [output]);
    const json = run.files[output];
    // Only --benchmark-only with benchmarks skips every other test: no JSON and exit 0 means none exist.
    if (json === undefined && run.exitCode === 0) {
      return skippedVerdict("no pytest-benchmark tests (tests using the `benchmark` fixture)");
    }
    return benchVerdict({ run, current: json === undefined ? [] : parsePytestBenchmark(json), gate });
  });
}


export const pythonToolchain: Toolchain = {
  language: "python",
  container: (project, options) => pythonContainer(project, options),
  lint,
  test,
  integration,
  propertyTest,
  bench,
};
