/**
 * The test stage through the project's own `test` script: its flags and its
 * runner's configuration (include/exclude, testPathIgnorePatterns,
 * --passWithNoTests) stay the project's. Report flags are added only after a
 * script whose runner is known (scriptRunner), and only flags that add an
 * output or an exclusion, never ones that replace a list the project set.
 * No Dagger import.
 */
import { hasDependency, INTEGRATION_FILES, reportPaths, type PackageJson, type PackageManager, type TestCommand } from "./args.js";
import { nodeTestFlags, runScriptWith, scriptRunner, type ScriptRunner } from "./scripts.js";

export interface ScriptTestCommand extends Omit<TestCommand, "results"> {
  /** The script's runner, when the pipeline knows it. */
  runner: ScriptRunner | undefined;
  /** No results file when the runner's reporter could only be replaced (mocha) or the runner is unknown. */
  results?: TestCommand["results"];
  /** Counts read from the tool's own summary lines instead of a results file. */
  summary?: "mocha";
}

/** `<manager> run test` with the report flags its runner takes without losing the project's setup. */
export function scriptTestCommand(manager: PackageManager, pkg: PackageJson, script: string, dir = "/tmp", integrationFiles = INTEGRATION_FILES): ScriptTestCommand {
  const runner = scriptRunner(script);
  const paths = reportPaths(dir);
  const run = (extra: string[]) => runScriptWith(manager, "test", extra);
  switch (runner) {
    case "vitest": {
      // Coverage needs a provider package; asking for it without one fails the run.
      const coverage = hasDependency(pkg, "@vitest/coverage-v8") || hasDependency(pkg, "@vitest/coverage-istanbul");
      return {
        runner,
        argv: run([
          ...(coverage
            ? ["--coverage.enabled", "--coverage.reporter=cobertura", "--coverage.reporter=text-summary", `--coverage.reportsDirectory=${paths.coverageDir}`]
            : []),
          // The CLI's reporters stand in for the config's (output only: which tests run stays the config's).
          "--reporter=default", "--reporter=junit", `--outputFile.junit=${paths.testJunit}`,
          // vitest adds CLI excludes to the config's own `exclude`: property and integration tests have their own stages.
          "--exclude=**/*.property.{test,spec}.*",
          `--exclude=${integrationFiles}`,
        ]),
        env: {},
        results: { path: paths.testJunit, format: "junit" },
        ...(coverage ? { coverage: { path: paths.testCobertura, format: "cobertura" as const } } : {}),
      };
    }
    case "jest":
      // --json writes a results file beside the project's reporters. No --testPathIgnorePatterns: it would replace the project's list.
      return {
        runner,
        argv: run([
          "--ci", "--json", `--outputFile=${paths.testJestJson}`,
          "--coverage", "--coverageReporters=cobertura", "--coverageReporters=text-summary", `--coverageDirectory=${paths.coverageDir}`,
        ]),
        env: {},
        results: { path: paths.testJestJson, format: "jest-json" },
        coverage: { path: paths.testCobertura, format: "cobertura" },
      };
    case "node": {
      // Node's test reporters add up, and NODE_OPTIONS takes them (not coverage, which only the command line turns on):
      // the script's own reporters and files stay; spec on stdout only when the script picks no reporter (any reporter replaces the default).
      const own = nodeTestFlags(script);
      const options = [
        ...(own.reporters ? [] : ["--test-reporter=spec", "--test-reporter-destination=stdout"]),
        "--test-reporter=junit", `--test-reporter-destination=${paths.testJunit}`,
        ...(own.coverage ? ["--test-reporter=lcov", `--test-reporter-destination=${paths.testLcov}`] : []),
      ];
      return {
        runner,
        argv: run([]),
        env: { NODE_OPTIONS: options.join(" ") },
        results: { path: paths.testJunit, format: "junit" },
        ...(own.coverage ? { coverage: { path: paths.testLcov, format: "lcov" as const } } : {}),
      };
    }
    case "mocha":
      // Mocha runs one reporter: a JUnit one would replace the project's (and its .mocharc's), so the counts come from its summary lines.
      return { runner, argv: run([]), env: {}, summary: "mocha" };
    case undefined:
      return { runner, argv: run([]), env: {} };
  }
}
