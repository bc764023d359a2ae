/**
 * The exact commands the Node toolchain runs, as argv arrays, and the pure
 * decisions behind them (package manager, test runner, test files). No Dagger
 * import: tests run these same commands on the examples with the Node here.
 */
import { runScriptArgs } from "./scripts.js";

export { lintScripts, LINT_SCRIPTS, runScriptArgs } from "./scripts.js";

export type PackageManager = "npm" | "pnpm" | "yarn";
export type TestRunner = "vitest" | "jest" | "node";

/** The parts of package.json the toolchain reads. */
export interface PackageJson {
  scripts?: Record<string, string>;
  workspaces?: unknown;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** Parses package.json; a broken manifest must fail loudly, naming the file. */
export function parsePackageJson(text: string): PackageJson {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("expected a JSON object");
    return parsed;
  } catch (error) {
    throw new Error(`package.json is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * The install step's only inputs: editing source code leaves them unchanged,
 * so the dependency layer stays cached. `.npmrc`/`.yarnrc*` change what gets
 * installed (registries, hoisting); workspaces' own package.json files and
 * `patches/` (patch-package, pnpm patchedDependencies) are read by the
 * install too, so they belong here as well.
 */
export const INSTALL_INPUTS = [
  "package.json",
  "package-lock.json",
  "npm-shrinkwrap.json",
  "pnpm-lock.yaml",
  "pnpm-workspace.yaml",
  "yarn.lock",
  ".npmrc",
  ".yarnrc",
  ".yarnrc.yml",
  "**/package.json",
  "patches/**",
] as const;

/** Never copied from the host: the install step owns node_modules. */
export const SOURCE_EXCLUDES = ["node_modules", "**/node_modules"];

/** The lockfile decides the package manager (the one that wrote it must read it). */
export function detectPackageManager(entries: readonly string[]): { manager: PackageManager; lockfile: string | undefined } {
  if (entries.includes("pnpm-lock.yaml")) return { manager: "pnpm", lockfile: "pnpm-lock.yaml" };
  if (entries.includes("yarn.lock")) return { manager: "yarn", lockfile: "yarn.lock" };
  const npmLock = ["package-lock.json", "npm-shrinkwrap.json"].find((f) => entries.includes(f));
  return { manager: "npm", lockfile: npmLock };
}

/**
 * Installs exactly what the lockfile says; without a lockfile only `npm
 * install` can work. pnpm and yarn come through corepack (bundled with Node),
 * so the version in package.json's `packageManager` is honoured. No lifecycle
 * script runs here: this step has only the manifests, so a `prepare: npm run
 * build` or a postinstall reading the source would fail; lifecycleArgs runs
 * them once the source is in place. Yarn 2+ (a `.yarnrc.yml`) has no
 * --ignore-scripts: --mode=skip-build is its way.
 */
export function installArgs(manager: PackageManager, hasLockfile: boolean, entries: readonly string[] = []): string[] {
  switch (manager) {
    case "pnpm":
      return ["corepack", "pnpm", "install", "--frozen-lockfile", "--ignore-scripts"];
    case "yarn":
      return isYarnBerry(entries)
        ? ["corepack", "yarn", "install", "--immutable", "--mode=skip-build"]
        : ["corepack", "yarn", "install", "--frozen-lockfile", "--ignore-scripts"];
    case "npm":
      return [...(hasLockfile ? ["npm", "ci"] : ["npm", "install"]), "--ignore-scripts", "--no-audit", "--no-fund"];
  }
}

/** Yarn 2+ keeps its settings in .yarnrc.yml; yarn 1 never reads that file. */
function isYarnBerry(entries: readonly string[]): boolean {
  return entries.includes(".yarnrc.yml");
}

/**
 * The lifecycle scripts the install skipped, run after the source is copied:
 * `npm rebuild` runs the dependencies' install scripts and the project's own
 * preinstall/install/postinstall (and a workspace's, which it links), then
 * the root's `prepare`, as `npm ci` would have. Yarn 1 lays out node_modules
 * as npm does, so npm rebuilds it; yarn 2+ rebuilds its own and runs no
 * `prepare` on install.
 */
export function lifecycleArgs(manager: PackageManager, entries: readonly string[] = []): string[][] {
  switch (manager) {
    case "pnpm":
      return [["corepack", "pnpm", "rebuild"], ["corepack", "pnpm", "run", "--if-present", "prepare"]];
    case "yarn":
      return isYarnBerry(entries) ? [["corepack", "yarn", "rebuild"]] : [["npm", "rebuild"], ["npm", "run", "--if-present", "prepare"]];
    case "npm":
      return [["npm", "rebuild"], ["npm", "run", "--if-present", "prepare"]];
  }
}

export function hasDependency(pkg: PackageJson, name: string): boolean {
  return name in (pkg.dependencies ?? {}) || name in (pkg.devDependencies ?? {});
}

/** Whether the project configures jest itself (package.json `jest`, a jest.config.* file): then its settings are never replaced. */
export function hasOwnJestConfig(pkg: PackageJson, entries: readonly string[]): boolean {
  return (pkg as { jest?: unknown }).jest !== undefined || entries.some((e) => /^jest\.config\.[cm]?[jt]s(on)?$/.test(e));
}

/** vitest or jest when the project depends on it, else Node's built-in runner. */
export function detectTestRunner(pkg: PackageJson): TestRunner {
  if (hasDependency(pkg, "vitest")) return "vitest";
  if (hasDependency(pkg, "jest")) return "jest";
  return "node";
}

/**
 * Test files for Node's runner: the `*.test.*` / `*.spec.*` convention, JS or
 * TS. Plain globs (no braces), filtered by TEST_FILE_PATTERN, so any glob
 * implementation agrees on them.
 */
export const TEST_FILE_GLOBS = ["**/*.test.*", "**/*.spec.*"] as const;
export const TEST_FILE_PATTERN = /\.(test|spec)\.[cm]?[jt]sx?$/;
/** Property tests by convention (fast-check): run by the property stage only. */
export const PROPERTY_FILE_PATTERN = /\.property\.(test|spec)\.[cm]?[jt]sx?$/;
/** Benchmark files vitest's `bench` command picks up. */
export const BENCH_FILE_GLOB = "**/*.bench.*";
export const BENCH_FILE_PATTERN = /\.bench\.[cm]?[jt]sx?$/;

/** Folders never searched for tests, as vitest's default exclude: dependencies and build output (compiled copies of tests). */
export const NOT_SEARCHED = ["node_modules", "dist"];

/**
 * Folders of nested packages (an example or fixture project with its own
 * package.json, from `glob("**\/package.json")`): their tests and benchmarks
 * are theirs, not the project's. A workspace root owns its packages.
 */
export function nestedPackageDirs(packageJsonPaths: readonly string[], pkg: PackageJson): string[] {
  if (pkg.workspaces !== undefined) return [];
  return packageJsonPaths
    .filter((p) => p.endsWith("/package.json") && !p.split("/").some((part) => NOT_SEARCHED.includes(part)))
    .map((p) => p.slice(0, -"package.json".length))
    .sort();
}

/** Keeps the project's own files matching `pattern`, sorted: not dependencies, build output or nested packages. */
export function ownFiles(files: readonly string[], pattern: RegExp, nestedDirs: readonly string[] = []): string[] {
  return files
    .filter((f) => pattern.test(f) && !f.split("/").some((part) => NOT_SEARCHED.includes(part)))
    .filter((f) => !nestedDirs.some((dir) => f.startsWith(dir)))
    .sort();
}

/** Integration test files by default (pipeline.yaml stages.integration.files): run by the integration stage only. */
export const INTEGRATION_FILES = "**/*.integration.test.*";

/**
 * A glob over paths relative to the project (`**` any folders, `*` and `?`
 * within one name, `{a,b}` either) as a regular expression's source, unanchored:
 * to filter globbed files and to build jest's ignore pattern from the same glob.
 */
export function globSource(glob: string): string {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (glob.startsWith("**/", i)) {
      out += "(?:.*/)?";
      i += 2;
    } else if (glob.startsWith("**", i)) {
      out += ".*";
      i += 1;
    } else if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else if (c === "{") out += "(?:";
    else if (c === "}") out += ")";
    else if (c === ",") out += "|";
    else out += c.replace(/[.+^$()|[\]\\]/g, "\\$&");
  }
  return out;
}

/** Whether a project-relative path matches the glob (a leading ./ ignored). */
export function globMatcher(glob: string): (path: string) => boolean {
  const pattern = new RegExp(`^${globSource(glob.replace(/^\.\//, ""))}$`);
  return (path) => pattern.test(path.replace(/^\.\//, ""));
}

/** Splits globbed test files into unit and property tests. */
export function splitTestFiles(files: readonly string[], nestedDirs: readonly string[] = []): { unit: string[]; property: string[] } {
  const tests = [...new Set(ownFiles(files, TEST_FILE_PATTERN, nestedDirs))];
  return { unit: tests.filter((f) => !PROPERTY_FILE_PATTERN.test(f)), property: tests.filter((f) => PROPERTY_FILE_PATTERN.test(f)) };
}

/** Env var the `bench` script writes its tinybench JSON to. */
export const BENCH_OUTPUT_ENV = "BENCH_OUTPUT";

/**
 * Where each stage writes its reports. Flat files under one folder, because
 * Node's reporter destinations do not create folders; /tmp exists in every
 * image and is writable by the non-root user.
 */
export function reportPaths(dir = "/tmp") {
  return {
    testJunit: `${dir}/node-test-junit.xml`,
    testLcov: `${dir}/node-test-lcov.info`,
    /** vitest and jest write `cobertura-coverage.xml` into this folder. */
    coverageDir: `${dir}/node-coverage`,
    testCobertura: `${dir}/node-coverage/cobertura-coverage.xml`,
    propertyJunit: `${dir}/node-property-junit.xml`,
    integrationJunit: `${dir}/node-integration-junit.xml`,
    integrationJestJson: `${dir}/node-integration-jest.json`,
    /** jest's own JSON results (`--json --outputFile`): no reporter package needed. */
    testJestJson: `${dir}/node-test-jest.json`,
    propertyJestJson: `${dir}/node-property-jest.json`,
    benchJson: `${dir}/node-bench.json`,
    vitestBenchJson: (run: number) => `${dir}/node-vitest-bench-${run}.json`,
  };
}

export interface TestCommand {
  argv: string[];
  env: Record<string, string>;
  /** Files to write before the run: absolute path to contents. */
  files?: Record<string, string>;
  /** The report files to read back: test results as JUnit or jest's JSON, and coverage as lcov or Cobertura. */
  results: { path: string; format: "junit" | "jest-json" };
  coverage?: { path: string; format: "lcov" | "cobertura" };
}

/** `node --import tsx` when the project uses tsx (TypeScript tests), else plain `node`. */
function nodeArgs(pkg: PackageJson): string[] {
  return hasDependency(pkg, "tsx") ? ["node", "--import", "tsx"] : ["node"];
}

/** What vitest without a coverage provider lacks, and how to add one (the gate's note). */
export const NO_VITEST_COVERAGE = "vitest has no coverage provider in package.json: add one with npm install -D @vitest/coverage-v8";

/**
 * Unit tests with coverage and JUnit output, per runner. Property tests are
 * left out: the property stage runs them with the configured iterations.
 * `npx --no` never downloads a missing, unpinned tool: it fails instead.
 * Integration tests (the `integrationFiles` glob) are left out too: they need
 * the integration stage's services. Node's runner gets `files` without them.
 */
export function unitTestCommand(
  runner: TestRunner,
  pkg: PackageJson,
  files: readonly string[],
  dir = "/tmp",
  integrationFiles = INTEGRATION_FILES,
  ownJestConfig = false,
): TestCommand {
  const paths = reportPaths(dir);
  switch (runner) {
    case "vitest": {
      // Coverage needs a provider package; asking for it without one fails the run.
      const coverage = hasDependency(pkg, "@vitest/coverage-v8") || hasDependency(pkg, "@vitest/coverage-istanbul");
      return {
        argv: [
          "npx", "--no", "vitest", "run",
          ...(coverage
            ? ["--coverage.enabled", "--coverage.reporter=cobertura", "--coverage.reporter=text-summary", `--coverage.reportsDirectory=${paths.coverageDir}`]
            : []),
          "--reporter=default", "--reporter=junit", `--outputFile.junit=${paths.testJunit}`,
          // Added to vitest's default excludes (node_modules stays excluded).
          "--exclude=**/*.property.{test,spec}.*",
          `--exclude=${integrationFiles}`,
        ],
        env: {},
        results: { path: paths.testJunit, format: "junit" },
        ...(coverage ? { coverage: { path: paths.testCobertura, format: "cobertura" as const } } : {}),
      };
    }
    case "jest":
      return {
        argv: [
          // npx reads every flag before the first positional argument as its own (`--ci` would become npm's `--cidr`): `--` ends them.
          "npx", "--no", "--", "jest", "--ci",
          "--coverage", "--coverageReporters=cobertura", "--coverageReporters=text-summary", `--coverageDirectory=${paths.coverageDir}`,
          "--json", `--outputFile=${paths.testJestJson}`,
          // The ignore list replaces the config's: set only over jest's default, which is restated (node_modules).
          ...(ownJestConfig
            ? []
            : [
                "--testPathIgnorePatterns=/node_modules/", "--testPathIgnorePatterns=\\.property\\.(test|spec)\\.",
                // jest matches absolute paths; <rootDir> anchors the glob at the project.
                `--testPathIgnorePatterns=<rootDir>/${globSource(integrationFiles.replace(/^\.\//, ""))}$`,
              ]),
        ],
        env: {},
        results: { path: paths.testJestJson, format: "jest-json" },
        coverage: { path: paths.testCobertura, format: "cobertura" },
      };
    case "node":
      return {
        argv: [
          ...nodeArgs(pkg), "--test", "--experimental-test-coverage",
          "--test-reporter=spec", "--test-reporter-destination=stdout",
          "--test-reporter=junit", `--test-reporter-destination=${paths.testJunit}`,
          "--test-reporter=lcov", `--test-reporter-destination=${paths.testLcov}`,
          ...files,
        ],
        env: {},
        results: { path: paths.testJunit, format: "junit" },
        coverage: { path: paths.testLcov, format: "lcov" },
      };
  }
}

/**
 * The integration test files alone, by the project's runner, with JUnit (or
 * jest's JSON) results and no coverage: what they exercise is the services'.
 */
export function integrationTestCommand(runner: TestRunner, pkg: PackageJson, files: readonly string[], dir = "/tmp"): TestCommand {
  const { integrationJunit: junit, integrationJestJson } = reportPaths(dir);
  switch (runner) {
    case "vitest":
      // Positional filters select test files whose path contains them: the integration files' own paths.
      return { argv: ["npx", "--no", "vitest", "run", ...files, "--reporter=default", "--reporter=junit", `--outputFile.junit=${junit}`], env: {}, results: { path: junit, format: "junit" } };
    case "jest":
      return {
        argv: ["npx", "--no", "--", "jest", "--ci", "--json", `--outputFile=${integrationJestJson}`, "--runTestsByPath", ...files],
        env: {},
        results: { path: integrationJestJson, format: "jest-json" },
      };
    case "node":
      return {
        argv: [...nodeArgs(pkg), "--test", "--test-reporter=spec", "--test-reporter-destination=stdout", "--test-reporter=junit", `--test-reporter-destination=${junit}`, ...files],
        env: {},
        results: { path: junit, format: "junit" },
      };
  }
}

/**
 * The module the property stage preloads so that fast-check runs
 * `stages.propertyTest.iterations` cases per property in any project, whether
 * or not its tests read a setting: `configureGlobal` over the settings in
 * force (fast-check 3 and 4). A `numRuns` passed to `fc.assert` still wins:
 * fast-check applies per-call options over the global ones. It lives in the
 * project's node_modules so `fast-check` resolves from it exactly as from the
 * tests; without fast-check it does nothing. ESM for `node --import` (top-level
 * await), CommonJS for jest's setupFiles (jest runs them in its own module
 * registry, where the tests' fast-check is).
 */
export function fastCheckSetup(numRuns: number, format: "esm" | "cjs", projectDir: string): { path: string; source: string } {
  if (!Number.isSafeInteger(numRuns) || numRuns < 1) throw new RangeError(`fast-check numRuns must be a positive integer, got ${numRuns}`);
  const guarded = (statement: string) => `try { ${statement} } catch (error) { if (!absent(error)) throw error; }`;
  const source = [
    "// Written by the pipeline's property stage: numRuns from pipeline.yaml (stages.propertyTest.iterations).",
    ...(format === "esm" ? ['import { createRequire } from "node:module";'] : ['"use strict";']),
    `const configure = (fc) => fc.configureGlobal({ ...fc.readConfigureGlobal(), numRuns: ${numRuns} });`,
    "// No fast-check, or no build of it for this way of loading: nothing to configure.",
    `const absent = (error) => ${JSON.stringify(ABSENT_MODULE_CODES)}.includes(error?.code);`,
    ...(format === "esm"
      ? [
          "// Its CommonJS and ES module builds are separate instances, each with its own settings, and tests may load either.",
          guarded('configure(createRequire(import.meta.url)("fast-check"));'),
          guarded('const fc = await import("fast-check"); configure(fc.configureGlobal ? fc : fc.default);'),
        ]
      : [guarded('configure(require("fast-check"));')]),
    "",
  ].join("\n");
  return { path: `${projectDir}/node_modules/.pipeline-fast-check-setup.${format === "esm" ? "mjs" : "cjs"}`, source };
}

/** Node's codes for a package that is not installed, or has no entry for this way of loading it. */
const ABSENT_MODULE_CODES = ["MODULE_NOT_FOUND", "ERR_MODULE_NOT_FOUND", "ERR_REQUIRE_ESM", "ERR_PACKAGE_PATH_NOT_EXPORTED"];

/**
 * Property tests only (`*.property.test.*`), with fast-check's numRuns set by
 * the preloaded setup module (see fastCheckSetup), which `files` holds.
 * `projectDir` is where the project and its node_modules are.
 */
export function propertyTestCommand(
  runner: TestRunner,
  pkg: PackageJson,
  files: readonly string[],
  iterations: number,
  projectDir: string,
  dir = "/tmp",
): TestCommand {
  const { propertyJunit: junit, propertyJestJson } = reportPaths(dir);
  const setup = fastCheckSetup(iterations, runner === "jest" ? "cjs" : "esm", projectDir);
  const written = { [setup.path]: setup.source };
  switch (runner) {
    case "vitest":
      // vitest's CLI has no --setupFiles; its forks and threads workers (not the vm pools) load the tests' fast-check with Node's own import, as this preload does.
      return {
        // Positional filters select test files whose path contains them: the property files' own paths, exactly.
        argv: ["npx", "--no", "vitest", "run", ...files, "--reporter=default", "--reporter=junit", `--outputFile.junit=${junit}`],
        env: { NODE_OPTIONS: `--import=${setup.path}` },
        files: written,
        results: { path: junit, format: "junit" },
      };
    case "jest":
      // --setupFiles takes every argument after it, so it comes last. It replaces the config's list: the project's own setupFiles do not run here.
      return {
        argv: ["npx", "--no", "--", "jest", "--ci", "--json", `--outputFile=${propertyJestJson}`, "\\.property\\.(test|spec)\\.", `--setupFiles=${setup.path}`],
        env: {},
        files: written,
        results: { path: propertyJestJson, format: "jest-json" },
      };
    case "node":
      return {
        argv: [
          // The test runner passes its execArgv (both --import) on to the process it runs each file in.
          ...nodeArgs(pkg), "--import", setup.path, "--test",
          "--test-reporter=spec", "--test-reporter-destination=stdout",
          "--test-reporter=junit", `--test-reporter-destination=${junit}`,
          ...files,
        ],
        env: {},
        files: written,
        results: { path: junit, format: "junit" },
      };
  }
}

/** One run of the bench command and the JSON report it writes. */
export interface BenchRun {
  argv: string[];
  output: string;
}

export interface BenchCommand {
  /** Run one after another; each run's report adds samples. */
  runs: BenchRun[];
  env: Record<string, string>;
  format: "vitest" | "tinybench";
}

/**
 * vitest's own benchmarks when the project has `*.bench.*` files and vitest,
 * else the `bench` script writing tinybench JSON to $BENCH_OUTPUT; `undefined`
 * when the project has neither. vitest's JSON keeps only summaries (it
 * empties `samples`), so it runs `count` times, each median one sample, as
 * `go test -count` does; tinybench's report carries every sample of one run.
 */
export function benchCommand(
  manager: PackageManager,
  pkg: PackageJson,
  benchFiles: readonly string[],
  count: number,
  dir = "/tmp",
): BenchCommand | undefined {
  if (hasDependency(pkg, "vitest") && benchFiles.length > 0) {
    const runs = Array.from({ length: count }, (_, i) => {
      // A distinct output per run also keeps Dagger from answering a run from the previous one's cache.
      const output = reportPaths(dir).vitestBenchJson(i + 1);
      return { argv: ["npx", "--no", "vitest", "bench", "--run", "--outputJson", output], output };
    });
    return { runs, env: {}, format: "vitest" };
  }
  if (typeof pkg.scripts?.["bench"] === "string") {
    const output = reportPaths(dir).benchJson;
    return { runs: [{ argv: runScriptArgs(manager, "bench"), output }], env: { [BENCH_OUTPUT_ENV]: output }, format: "tinybench" };
  }
  return undefined;
}

/**
 * Drops lcov records of the given files. Node 20 and 22.12 count test files
 * in coverage (excluding them by default came in Node 23), and the flag to
 * exclude them does not exist in Node 20: filtering the report works on both.
 */
export function dropLcovRecords(lcov: string, files: readonly string[]): string {
  const drop = new Set(files.map((f) => f.replace(/^\.\//, "")));
  return lcov
    .split(/^(?=SF:)/m)
    .filter((record) => {
      const source = /^SF:(.*)$/m.exec(record)?.[1]?.trim();
      if (source === undefined) return true;
      return ![...drop].some((f) => source === f || source.endsWith(`/${f}`));
    })
    .join("");
}
