import { dag, type Container } from "@dagger.io/dagger";
import { withRerun, withSecretDuring, withStageSetup, type SecretFile } from "../call-inputs.js";
import { parseGoBench } from "../report/bench.js";
import { parseGoCoverprofile } from "../report/coverage.js";
import { parseGoTestJson } from "../report/go-test-json.js";
import { NON_ROOT_HOME, NON_ROOT_USER } from "../non-root.js";
import { hasFile, readProjectFile, WORKDIR, type Project } from "../project.js";
import { runTool, skippedVerdict, timed, type StageResult } from "../stage.js";
import type { Toolchain, ToolchainOptions } from "../toolchain.js";
import { benchVerdict, lintVerdict, testVerdict, type BenchGateOptions } from "../verdicts.js";
import * as args from "./args.js";

/**
 * The .netrc for private modules, during the download only: go reads NETRC,
 * and git (which go runs for a GOPRIVATE module) reads $HOME/.netrc, the same file.
 */
export const NETRC: SecretFile = { path: `${NON_ROOT_HOME}/.netrc`, env: "NETRC", owner: NON_ROOT_USER };

/**
 * Go toolchain (in `image`: Go's, or golangci-lint's, which has Go): as a
 * non-root user, with module and build caches, dependencies downloaded from
 * go.mod/go.sum alone (so editing code keeps that step cached), then the source.
 */
export function goContainer(project: Project, image: string, options: ToolchainOptions): Container {
  return asNonRoot(dag.container().from(image), options)
    .withDirectory(WORKDIR, project.toolInputs, { include: [...args.INSTALL_INPUTS], owner: NON_ROOT_USER })
    .with((c) => withSecretDuring(c, options.registries.netrc, NETRC, (install) => install.withExec(["go", "mod", "download"])))
    .withDirectory(WORKDIR, project.toolInputs, { owner: NON_ROOT_USER })
    .with((c) => withStageSetup(withRerun(c, options.rerun), options.stage, NON_ROOT_USER));
}

/** As the non-root user, with the module and build caches as volumes it owns; GOPRIVATE for the download and the tools. */
function asNonRoot(container: Container, options: ToolchainOptions): Container {
  const owner = { owner: NON_ROOT_USER };
  const { goprivate } = options.registries;
  return (goprivate ? container.withEnvVariable("GOPRIVATE", goprivate) : container)
    .withMountedCache("/go/pkg/mod", dag.cacheVolume("go-mod"), owner)
    .withMountedCache("/cache/go-build", dag.cacheVolume("go-build"), owner)
    .withEnvVariable("GOCACHE", "/cache/go-build")
    .withEnvVariable("GOMODCACHE", "/go/pkg/mod")
    .withEnvVariable("HOME", NON_ROOT_HOME)
    .withUser(NON_ROOT_USER)
    .withWorkdir(WORKDIR);
}

/** golangci-lint when the project configures it, else `go vet` and a gofmt check. */
function lint(project: Project, options: ToolchainOptions): Promise<StageResult> {
  return timed("lint", async () => {
    if (hasFile(project, ...args.GOLANGCI_CONFIGS)) {
      // Its own download step too, so private modules come with the .netrc and never in the lint exec.
      const linter = goContainer(project, options.images.golangciLint, options)
        .withMountedCache("/cache/golangci-lint", dag.cacheVolume("golangci-lint"), { owner: NON_ROOT_USER })
        .withEnvVariable("GOLANGCI_LINT_CACHE", "/cache/golangci-lint");
      return lintVerdict([{ run: await runTool(linter, args.golangciLintArgs()) }]);
    }
    const container = goContainer(project, options.images.go, options);
    const [vet, fmt] = await Promise.all([
      runTool(container, args.vetArgs()),
      runTool(container, args.gofmtArgs()),
    ]);
    const unformatted = args.unformattedFiles(fmt.stdout);
    return lintVerdict([
      { run: vet },
      {
        run: fmt,
        failed: unformatted.length > 0,
        errorLines: unformatted.map((file) => `${file}: not gofmt-formatted (run gofmt -w ${file})`),
      },
    ]);
  });
}

/** `go test` with the race detector and atomic coverage; JUnit and Cobertura reports. */
function test(project: Project, options: ToolchainOptions): Promise<StageResult> {
  return timed("test", async () => {
    const [run, goMod] = await Promise.all([
      runTool(goContainer(project, options.images.go, options), args.unitTestArgs({ race: options.race, skip: untaggedIntegrationRun(options) }), [args.COVERPROFILE]),
      readProjectFile(project, "go.mod"),
    ]);
    const profile = run.files[args.COVERPROFILE];
    const modulePath = goMod === undefined ? undefined : args.goModulePath(goMod);
    return testVerdict({
      stage: "test",
      run,
      suites: parseGoTestJson(`${run.stdout}\n${run.stderr}`),
      coverage: profile === undefined ? undefined : parseGoCoverprofile(profile, modulePath ? { modulePath } : {}),
      coverageThreshold: options.coverageThreshold,
      projectFolder: options.workdir,
    });
  });
}

/** The -run pattern of integration tests that no build tag sets apart, which the unit tests then skip. */
function untaggedIntegrationRun(options: ToolchainOptions): string | undefined {
  return options.integration.tags.length === 0 ? options.integration.run : undefined;
}

/**
 * The integration tests: the packages whose test files the build tags add (two `go list` runs tell
 * them), built with the tags (or every package, by -run alone), with the stage's services; JUnit report.
 */
function integration(project: Project, options: ToolchainOptions): Promise<StageResult> {
  return timed("integration", async () => {
    const { tags, run } = options.integration;
    const container = goContainer(project, options.images.go, options);
    let packages = ["./..."];
    if (tags.length > 0) {
      const [tagged, untagged] = await Promise.all([runTool(container, args.listTestFilesArgs(tags)), runTool(container, args.listTestFilesArgs([]))]);
      const failed = [tagged, untagged].find((listing) => listing.exitCode !== 0);
      if (failed) return testVerdict({ stage: "integration", run: failed, suites: [] });
      packages = args.taggedTestPackages(tagged.stdout, untagged.stdout);
      if (packages.length === 0) return skippedVerdict(`no test files behind the build tag${tags.length === 1 ? "" : "s"} ${tags.join(",")} (//go:build ${tags[0]})`);
    }
    const ran = await runTool(container, args.integrationTestArgs({ tags, run, packages }));
    return testVerdict({ stage: "integration", run: ran, suites: parseGoTestJson(`${ran.stdout}\n${ran.stderr}`) });
  });
}

/** Property tests (`TestProperty*` with testing/quick, fuzz seed corpora) with the configured iterations. */
function propertyTest(project: Project, options: ToolchainOptions): Promise<StageResult> {
  return timed("propertyTest", async () => {
    const container = goContainer(project, options.images.go, options).withEnvVariable(
      args.PROPERTY_ITERATIONS_ENV,
      String(options.iterations),
    );
    const listing = await runTool(container, args.listTestImportsArgs());
    const packages = listing.exitCode === 0 ? args.splitQuickPackages(listing.stdout) : undefined;
    const runs = await Promise.all(args.propertyTestArgs(options.iterations, packages).map((argv) => runTool(container, argv)));
    // One verdict over every run: the failing one speaks for the stage, the tests of all count.
    const run = runs.find((r) => r.exitCode !== 0) ?? runs[0]!;
    const suites = runs.flatMap((r) => parseGoTestJson(`${r.stdout}\n${r.stderr}`));
    return testVerdict({ stage: "propertyTest", run, suites });
  });
}

/** Benchmarks with `-count` samples, compared against the baseline. */
function bench(project: Project, options: ToolchainOptions, gate: BenchGateOptions): Promise<StageResult> {
  return timed("bench", async () => {
    const run = await runTool(goContainer(project, options.images.go, options), args.benchArgs(gate.count));
    return benchVerdict({ run, current: parseGoBench(run.stdout), gate });
  });
}

export const goToolchain: Toolchain = {
  language: "go",
  container: async (project, options) => goContainer(project, options.images.go, options),
  lint,
  test,
  integration,
  propertyTest,
  bench,
};
