/**
 * The exact commands the Go toolchain runs, as argv arrays. Pure, so tests
 * run these same commands on the examples with the Go installed there.
 */

/** The module download step's only inputs (go.work and its modules' go.mod files for workspaces): editing code keeps that step cached. */
export const INSTALL_INPUTS = ["go.mod", "go.sum", "go.work", "go.work.sum", "**/go.mod", "**/go.sum"] as const;

/** Where `go test` writes the coverage profile inside the container. */
export const COVERPROFILE = "/tmp/coverage.out";

/** Property tests by convention: `TestProperty*` (testing/quick) and native fuzz targets' seed corpus. */
export const PROPERTY_TEST_PATTERN = "^(TestProperty|Fuzz)";

/**
 * Also set from `stages.propertyTest.iterations`, for property libraries
 * other than testing/quick (rapid, gopter) that a project configures itself.
 */
export const PROPERTY_ITERATIONS_ENV = "PROPERTY_ITERATIONS";

/** The module path go.mod declares (`module example.com/app`), which prefixes every file in a coverprofile. */
export function goModulePath(goMod: string): string | undefined {
  return /^\s*module\s+"?([^"\s]+)"?/m.exec(goMod)?.[1];
}

export function vetArgs(): string[] {
  return ["go", "vet", "./..."];
}

/** `gofmt -l` exits 0 even when files need formatting: the stage fails on any output. */
export function gofmtArgs(): string[] {
  return ["gofmt", "-l", "."];
}

/** The files `gofmt -l` listed, without vendored code, which the project does not own. */
export function unformattedFiles(gofmtStdout: string): string[] {
  return gofmtStdout.split("\n").filter((file) => file && !file.startsWith("vendor/"));
}

export function golangciLintArgs(): string[] {
  return ["golangci-lint", "run", "--timeout=5m", "./..."];
}

/** `skip`: the integration tests' -run pattern when no build tag sets them apart (stages.integration.tags: []). */
export function unitTestArgs(options: { race: boolean; coverprofile?: string; skip?: string | undefined }): string[] {
  return [
    "go",
    "test",
    ...(options.race ? ["-race"] : []),
    "-covermode=atomic",
    `-coverprofile=${options.coverprofile ?? COVERPROFILE}`,
    ...(options.skip === undefined ? [] : [`-skip=${options.skip}`]),
    "-json",
    "./...",
  ];
}

/** Each package with its test files under `tags` (`-e`: a broken package still lists): the integration stage's packages are those that gain files. */
export function listTestFilesArgs(tags: readonly string[]): string[] {
  return ["go", "list", "-e", ...(tags.length > 0 ? [`-tags=${tags.join(",")}`] : []), "-f", "{{.ImportPath}}{{range .TestGoFiles}} {{.}}{{end}}{{range .XTestGoFiles}} {{.}}{{end}}", "./..."];
}

/** The packages that have test files with the tags (`tagged`, a listTestFilesArgs output) they lack without (`untagged`). */
export function taggedTestPackages(tagged: string, untagged: string): string[] {
  const read = (listing: string) => new Map(listing.split("\n").map((line) => line.trim().split(/\s+/)).filter(([pkg]) => pkg).map(([pkg, ...files]) => [pkg!, new Set(files)]));
  const without = read(untagged);
  return [...read(tagged)].filter(([pkg, files]) => [...files].some((file) => !without.get(pkg)?.has(file))).map(([pkg]) => pkg);
}

/**
 * The integration tests: the packages given (taggedTestPackages, or ./... without tags) built with the
 * tags, `-run` selecting them when set. `-count=1`: go's test cache keys on files and env, not on the
 * services the tests talk to, so a cached pass would not have run against this stage's services.
 */
export function integrationTestArgs(options: { tags: readonly string[]; run?: string | undefined; packages: readonly string[] }): string[] {
  return [
    "go",
    "test",
    ...(options.tags.length > 0 ? [`-tags=${options.tags.join(",")}`] : []),
    "-count=1",
    ...(options.run === undefined ? [] : [`-run=${options.run}`]),
    "-json",
    ...options.packages,
  ];
}

/** Lists each package with its test imports, to find those using testing/quick (`-e`: a broken package still lists). */
export function listTestImportsArgs(): string[] {
  return ["go", "list", "-e", "-f", "{{.ImportPath}}{{range .TestImports}} {{.}}{{end}}{{range .XTestImports}} {{.}}{{end}}", "./..."];
}

/** The packages of `listTestImportsArgs` output, split by whether their tests import testing/quick. */
export function splitQuickPackages(listStdout: string): { quick: string[]; others: string[] } {
  const quick: string[] = [];
  const others: string[] = [];
  for (const line of listStdout.split("\n")) {
    const [pkg, ...imports] = line.trim().split(/\s+/);
    if (!pkg) continue;
    (imports.includes("testing/quick") ? quick : others).push(pkg);
  }
  return { quick, others };
}

/**
 * The property test runs: testing/quick's `-quickchecks` flag sets the count
 * of every check whose Config leaves MaxCount 0 (an explicit MaxCount wins),
 * but a test binary without testing/quick rejects the flag, so the packages
 * using it run apart. Without a listing (it failed), one run of everything.
 */
export function propertyTestArgs(iterations: number, packages?: { quick: string[]; others: string[] }): string[][] {
  const run = (targets: string[]) => ["go", "test", "-run", PROPERTY_TEST_PATTERN, "-json", ...targets];
  if (!packages || packages.quick.length === 0) return [run(["./..."])];
  const runs = [[...run(packages.quick), "-args", `-quickchecks=${iterations}`]];
  if (packages.others.length > 0) runs.push(run(packages.others));
  return runs;
}

export function benchArgs(count: number): string[] {
  return ["go", "test", "-run", "^$", "-bench", ".", "-benchmem", "-count", String(count), "./..."];
}

/** Go lint config files whose presence selects golangci-lint over `go vet` + gofmt. */
export const GOLANGCI_CONFIGS = [".golangci.yml", ".golangci.yaml", ".golangci.toml", ".golangci.json"];
