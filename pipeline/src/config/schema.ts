import { z } from "../../vendor/zod.js";
import { IMAGES } from "../../modules/pins.js";
import { TOOL_INPUT_EXCLUDES } from "../../modules/project.js";
import { MIN_SAMPLES } from "../../modules/report/bench.js";
import { image, release } from "./image-schema.js";
import { deploy } from "./deploy-schema.js";
import { ciDeployProblems, ciSection } from "./ci-keys.js";
import { services, unknownServiceProblems } from "./services-schema.js";
import { allowNullWhereAbsent, emptyIsAbsent, insidePath, matching, pinnedImage, section } from "./rules.js";
import { CUSTOM_STAGE_NAME, customStage, replacingCommands, stageExtras, type CustomStageConfig } from "./stage-keys.js";

/**
 * The `pipeline.yaml` schema: the single source of the config's keys, their
 * descriptions and defaults. The JSON Schema for editors is generated from it
 * (`pipeline.schema.json`), so a key is documented in exactly one place.
 */

export const LANGUAGES = ["go", "node", "python"] as const;
export type Language = (typeof LANGUAGES)[number];

const commands = replacingCommands;

const percent = z.number().min(0).max(100);

const lint = section(
  z.strictObject({
    enabled: z.boolean().default(true).describe("Run the lint stage."),
    commands,
    ...stageExtras("lint"),
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
    ...stageExtras("test"),
  }),
).describe("Unit tests with coverage, written as JUnit and Cobertura reports.");

/** A Go build tag, as go build -tags takes them (letters, digits, _ and .). */
const goTag = z.string().regex(/^[A-Za-z0-9_.]+$/, { error: "a Go build tag: letters, digits, _ and ." });

const integration = section(
  z
    .strictObject({
      enabled: z.boolean().default(true).describe("Run the integration-test stage."),
      tags: emptyIsAbsent(z.array(goTag).default(["integration"])).describe(
        "Go only: the build tags of the integration tests' files (go test -tags); the packages with test files behind them run, with -count=1, as go's test cache cannot see the services. [] with run: every package.",
      ),
      run: z.string().min(1).optional().describe("Go only: a -run pattern selecting the integration tests, e.g. ^TestIntegration; with tags: [], the unit tests leave them out (-skip)."),
      marker: z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: "a pytest marker's name: letters, digits and _" })
        .default("integration")
        .describe("Python only: the pytest marker of the integration tests (pytest -m integration); the unit tests leave them out (-m 'not property and not integration')."),
      files: z
        .string()
        .min(1)
        .default("**/*.integration.test.*")
        .describe("Node only: a glob of the integration test files, run by the project's test runner (vitest, jest or node --test) and left out of the unit tests."),
      script: z.string().min(1).optional().describe("Node only: a package.json script to run instead of files (e.g. test:integration), judged by its exit code."),
      commands,
      ...stageExtras("integration"),
    })
    .superRefine((value, ctx) => {
      if (value.tags.length > 0 || value.run !== undefined) return;
      ctx.addIssue({
        code: "custom",
        path: ["tags"],
        message: "no build tags and no run pattern: nothing tells the integration tests from the unit tests",
        params: { fix: "keep tags (default [integration]) or add run, e.g. run: ^TestIntegration" },
        input: value.tags,
      });
    }),
).describe(
  "Integration tests, beside the unit tests and concurrently with them, against the services they name (default: every one of services), each a fresh instance for this stage; a JUnit report.",
);

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
    ...stageExtras("propertyTest"),
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
    withoutBaseline: z
      .enum(["once", "skip"])
      .default("once")
      .describe(
        "With no baseline file yet: once runs each benchmark one time (-count 1) to record its figures and prints how to record a baseline; skip does not run the benchmarks.",
      ),
    commands,
    ...stageExtras("bench"),
  }),
).describe("Benchmarks, compared against a committed baseline.");

const images = section(
  z.strictObject({
    go: pinnedImage("images.go", IMAGES.go).default(IMAGES.go).describe("Go only: the toolchain (go vet, gofmt, tests, fuzz seeds, benchmarks, the scan's govulncheck and gosec)."),
    golangciLint: pinnedImage("images.golangciLint", IMAGES.golangciLint)
      .default(IMAGES.golangciLint)
      .describe("Go only: golangci-lint, run instead of go vet + gofmt when a .golangci.* config exists."),
    node: pinnedImage("images.node", IMAGES.node).default(IMAGES.node).describe("Node only: node and npm, for every stage."),
    python: pinnedImage("images.python", IMAGES.python).default(IMAGES.python).describe("Python only: every stage, with ruff, pytest and hypothesis installed (and the scan's pip-audit and bandit)."),
    git: pinnedImage("images.git", IMAGES.git).default(IMAGES.git).describe("git: reads the commit, branch, tags and history of the checkout given as --git."),
    gitleaks: pinnedImage("images.gitleaks", IMAGES.gitleaks).default(IMAGES.gitleaks).describe("gitleaks: the scan stage's secret scan (working tree and history)."),
    osvScanner: pinnedImage("images.osvScanner", IMAGES.osvScanner).default(IMAGES.osvScanner).describe("Node only: osv-scanner, the scan stage's dependency scan of the lockfile."),
    semgrep: pinnedImage("images.semgrep", IMAGES.semgrep).default(IMAGES.semgrep).describe("semgrep: the scan stage's SAST with the bundled rules and the project's .semgrep/."),
    trivy: pinnedImage("images.trivy", IMAGES.trivy).default(IMAGES.trivy).describe("trivy: the scan stage's misconfiguration checks (Dockerfiles, Kubernetes, Helm, Terraform)."),
    hadolint: pinnedImage("images.hadolint", IMAGES.hadolint).default(IMAGES.hadolint).describe("hadolint: the scan stage's Dockerfile linter (an image with a shell: the -debian variant)."),
    syft: pinnedImage("images.syft", IMAGES.syft).default(IMAGES.syft).describe("syft: the images' SBOMs (SPDX 2.3 and CycloneDX 1.6 JSON)."),
    grype: pinnedImage("images.grype", IMAGES.grype).default(IMAGES.grype).describe("grype: the image scan when image.scan.scanner is grype."),
    cosign: pinnedImage("images.cosign", IMAGES.cosign).default(IMAGES.cosign).describe("cosign: image signatures, SBOM attestations and release-file signatures."),
    alpine: pinnedImage("images.alpine", IMAGES.alpine).default(IMAGES.alpine).describe("The toolbox (sh, tar, base64) the image checks and the signing tools run in."),
    distrolessStatic: pinnedImage("images.distrolessStatic", IMAGES.distrolessStatic)
      .default(IMAGES.distrolessStatic)
      .describe("Go only: the base of an image built without a Dockerfile."),
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
      .describe("Go only: the vulnerability database govulncheck reads (-db): vuln.go.dev or a mirror of it."),
    tools: section(
      z.strictObject({
        govulncheck: scanTool("Go only: known vulnerabilities the code reaches (govulncheck)."),
        gosec: scanTool("Go only: SAST (gosec)."),
        osvScanner: scanTool("Node only: known vulnerabilities in the lockfile (osv-scanner)."),
        pipAudit: scanTool("Python only: known vulnerabilities in requirements files and pyproject.toml (pip-audit)."),
        semgrep: scanTool("SAST with the bundled rules and the project's .semgrep/ (semgrep)."),
        bandit: scanTool("Python only: SAST (bandit)."),
        gitleaks: scanTool("Secrets in the working tree and the history (gitleaks)."),
        trivy: scanTool("Misconfiguration of Dockerfiles, Kubernetes manifests, Helm charts, Terraform (trivy config)."),
        hadolint: scanTool("Dockerfile lint (hadolint)."),
      }),
    ).describe("Each scanner on or off."),
  }),
).describe("Security scans: dependencies, SAST, secrets and misconfiguration, one SARIF report, a severity gate.");

const builtinStages = { lint, test, integration, propertyTest, bench, scan };

/** The built-in stages, in the order `ci` lists them (bench last: it runs alone, after the others). */
export const STAGE_NAMES = ["lint", "test", "integration", "propertyTest", "scan", "bench"] as const satisfies readonly (keyof typeof builtinStages)[];
export type StageName = (typeof STAGE_NAMES)[number];

const stages = section(
  z
    .object(builtinStages)
    .catchall(customStage)
    .superRefine((value, ctx) => {
      for (const name of Object.keys(value)) {
        if (name in builtinStages || CUSTOM_STAGE_NAME.test(name)) continue;
        ctx.addIssue({
          code: "custom",
          path: [name],
          input: name,
          message: `a stage's name is a folder of reports/: a lower-case letter, then letters, digits, _ or -, got ${JSON.stringify(name)}`,
          params: { fix: "rename the stage, e.g. integration-test" },
        });
      }
    })
    .meta({ propertyNames: { pattern: CUSTOM_STAGE_NAME.source } }),
).describe(`Per-stage switches and options: the built-in stages (${STAGE_NAMES.join(", ")}), and stages of your own (a name with image and commands).`);

/** What one project is made of: with `projects`, each sets these, the top-level ones being its defaults. */
const projectKeys = {
  language: z
    .enum(LANGUAGES)
    .optional()
    .describe("Project language; detected from go.mod, package.json, pyproject.toml or requirements.txt when absent."),
  workdir: insidePath("workdir", "repository", "services/api")
    .default(".")
    .describe("The project's folder, relative to the repository root (for monorepos)."),
  images,
  toolInputs,
  stages,
  services,
  image,
  release,
  deploy,
};

/** A project name: its reports' folder (reports/<name>/) and its label in the summary. */
export const PROJECT_NAME = /^[a-z0-9][a-z0-9_.-]*$/;

const project = z
  .strictObject({
    ...projectKeys,
    workdir: insidePath("projects.<name>.workdir", "repository", "services/api").describe(
      "The project's folder, relative to the repository root; each project has its own.",
    ),
  })
  .describe("One project of the repository: its folder, and any key of a single-project pipeline.yaml (language, images, stages, release...), over the top-level ones.");

const projects = emptyIsAbsent(
  z
    .record(z.string().regex(PROJECT_NAME, { error: "a project's name is a folder of reports/: lower-case letters, digits, ., _ or -" }), project)
    .optional(),
)
  .meta({ propertyNames: { pattern: PROJECT_NAME.source } })
  .describe(
    "Several projects in one repository, by name (e.g. web, worker, api), each with its own workdir, language, stages and images: `ci` runs them concurrently and reports each under reports/<name>/. " +
      "The top-level images, toolInputs and stages are every project's defaults; language and workdir are then set per project.",
  );

export const pipelineConfigSchema = z
  .strictObject({
    $schema: z.string().optional().describe("Path or URL of pipeline.schema.json, for editor completion."),
    version: z.literal(1).default(1).describe("Config format version."),
    ...projectKeys,
    projects,
    ci: ciSection,
  })
  .superRefine((value, ctx) => {
    for (const { path, problem } of ciDeployProblems(value)) ctx.addIssue({ code: "custom", path, message: problem.message, params: { fix: problem.fix }, input: undefined });
    // With projects, each project is checked with the top-level keys merged in (projects.ts): its own services count.
    if (value.projects !== undefined) return;
    for (const { path, problem } of unknownServiceProblems(value)) ctx.addIssue({ code: "custom", path, message: problem.message, params: { fix: problem.fix }, input: undefined });
  })
  .describe("pipeline.yaml: configuration of the pipeline-as-code engine.");

type WrittenConfig = z.output<typeof pipelineConfigSchema>;

/** The built-in stages' settings, every default applied. */
export type BuiltinStages = { [S in StageName]: z.output<(typeof builtinStages)[S]> };

/**
 * One project's config with every default applied (the whole file's, when it
 * has no `projects`): the built-in stages under `stages`, the user's own under
 * `customStages`, in the order written.
 */
export type PipelineConfig = Omit<WrittenConfig, "stages" | "projects"> & {
  stages: BuiltinStages;
  customStages: Record<string, CustomStageConfig>;
};
export type { CustomStageConfig };

/** The written config's own stages object, split into the built-in stages and the user's. */
export function splitStages(written: WrittenConfig["stages"]): Pick<PipelineConfig, "stages" | "customStages"> {
  const builtins = {} as Record<string, unknown>;
  const customStages: Record<string, CustomStageConfig> = {};
  for (const [name, settings] of Object.entries(written)) {
    if (name in builtinStages) builtins[name] = settings;
    else customStages[name] = settings as CustomStageConfig;
  }
  return { stages: builtins as BuiltinStages, customStages };
}

/** The config as written and defaulted, its `projects` section still to resolve (load.ts does). */
export type { WrittenConfig };

/** JSON Schema of pipeline.yaml (what a user writes, so defaults are not required). */
export function pipelineJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(pipelineConfigSchema, { io: "input", target: "draft-2020-12", override: allowNullWhereAbsent });
}
