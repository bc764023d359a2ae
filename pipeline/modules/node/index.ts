import { dag, type Container } from "@dagger.io/dagger";
import { withRerun, withSecretDuring, withStageSetup, type SecretFile } from "../call-inputs.js";
import { mergeBenchmarkRuns, parseTinybench, parseVitestBench, type BenchmarkSamples } from "../report/bench.js";
import { parseCobertura, parseLcov } from "../report/coverage.js";
import { parseJestJson } from "../report/jest-json.js";
import { parseJUnit, type TestSuiteResult } from "../report/junit.js";
import { commandsStage, commandsVerdict, runCommands } from "../commands.js";
import { oncePerProject, readProjectFile, WORKDIR, type Project } from "../project.js";
import { runTool, runToolThen, skippedVerdict, timed, type StageResult, type ToolRun } from "../stage.js";
import type { Toolchain, ToolchainOptions } from "../toolchain.js";
import { benchVerdict, lintVerdict, testVerdict, type BenchGateOptions } from "../verdicts.js";
import * as args from "./args.js";
import { scriptTestVerdict } from "./script-verdict.js";
import { lintScripts, runScriptArgs, testScript } from "./scripts.js";
import { scriptTestCommand, type ScriptTestCommand } from "./test-script.js";
import { workspaceDirs, workspacePatterns, workspaceScriptArgs, type Workspace } from "./workspaces.js";

/** The official images' non-root user. */
const USER = "node";
/**
 * The .npmrc, during the install only: npm reads npm_config_userconfig, and
 * pnpm and yarn 1 read the user's ~/.npmrc, which is this same path.
 */
const NPMRC: SecretFile = { path: "/home/node/.npmrc", env: "npm_config_userconfig", owner: USER };
/**
 * Node toolchain: as the image's non-root `node` user, with the package
 * managers' caches as volumes, dependencies installed from the manifests and
 * lockfile alone (so editing code keeps that step cached) without their
 * lifecycle scripts, then the source, then those scripts (a `prepare` that
 * builds needs the source).
 */
function nodeContainer(project: Project, options: ToolchainOptions): Container {
  const { manager, lockfile } = args.detectPackageManager(project.entries);
  const install = args.installArgs(manager, lockfile !== undefined, project.entries);
  const lifecycle = args.lifecycleArgs(manager, project.entries);
  return withNodeCaches(dag.container().from(options.images.node))
    .withUser(USER)
    // Non-interactive everywhere: no watch mode, no corepack download prompt.
    .withEnvVariable("CI", "true")
    .withEnvVariable("COREPACK_ENABLE_DOWNLOAD_PROMPT", "0")
    .withWorkdir(WORKDIR)
    .withDirectory(WORKDIR, project.toolInputs, { include: [...args.INSTALL_INPUTS], owner: USER })
    .with((c) => withSecretDuring(c, options.registries.npmrc, NPMRC, (root) => root.withExec(install)))
    .withDirectory(WORKDIR, project.toolInputs, { exclude: args.SOURCE_EXCLUDES, owner: USER })
    .with((c) => lifecycle.reduce((step, argv) => step.withExec(argv), c))
    .with((c) => withStageSetup(withRerun(c, options.rerun), options.stage, USER));
}

/**
 * The package managers' caches: volumes at flat paths, each tool pointed at
 * its own by env. A mount under $HOME would leave the folders above it
 * (.cache, .local/share) created by root, closed to the `node` user.
 */
const NODE_CACHES = [
  { volume: "npm", path: "/cache/npm", env: "npm_config_cache" },
  { volume: "corepack", path: "/cache/corepack", env: "COREPACK_HOME" },
  { volume: "pnpm-store", path: "/cache/pnpm-store", env: "npm_config_store_dir" },
  { volume: "yarn", path: "/cache/yarn", env: "YARN_CACHE_FOLDER" },
] as const;

/** Cache volumes owned by `node`, or the non-root user could not write them. */
function withNodeCaches(container: Container): Container {
  return NODE_CACHES.reduce(
    (c, cache) => c.withMountedCache(cache.path, dag.cacheVolume(cache.volume), { owner: USER }).withEnvVariable(cache.env, cache.path),
    container,
  );
}

const readPackageJson = oncePerProject(async (project): Promise<args.PackageJson> => {
  const text = await readProjectFile(project, "package.json");
  if (text === undefined) throw new Error("package.json not found in the project folder (set `workdir` in pipeline.yaml)");
  return args.parsePackageJson(text);
});

/**
 * The project's `lint`, `typecheck` and `check:*` scripts, concurrently; in a
 * monorepo also those its workspaces define and the root does not.
 */
function lint(project: Project, options: ToolchainOptions): Promise<StageResult> {
  return timed("lint", async () => {
    const pkg = await readPackageJson(project);
    const { manager } = args.detectPackageManager(project.entries);
    const own = lintScripts(pkg);
    const workspaces = (await readWorkspaces(project)) ?? [];
    const theirs = [...new Set(workspaces.flatMap((w) => lintScripts({ scripts: w.scripts })))].filter((name) => !own.includes(name)).sort();
    const commands = [...own.map((script) => runScriptArgs(manager, script)), ...theirs.flatMap((script) => workspaceScriptArgs(manager, script, workspaces))];
    if (commands.length === 0) {
      return skippedVerdict(`package.json${workspaces.length > 0 ? " and its workspaces define" : " defines"} no ${args.LINT_SCRIPTS.join(", ")} or check:* script`);
    }
    const container = nodeContainer(project, options);
    const runs = await Promise.all(commands.map((argv) => runTool(container, argv)));
    return lintVerdict(runs.map((run) => ({ run })));
  });
}

/** The monorepo's packages (npm/yarn `workspaces`, pnpm-workspace.yaml), `undefined` for a single package. */
const readWorkspaces = oncePerProject(async (project): Promise<Workspace[] | undefined> => {
  const pkg = await readPackageJson(project);
  const patterns = workspacePatterns(pkg, await readProjectFile(project, "pnpm-workspace.yaml"));
  if (patterns === undefined) return undefined;
  const dirs = workspaceDirs(await project.source.glob("**/package.json"), patterns);
  return Promise.all(
    dirs.map(async (dir): Promise<Workspace> => {
      const file = `${dir}/package.json`;
      const text = (await readProjectFile(project, file)) ?? "{}";
      let own: args.PackageJson;
      try {
        own = args.parsePackageJson(text);
      } catch (error) {
        throw new Error(`${file}: ${(error as Error).message}`);
      }
      const name = (own as { name?: unknown }).name;
      return { dir, name: typeof name === "string" ? name : undefined, scripts: own.scripts ?? {} };
    }),
  );
});

/** The test files Node's own runner gets; vitest and jest find theirs. */
const testFiles = oncePerProject(async (project): Promise<{ unit: string[]; property: string[] }> => {
  const pkg = await readPackageJson(project);
  const [nested, ...found] = await Promise.all([
    nestedPackages(project, pkg),
    ...args.TEST_FILE_GLOBS.map((pattern) => project.source.glob(pattern)),
  ]);
  return args.splitTestFiles(found.flat(), nested);
});

async function nestedPackages(project: Project, pkg: args.PackageJson): Promise<string[]> {
  return args.nestedPackageDirs(await project.source.glob("**/package.json"), pkg);
}

/**
 * The project's `test` script when it has one; else, in a monorepo, each
 * workspace's; else unit tests with coverage by the runner it depends on
 * (vitest, jest or `node --test`). JUnit and coverage reports where the
 * runner takes them without losing the project's setup.
 */
function test(project: Project, options: ToolchainOptions): Promise<StageResult> {
  return timed("test", async () => {
    const pkg = await readPackageJson(project);
    const { manager } = args.detectPackageManager(project.entries);
    const isIntegration = args.globMatcher(options.integration.files);
    const unit = (await testFiles(project)).unit.filter((file) => !isIntegration(file));
    const script = testScript(pkg);
    if (script !== undefined) {
      return scriptTest(nodeContainer(project, options), scriptTestCommand(manager, pkg, script, undefined, options.integration.files), unit, options);
    }
    const workspaces = await readWorkspaces(project);
    const perWorkspace = workspaces ? workspaceScriptArgs(manager, "test", workspaces) : [];
    if (perWorkspace.length > 0) {
      // Each workspace's own runner and setup: no report flag fits them all, so the exit codes decide.
      const ran = await runCommands(nodeContainer(project, options), perWorkspace);
      return { ...commandsVerdict(ran, perWorkspace), reports: { "test/output.txt": ran.log } };
    }
    const runner = args.detectTestRunner(pkg);
    if (runner === "node" && unit.length === 0) {
      return skippedVerdict(`no test script and no test files matching ${args.TEST_FILE_GLOBS.join(" or ")} (outside *.property.test.* and ${options.integration.files})`);
    }
    const command = args.unitTestCommand(runner, pkg, unit, undefined, options.integration.files, args.hasOwnJestConfig(pkg, project.entries));
    return testWithReports(nodeContainer(project, options), command, unit, options);
  });
}

async function scriptTest(container: Container, command: ScriptTestCommand, unit: string[], options: ToolchainOptions) {
  if (command.results) return testWithReports(container, { ...command, results: command.results }, unit, options);
  const run = await runTool(withEnv(container, command.env), command.argv);
  return scriptTestVerdict("test", run, command.summary, options.coverageThreshold);
}

async function testWithReports(container: Container, command: args.TestCommand, unit: string[], options: ToolchainOptions) {
  const reports = [command.results.path, ...(command.coverage ? [command.coverage.path] : [])];
  const run = await runTool(withEnv(container, command.env), command.argv, reports);
  const coverage = command.coverage ? run.files[command.coverage.path] : undefined;
  return testVerdict({
    stage: "test",
    run,
    suites: testResults(command, run),
    coverage:
      coverage === undefined
        ? undefined
        : command.coverage?.format === "lcov"
          ? parseLcov(args.dropLcovRecords(coverage, unit))
          : parseCobertura(coverage, { projectRoot: WORKDIR }),
    coverageThreshold: options.coverageThreshold,
    projectFolder: options.workdir,
    ...(command.coverage ? {} : { noCoverageProvider: args.NO_VITEST_COVERAGE }),
  });
}

/**
 * The integration tests, with the stage's services: the package.json script
 * stages.integration.script names (its exit code decides), or the files of
 * the stages.integration.files glob by the project's runner (JUnit report).
 */
function integration(project: Project, options: ToolchainOptions): Promise<StageResult> {
  const { script, files: glob } = options.integration;
  if (script !== undefined) return integrationScript(project, options, script);
  return timed("integration", async () => {
    const pkg = await readPackageJson(project);
    const [found, nested] = await Promise.all([project.source.glob(glob), nestedPackages(project, pkg)]);
    const isIntegration = args.globMatcher(glob);
    const files = args.ownFiles(found, /./, nested).filter(isIntegration);
    if (files.length === 0) return skippedVerdict(`no integration test files matching ${glob}`);
    const command = args.integrationTestCommand(args.detectTestRunner(pkg), pkg, files);
    const run = await runTool(withEnv(nodeContainer(project, options), command.env), command.argv, [command.results.path]);
    return testVerdict({ stage: "integration", run, suites: testResults(command, run) });
  });
}

async function integrationScript(project: Project, options: ToolchainOptions, script: string): Promise<StageResult> {
  const pkg = await readPackageJson(project).catch(() => undefined);
  if (pkg && typeof pkg.scripts?.[script] !== "string") {
    return {
      name: "integration",
      status: "failed",
      durationSeconds: 0,
      details: [],
      errorLines: [`stages.integration.script: package.json has no "${script}" script.`, `  Fix: add it to package.json's scripts, or remove stages.integration.script to run the ${options.integration.files} files`],
      reports: {},
    };
  }
  const { manager } = args.detectPackageManager(project.entries);
  return commandsStage("integration", nodeContainer(project, options), [args.runScriptArgs(manager, script)]);
}

/** `*.property.test.*` files with fast-check's numRuns set to the configured iterations by a preloaded setup module. */
function propertyTest(project: Project, options: ToolchainOptions): Promise<StageResult> {
  return timed("propertyTest", async () => {
    const pkg = await readPackageJson(project);
    const files = await testFiles(project);
    if (files.property.length === 0) return skippedVerdict("no *.property.test.* files");
    const command = args.propertyTestCommand(args.detectTestRunner(pkg), pkg, files.property, options.iterations, WORKDIR);
    const container = withFiles(withEnv(nodeContainer(project, options), command.env), command.files ?? {});
    const run = await runTool(container, command.argv, [command.results.path]);
    return testVerdict({ stage: "propertyTest", run, suites: testResults(command, run) });
  });
}

/** vitest bench (`count` runs) or the `bench` script (tinybench JSON), compared against the baseline. */
function bench(project: Project, options: ToolchainOptions, gate: BenchGateOptions): Promise<StageResult> {
  return timed("bench", async () => {
    const pkg = await readPackageJson(project);
    const [found, nested] = await Promise.all([project.source.glob(args.BENCH_FILE_GLOB), nestedPackages(project, pkg)]);
    const benchFiles = args.ownFiles(found, args.BENCH_FILE_PATTERN, nested);
    const { manager } = args.detectPackageManager(project.entries);
    const command = args.benchCommand(manager, pkg, benchFiles, gate.count);
    if (!command) return skippedVerdict("no *.bench.* files for vitest and no `bench` script in package.json");
    const parse = command.format === "vitest" ? parseVitestBench : parseTinybench;
    let container = withEnv(nodeContainer(project, options), command.env);
    const measured: BenchmarkSamples[][] = [];
    const stdout: string[] = [];
    let last: ToolRun | undefined;
    // One after another, never side by side: concurrent runs would slow each other down.
    for (const { argv, output } of command.runs) {
      const { run, after } = await runToolThen(container, argv, [output]);
      last = run;
      stdout.push(run.stdout);
      if (run.exitCode !== 0) break;
      const json = run.files[output];
      if (json !== undefined) measured.push(parse(json));
      container = after;
    }
    return benchVerdict({ run: { ...last!, stdout: stdout.join("\n") }, current: mergeBenchmarkRuns(measured), gate });
  });
}

/** The suites of the results file the command wrote, none when it wrote none. */
function testResults(command: args.TestCommand, run: ToolRun): TestSuiteResult[] {
  const text = run.files[command.results.path];
  if (text === undefined) return [];
  return command.results.format === "jest-json" ? parseJestJson(text, WORKDIR) : parseJUnit(text);
}

function withEnv(container: Container, env: Record<string, string>): Container {
  return Object.entries(env).reduce((c, [name, value]) => c.withEnvVariable(name, value), container);
}

/** Owned by `node`, like the rest of the project. */
function withFiles(container: Container, files: Record<string, string>): Container {
  return Object.entries(files).reduce((c, [path, contents]) => c.withNewFile(path, contents, { owner: USER }), container);
}

export const nodeToolchain: Toolchain = {
  language: "node",
  container: (project, options) => Promise.resolve(nodeContainer(project, options)),
  lint,
  test,
  integration,
  propertyTest,
  bench,
};
