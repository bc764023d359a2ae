/**
 * The exact commands the Python toolchain runs, as argv arrays. Pure, so
 * tests run these same commands on the examples with the Python here.
 */

/**
 * What the install step always gets besides the files its arguments name:
 * requirement files may `-r`/`-c` others, kept by convention in
 * `requirements/` or as `constraints*.txt`. Only these: editing source code
 * (or a linter's settings) leaves them unchanged, so the layer stays cached.
 */
export const INSTALL_INPUTS = ["requirements/**", "constraints*.txt"] as const;

export function installInputs(files: readonly string[]): string[] {
  return [...new Set([...files, ...INSTALL_INPUTS])];
}

/** Never copied from the host: caches and virtualenvs are machine-specific. */
export const SOURCE_EXCLUDES = [".venv", "venv", "**/__pycache__", ".pytest_cache", ".hypothesis", ".benchmarks"];

/** The pipeline's own tools, pinned; installed before the project's files so that layer never changes. */
export function toolsInstallArgs(tools: readonly string[]): string[] {
  return ["pip", "install", ...tools];
}

/**
 * The project's test dependencies (see test-deps.ts), in one `pip install`
 * after the pipeline's tools: a project that pins its own pytest (or black...)
 * gets its version.
 */
export function dependenciesInstallArgs(pipArgs: readonly string[]): string[] {
  return ["pip", "install", ...pipArgs];
}

/** pytest marker of property tests (hypothesis), by the examples' convention. */
export const PROPERTY_MARKER = "property";

/**
 * A pytest plugin, loaded with `-p`, that sets hypothesis' max_examples to
 * `--pipeline-max-examples` (pipeline.yaml `stages.propertyTest.iterations`)
 * in any project: a profile whose parent is the settings in force, so the
 * project's own profile keeps its other settings (deadline...).
 * `@given` copies the settings in force when its module is imported, so the
 * profile is applied after hypothesis' `--hypothesis-profile` and the early
 * conftests (configure, trylast), and again before each file is collected:
 * deeper conftests load during collection and may load a profile of their own.
 */
export const ITERATIONS_PLUGIN = {
  module: "pipeline_hypothesis_iterations",
  /** Outside the source tree, put on PYTHONPATH. */
  dir: "/opt/pipeline/python",
  source: `import pytest

PROFILE = "pipeline-iterations"


def pytest_addoption(parser):
    parser.addoption("--pipeline-max-examples", type=int, help="hypothesis max_examples for every profile")


def _apply(config):
    examples = config.getoption("--pipeline-max-examples")
    if examples is None:
        return
    try:
        from hypothesis import settings
    except ImportError:  # no hypothesis, no property tests to scale
        return
    if settings.default.max_examples != examples:
        settings.register_profile(PROFILE, parent=settings.default, max_examples=examples)
        settings.load_profile(PROFILE)


@pytest.hookimpl(trylast=True)
def pytest_configure(config):
    _apply(config)


@pytest.hookimpl(trylast=True)
def pytest_collect_file(parent):
    _apply(parent.config)
`,
} as const;

/** pytest's exit code when it collected no test at all. */
export const PYTEST_NO_TESTS = 5;

export function reportPaths(dir = "/tmp") {
  return {
    testJunit: `${dir}/python-test-junit.xml`,
    coverageXml: `${dir}/python-coverage.xml`,
    propertyJunit: `${dir}/python-property-junit.xml`,
    integrationJunit: `${dir}/python-integration-junit.xml`,
    benchJson: `${dir}/python-bench.json`,
  };
}

/**
 * `-p no:cacheprovider`: no .pytest_cache written into the source tree.
 * `--benchmark-skip`: benchmarks belong to the bench stage (and would slow the tests).
 */
const COMMON = ["-p", "no:cacheprovider"];

/** pytest marker of integration tests by default (pipeline.yaml stages.integration.marker). */
export const INTEGRATION_MARKER = "integration";

/**
 * Unit tests (everything not marked `property` or as integration tests) with coverage.py and JUnit
 * output. Bare `--cov` measures what the project's `[tool.coverage.run]`
 * source says (everything outside the stdlib and site-packages when unset);
 * `--cov-report=term` keeps the table in the log; the Cobertura XML is what
 * we parse (coverage.py's JSON report needs pytest-cov >= 4.1, and projects
 * may pin older ones, as the Python example does).
 */
export function unitTestArgs(dir = "/tmp", python = "python", integrationMarker = INTEGRATION_MARKER): string[] {
  const paths = reportPaths(dir);
  return [
    python, "-m", "pytest", ...COMMON,
    "-m", `not ${PROPERTY_MARKER} and not ${integrationMarker}`, "--benchmark-skip",
    "--cov", "--cov-report=term", `--cov-report=xml:${paths.coverageXml}`,
    `--junitxml=${paths.testJunit}`, "-q",
  ];
}

/** The integration tests only (`-m <marker>`), with their JUnit report; the services they use are the stage's. */
export function integrationTestArgs(marker = INTEGRATION_MARKER, dir = "/tmp", python = "python"): string[] {
  return [
    python, "-m", "pytest", ...COMMON,
    "-m", marker, "--benchmark-skip",
    `--junitxml=${reportPaths(dir).integrationJunit}`, "-q",
  ];
}

/** Property tests only, `iterations` examples each (see ITERATIONS_PLUGIN, which must be on PYTHONPATH). */
export function propertyTestArgs(iterations: number, dir = "/tmp", python = "python"): string[] {
  return [
    python, "-m", "pytest", ...COMMON,
    "-p", ITERATIONS_PLUGIN.module, `--pipeline-max-examples=${iterations}`,
    "-m", PROPERTY_MARKER, "--benchmark-skip",
    `--junitxml=${reportPaths(dir).propertyJunit}`, "-q",
  ];
}

/**
 * Benchmarks only. `--benchmark-json` always carries each round's time in
 * `stats.data` (`--benchmark-save-data` is for --benchmark-save only);
 * `--benchmark-min-rounds` guarantees at least `count` samples per benchmark
 * so the Mann-Whitney test has data. GC off: collections are noise here.
 */
export function benchArgs(count: number, dir = "/tmp", python = "python"): string[] {
  return [
    python, "-m", "pytest", ...COMMON,
    "--benchmark-only", `--benchmark-min-rounds=${count}`, "--benchmark-disable-gc",
    `--benchmark-json=${reportPaths(dir).benchJson}`, "-q",
  ];
}
