/**
 * Pipeline-as-code: the whole CI pipeline as Dagger functions. Configure it
 * with pipeline.yaml at the repository root (every key has a default).
 */
import { argument, check, dag, Directory, File, func, object, Secret } from "@dagger.io/dagger";
import { cutRelease } from "./run/release.js";
import { loadProject } from "./run/load-project.js";
import { reportsDirectory, runCheck, runLoadedStages, runStages, verdict } from "./run/stages.js";

@object()
export class Pipeline {
  source: Directory;

  /**
   * @param source The repository to run on; defaults to the one holding dagger.json.
   */
  constructor(
    @argument({
      defaultPath: "/",
      // Never an input of anything: VCS data, installed dependencies, local environments, tool caches and reports (local runs rewrite them).
      ignore: ["**/node_modules", "**/.git", "pipeline/sdk", "**/.venv", "**/__pycache__", "**/.pytest_cache", "**/.hypothesis", "**/.mypy_cache", "**/.ruff_cache", "**/.coverage", "**/.nyc_output", "reports"],
    })
    source: Directory,
  ) {
    this.source = source;
  }

  /**
   * Runs lint, unit tests with coverage, property tests and benchmarks
   * concurrently, prints the summary, and fails if any stage or gate fails.
   * Use `reports` to export the JUnit, Cobertura and benchmark reports.
   */
  @func()
  async ci(): Promise<string> {
    return verdict(await runStages(this.source));
  }

  /** Runs the linters (golangci-lint or go vet + gofmt, the lint/typecheck scripts, ruff). */
  @func()
  @check()
  async lint(): Promise<void> {
    await runCheck(this.source, "lint");
  }

  /** Runs unit tests with coverage (Go with the race detector) and applies the coverage gate. */
  @func()
  @check()
  async test(): Promise<void> {
    await runCheck(this.source, "test");
  }

  /** Runs property tests (testing/quick and fuzz seeds, hypothesis, fast-check) with the configured iterations. */
  @func()
  @check()
  async propertyTest(): Promise<void> {
    await runCheck(this.source, "propertyTest");
  }

  /** Runs benchmarks and fails on a significant regression against the committed baseline. */
  @func()
  @check()
  async bench(): Promise<void> {
    await runCheck(this.source, "bench");
  }

  /**
   * Runs every stage and returns their reports (summary.md, JUnit XML,
   * Cobertura coverage, benchmark comparison) without failing, so CI can
   * upload them: `dagger call reports export --path reports`.
   */
  @func()
  async reports(): Promise<Directory> {
    return reportsDirectory(await runStages(this.source));
  }

  /**
   * Measures the benchmarks and returns a new baseline file, without
   * comparing with the old one (replacing it after an accepted slowdown is
   * what this is for): `dagger call bench-baseline -o .pipeline/bench-baseline.json`.
   * Never cached: every call measures anew, as a stale measurement is no baseline.
   */
  @func({ cache: "never" })
  async benchBaseline(): Promise<File> {
    const loaded = await loadProject(this.source);
    const run = await runLoadedStages({ ...loaded, baselineText: undefined, baselineProblem: undefined }, ["bench"]);
    const current = run.results[0]?.reports["bench/current.json"];
    if (run.failed || current === undefined) throw new Error(run.summary);
    return dag.directory().withNewFile("bench-baseline.json", current).file("bench-baseline.json");
  }

  /**
   * Cuts a release: runs every gate, then builds the project's Dockerfile for
   * each configured platform and publishes the image tagged with the version
   * (a stable release also moves major.minor, major and latest). Never
   * cached: every call runs the gates and publishes.
   *
   * @param tag The release tag: v + a semantic version, like v1.2.0.
   * @param registryToken Registry password or token, e.g. env://REGISTRY_TOKEN.
   * @param registryUsername Registry user; defaults to pipeline.yaml's release.registryUsername.
   */
  @func({ cache: "never" })
  async release(tag: string, registryToken?: Secret, registryUsername?: string): Promise<string> {
    return cutRelease(this.source, { tag, registryToken, registryUsername });
  }
}
