import { z } from "../../vendor/zod.js";
import { IMAGES } from "../../modules/pins.js";
import { TOOL_INPUT_EXCLUDES } from "../../modules/project.js";
import { MIN_SAMPLES } from "../../modules/report/bench.js";
import { deploy } from "./deploy-schema.js";
import { image, release } from "./image-schema.js";
import { allowNullWhereAbsent, emptyIsAbsent, insidePath, matching, pinnedImage, section } from "./rules.js";

/**
 * The `pipeline.yaml` schema: the single source of the config's keys, their
 * descriptions and defaults. The JSON Schema for editors is generated from it
 * (`pipeline.schema.json`), so a key is documented in exactly one place.
 */

export const LANGUAGES = ["go", "node", "python"] as const;
export type Language = (typeof LANGUAGES)[number];

const argv = z
  .array(z.string().min(1))
  .min(1)
  .describe("A command as an argv array, e.g. [npm, run, lint]. It is never passed to a shell.");

const commands = emptyIsAbsent(z.array(argv).optional()).describe("Commands to run instead of the toolchain's defaults, each an argv array.");

const percent = z.number().min(0).max(100);

const lint = section(
  z.strictObject({
    enabled: z.boolean().default(true).describe("Run the lint stage."),
    commands,
  }),
).describe("Linters and formatters: golangci-lint or go vet + gofmt, the package's lint/typecheck scripts, ruff.");

const test = section(
  z.strictObject({
    enabled: z.boolean().default(true).describe("Run the unit-test stage."),
    race: z.boolean().default(true).describe("Go only: run tests with the race detector."),
    coverageThreshold: percent
      .default(80)
      .describe("Fail when coverage is below this percentage: lines (Go: statements; coverage.py: its own total, with branches when measured). 0 disables the gate."),
    commands,
  }),
).describe("Unit tests with coverage, written as JUnit and Cobertura reports.");

const propertyTest = section(
  z.strictObject({
    enabled: z.boolean().default(true).describe("Run the property-test stage."),
    iterations: z
      .number()
      .int()
      .min(1)
      .default(100)
      .describe("Cases per property: testing/quick -quickchecks, hypothesis max_examples, fast-check numRuns."),
    commands,
  }),
).describe("Property tests: Go fuzz seeds and TestProperty*, hypothesis (-m property), fast-check (*.property.test.*).");

const bench = section(
  z.strictObject({
    enabled: z.boolean().default(true).describe("Run the benchmark stage."),
    count: z
      .number()
      .int()
      .min(MIN_SAMPLES, {
        error: (issue) =>
          `expected at least ${MIN_SAMPLES} samples per benchmark, got ${String(issue.input)}: with fewer on either side ` +
          `the comparison counts every change as insignificant (a Mann-Whitney U test cannot reach p < 0.05), so the regression gate could never fail`,
      })
      .max(100)
      .default(6)
      .describe(`Samples per benchmark (go test -count); at least ${MIN_SAMPLES}, so a regression can be significant.`),
    regressionThreshold: percent
      .default(10)
      .describe("Fail on a statistically significant slowdown larger than this percentage."),
    alpha: z
      .number()
      .gt(0)
      .lt(1)
      .default(0.05)
      .describe("Significance level of the Mann-Whitney U test, as benchstat uses."),
    baseline: insidePath("stages.bench.baseline", "project", ".pipeline/bench-baseline.json")
      .default(".pipeline/bench-baseline.json")
      .describe("Baseline file, relative to the project; write it with `dagger call bench-baseline`."),
    commands,
  }),
).describe("Benchmarks, compared against a committed baseline.");

const images = section(
  z.strictObject({
    go: pinnedImage("images.go", IMAGES.go).default(IMAGES.go).describe("Go toolchain: go vet, gofmt, tests, fuzz seeds, benchmarks."),
    golangciLint: pinnedImage("images.golangciLint", IMAGES.golangciLint)
      .default(IMAGES.golangciLint)
      .describe("golangci-lint, run instead of go vet + gofmt when a .golangci.* config exists."),
    node: pinnedImage("images.node", IMAGES.node).default(IMAGES.node).describe("Node and npm: every stage."),
    python: pinnedImage("images.python", IMAGES.python).default(IMAGES.python).describe("Python: every stage, with ruff, pytest and hypothesis installed."),
    gitleaks: pinnedImage("images.gitleaks", IMAGES.gitleaks).default(IMAGES.gitleaks).describe("gitleaks: the scan stage's secret scan (working tree and history)."),
    osvScanner: pinnedImage("images.osvScanner", IMAGES.osvScanner).default(IMAGES.osvScanner).describe("osv-scanner: the scan stage's dependency scan of Node lockfiles."),
    semgrep: pinnedImage("images.semgrep", IMAGES.semgrep).default(IMAGES.semgrep).describe("semgrep: the scan stage's SAST with the bundled rules and the project's .semgrep/."),
    trivy: pinnedImage("images.trivy", IMAGES.trivy).default(IMAGES.trivy).describe("trivy: the scan stage's misconfiguration checks (Dockerfiles, Kubernetes, Helm, Terraform)."),
    hadolint: pinnedImage("images.hadolint", IMAGES.hadolint).default(IMAGES.hadolint).describe("hadolint: the scan stage's Dockerfile linter (an image with a shell: the -debian variant)."),
    syft: pinnedImage("images.syft", IMAGES.syft).default(IMAGES.syft).describe("syft: the images' SBOMs (SPDX 2.3 and CycloneDX 1.6 JSON)."),
    grype: pinnedImage("images.grype", IMAGES.grype).default(IMAGES.grype).describe("grype: the image scan when image.scan.scanner is grype."),
    cosign: pinnedImage("images.cosign", IMAGES.cosign).default(IMAGES.cosign).describe("cosign: image signatures, SBOM attestations and release-file signatures."),
    alpine: pinnedImage("images.alpine", IMAGES.alpine).default(IMAGES.alpine).describe("The toolbox (sh, tar, base64) the image checks and the signing tools run in."),
    distrolessStatic: pinnedImage("images.distrolessStatic", IMAGES.distrolessStatic)
      .default(IMAGES.distrolessStatic)
      .describe("Base of a Go image built without a Dockerfile."),
  }),
).describe("Tool images, each pinned by a version tag or a digest: a floating tag like latest or alpine is rejected.");

const toolInputs = section(
  z.strictObject({
    exclude: emptyIsAbsent(z.array(z.string().min(1)).default([...TOOL_INPUT_EXCLUDES])).describe(
      "Glob patterns, relative to the project folder, of files the tool containers leave out (a later pattern wins; `!` keeps a match). " +
        "Setting it replaces the defaults: keep in whatever a test or build reads, like Markdown a test or a go:embed opens, or CI files a test checks.",
    ),
  }),
).describe(
  "What the lint, test and bench containers get of the project: all of it but the files no tool reads, so editing docs, CI files or pipeline.yaml reruns nothing.",
);

const scanTool = (what: string) => z.boolean().default(true).describe(what);

const scan = section(
  z.strictObject({
    enabled: z.boolean().default(true).describe("Run the security scan stage."),
    failOn: z
      .enum(["critical", "high", "medium", "low", "info", "none"])
      .default("high")
      .describe("Fail on any finding of this severity or above that the ignore file does not accept; none reports without failing. A scanner that cannot scan always fails."),
    ignoreFile: insidePath("stages.scan.ignoreFile", "project", ".pipeline/scan-ignore.yaml")
      .default(".pipeline/scan-ignore.yaml")
      .describe("Accepted findings, relative to the project: each entry needs id, path, reason and expires (YYYY-MM-DD); an expired entry fails the scan."),
    history: z.boolean().default(true).describe("Also scan every commit for secrets when the source has its .git."),
    govulncheckDb: matching(/^(https?|file):\/\/\S+$/, (value) => ({
      message: `expected an http(s):// or file:// URL of a Go vulnerability database, got ${JSON.stringify(value)}`,
      fix: "write the database's URL, e.g. https://vuln.go.dev (the default) or your mirror's",
    }))
      .default("https://vuln.go.dev")
      .describe("The Go vulnerability database govulncheck reads (-db): vuln.go.dev or a mirror of it."),
    tools: section(
      z.strictObject({
        govulncheck: scanTool("Go: known vulnerabilities the code reaches (govulncheck)."),
        gosec: scanTool("Go: SAST (gosec)."),
        osvScanner: scanTool("Node: known vulnerabilities in the lockfile (osv-scanner)."),
        pipAudit: scanTool("Python: known vulnerabilities in requirements files and pyproject.toml (pip-audit)."),
        semgrep: scanTool("SAST with the bundled rules and the project's .semgrep/ (semgrep)."),
        bandit: scanTool("Python: SAST (bandit)."),
        gitleaks: scanTool("Secrets in the working tree and the history (gitleaks)."),
        trivy: scanTool("Misconfiguration of Dockerfiles, Kubernetes manifests, Helm charts, Terraform (trivy config)."),
        hadolint: scanTool("Dockerfile lint (hadolint)."),
      }),
    ).describe("Each scanner on or off."),
  }),
).describe("Security scans: dependencies, SAST, secrets and misconfiguration, one SARIF report, a severity gate.");


export const pipelineConfigSchema = z
  .strictObject({
    $schema: z.string().optional().describe("Path or URL of pipeline.schema.json, for editor completion."),
    version: z.literal(1).default(1).describe("Config format version."),
    language: z
      .enum(LANGUAGES)
      .optional()
      .describe("Project language; detected from go.mod, package.json, pyproject.toml or requirements.txt when absent."),
    workdir: insidePath("workdir", "repository", "services/api")
      .default(".")
      .describe("The project's folder, relative to the repository root (for monorepos)."),
    images,
    toolInputs,
    stages: section(z.strictObject({ lint, test, propertyTest, bench, scan })).describe("Per-stage switches and options."),
    image,
    release,
    deploy,
  })
  .describe("pipeline.yaml: configuration of the pipeline-as-code engine.");

/** The config with every default applied. */
export type PipelineConfig = z.output<typeof pipelineConfigSchema>;
export type StageName = keyof PipelineConfig["stages"];
export const STAGE_NAMES: readonly StageName[] = ["lint", "test", "propertyTest", "scan", "bench"];

/** JSON Schema of pipeline.yaml (what a user writes, so defaults are not required). */
export function pipelineJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(pipelineConfigSchema, { io: "input", target: "draft-2020-12", override: allowNullWhereAbsent });
}
