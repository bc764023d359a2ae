import { dag, type Container } from "@dagger.io/dagger";
import { withRerun, withSecretDuring, withStageSetup, type SecretFile } from "../call-inputs.js";
import { parseGoBench } from "../report/bench.js";
import { parseGoCoverprofile, summarizeFiles, underFolder } from "../report/coverage.js";
import { parseGoTestJson } from "../report/go-test-json.js";
import { NON_ROOT_HOME, NON_ROOT_USER } from "../non-root.js";
import { hasFile, WORKDIR, type Project } from "../project.js";
import { runTool, skippedVerdict, timed, type StageResult } from "../stage.js";
import type { Toolchain, ToolchainOptions } from "../toolchain.js";
import { benchVerdict, lintVerdict, testVerdict, type BenchGateOptions } from "../verdicts.js";
import * as args from "./args.js";
import { goModules, perModuleName, type GoModule } from "./modules.js";

/**
 * The .netrc for private modules, during the download only: go reads NETRC,
 * and git (which go runs for a GOPRIVATE module) reads $HOME/.netrc, the same file.
 */
export const NETRC: SecretFile = { path: `${NON_ROOT_HOME}/.netrc`, env: "NETRC", owner: NON_ROOT_USER };

/**
 * Go toolchain (in `image`: Go's, or golangci-lint's, which has Go): as a
 * non-root user, with module and build caches, dependencies downloaded from
 * go.mod/go.sum alone (so editing code keeps that step cached), in each
 * module's folder (`moduleDirs`, the root alone by default), then the source.
 */
export function goContainer(project: Project, image: string, options: ToolchainOptions, moduleDirs: readonly string[] = ["."]): Container {
  const download = (install: Container) =>
    moduleDirs.reduce((step, dir) => inModule(step, dir).withExec(["go", "mod", "download"]), install).withWorkdir(WORKDIR);
  return asNonRoot(dag.container().from(image), options)
    .withDirectory(WORKDIR, project.toolInputs, { include: [...args.INSTALL_INPUTS], owner: NON_ROOT_USER })
    .with((c) => withSecretDuring(c, options.registries.netrc, NETRC, (install) => (moduleDirs.length === 1 && moduleDirs[0] === "." ? install.withExec(["go", "mod", "download"]) : download(install))))
    .withDirectory(WORKDIR, project.toolInputs, { owner: NON_ROOT_USER })
    .with((c) => withStageSetup(withRerun(c, options.rerun), options.stage, NON_ROOT_USER));
}

/** The container with a module's folder as the workdir, where go finds its go.mod (and above it, a go.work). */
function inModule(container: Container, dir: string): Container {
  return dir === "." ? container : container.withWorkdir(`${WORKDIR}/${dir}`);
}

/** Where one module's `go test` writes its coverage profile: args.COVERPROFILE for the root. */
function coverprofileOf(dir: string): string {
  return `/tmp/${perModuleName(dir, "coverage", ".out")}`;
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
    const modules = await goModules(project);
    const dirs = modules.map((m) => m.dir);
    if (hasFile(project, ...args.GOLANGCI_CONFIGS)) {
      // Its own download step too, so private modules come with the .netrc and never in the lint exec.
      const linter = goContainer(project, options.images.golangciLint, options, dirs)
        .withMountedCache("/cache/golangci-lint", dag.cacheVolume("golangci-lint"), { owner: NON_ROOT_USER })
        .withEnvVariable("GOLANGCI_LINT_CACHE", "/cache/golangci-lint");
      const runs = await Promise.all(modules.map((m) => runTool(inModule(linter, m.dir), args.golangciLintArgs())));
      return lintVerdict(runs.map((run, i) => ({ run, ...inModuleLabel(modules, i) })));
    }
    const container = goContainer(project, options.images.go, options, dirs);
    // gofmt reads files, not modules: one run over the whole tree.
    const [fmt, ...vets] = await Promise.all([runTool(container, args.gofmtArgs()), ...modules.map((m) => runTool(inModule(container, m.dir), args.vetArgs()))]);
    const unformatted = args.unformattedFiles(fmt.stdout);
    return lintVerdict([
      ...vets.map((run, i) => ({ run, ...inModuleLabel(modules, i) })),
      {
        run: fmt,
        failed: unformatted.length > 0,
        errorLines: unformatted.map((file) => `${file}: not gofmt-formatted (run gofmt -w ${file})`),
      },
    ]);
  });
}

/**
 * `go test` with the race detector and atomic coverage, in each module's folder (a nested module or a
 * go.work's is no package of the root's `./...`); one JUnit and one Cobertura report over all of them.
 */
function test(project: Project, options: ToolchainOptions): Promise<StageResult> {
  return timed("test", async () => {
    const modules = await goModules(project);
    const container = goContainer(project, options.images.go, options, modules.map((m) => m.dir));
    const skip = untaggedIntegrationRun(options);
    const runs = await Promise.all(
      modules.map((m) => runTool(inModule(container, m.dir), args.unitTestArgs({ race: options.race, coverprofile: coverprofileOf(m.dir), skip }), [coverprofileOf(m.dir)])),
    );
    const suites = runs.map((run) => parseGoTestJson(`${run.stdout}\n${run.stderr}`));
    const profiles = modules.flatMap((m, i) => {
      const profile = runs[i]!.files[coverprofileOf(m.dir)];
      return profile === undefined ? [] : [underFolder(parseGoCoverprofile(profile, m.modulePath ? { modulePath: m.modulePath } : {}), m.dir)];
    });
    const verdict = testVerdict({
      stage: "test",
      // The failing module's run speaks for the stage; the tests of all count.
      run: runs.find((r) => r.exitCode !== 0) ?? runs[0]!,
      suites: suites.flat(),
      coverage: profiles.length === 0 ? undefined : summarizeFiles(profiles.flatMap((p) => p.files)),
      coverageThreshold: options.coverageThreshold,
      projectFolder: options.workdir,
    });
    if (modules.length === 1) return verdict;
    const perModule = modules.map((m, i) => {
      const tests = suites[i]!.reduce((n, suite) => n + suite.tests.length, 0);
      return `module ${m.dir}${m.modulePath ? ` (${m.modulePath})` : ""}: ${tests === 0 ? "no tests found" : `${tests} test${tests === 1 ? "" : "s"}`}, exit code ${runs[i]!.exitCode}`;
    });
    return { ...verdict, details: [...verdict.details, ...perModule] };
  });
}

/** A lint run's module, for its line, when there is more than one. */
function inModuleLabel(modules: readonly GoModule[], i: number): { where?: string } {
  return modules.length > 1 ? { where: `module ${modules[i]!.dir}` } : {};
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
  container: (project, options) => Promise.resolve(goContainer(project, options.images.go, options)),
  lint,
  test,
  integration,
  propertyTest,
  bench,
};
