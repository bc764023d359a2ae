import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { configTemplate, LANGUAGE_ONLY_KEYS, SHARED_IMAGE_KEYS } from "../../cli/commands/init.js";
import { loadConfig } from "../../pipeline/src/config/load.js";
import { LANGUAGES, pipelineJsonSchema } from "../../pipeline/src/config/schema.js";
import { cli, CLI_BIN } from "../helpers/cli.js";

function tempDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "pipeline-cli-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe("pipeline validate", () => {
  it("exits 0 for a valid file, and for no file at all, saying the defaults apply rather than that a file is valid", async () => {
    const dir = tempDir({ "pipeline.yaml": "language: go\n" });
    expect(await cli("validate", join(dir, "pipeline.yaml"))).toMatchObject({ code: 0, out: `${join(dir, "pipeline.yaml")}: valid\n` });
    const cwd = process.cwd();
    try {
      process.chdir(tempDir());
      expect(await cli("validate")).toEqual({
        code: 0,
        out: `no pipeline.yaml in ${process.cwd()}: every key takes its default (pipeline init writes a commented one)\n`,
        err: "",
      });
    } finally {
      process.chdir(cwd);
    }
  });

  it("exits 1 with file:line:column, key path and fix for an invalid file", async () => {
    const dir = tempDir({ "pipeline.yaml": "stages:\n  bench:\n    regresionThreshold: 5\n" });
    const file = join(dir, "pipeline.yaml");
    const result = await cli("validate", file);
    expect(result.code).toBe(1);
    expect(result.err).toBe(
      `${file}:3:5 stages.bench.regresionThreshold: unknown key "regresionThreshold" (did you mean "regressionThreshold"?)\n` +
        `  Fix: rename it to "regressionThreshold"\n1 problem in ${file}\n`,
    );
  });

  it("exits 1 naming the file when an explicit file is missing", async () => {
    const result = await cli("validate", "/nonexistent/pipeline.yaml");
    expect(result.code).toBe(1);
    expect(result.err).toContain("/nonexistent/pipeline.yaml: no such file");
    expect(result.err).not.toMatch(/\n\s+at /);
  });
});

/** The template with every commented-out key line uncommented: what a user gets by uncommenting all of it. */
function uncommented(text: string): string {
  return text.replace(/^# ( *[\w$]+:(?: |$))/gm, "$1");
}

const defaults = loadConfig("");

/** Dotted paths of every leaf key in a YAML mapping. */
function leafKeys(value: unknown, path: string[] = []): string[] {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return [path.join(".")];
  return Object.entries(value).flatMap(([key, child]) => leafKeys(child, [...path, key]));
}

describe("pipeline init", () => {
  it("writes a commented pipeline.yaml for the detected language that validates and, as written, is the defaults", async () => {
    const dir = tempDir({ "go.mod": "module example.com/x\n\ngo 1.19\n" });
    const result = await cli("init", "--dir", dir);
    expect(result).toMatchObject({ code: 0, out: `wrote ${join(dir, "pipeline.yaml")} (language: go)\n` });
    const text = readFileSync(join(dir, "pipeline.yaml"), "utf8");
    expect(text).toMatch(/^# pipeline\.yaml/);
    expect(text).toContain("#   golangciLint: ");
    expect(loadConfig(text)).toEqual(defaults);
  });

  it.each(LANGUAGES)("the %s template, as written, loads exactly as an empty file does", (language) => {
    expect(defaults.ok).toBe(true);
    expect(loadConfig(configTemplate(language))).toEqual(defaults);
  });

  // The strict schema rejects unknown keys, so this also proves every key init writes exists in the schema.
  it.each(LANGUAGES)("the %s template, uncommented, is valid and shows the defaults (plus three examples)", (language) => {
    const loaded = loadConfig(uncommented(configTemplate(language)));
    expect(loaded.problems).toEqual([]);
    if (!loaded.ok || !defaults.ok) return;
    const lint = { go: [["go", "vet", "./..."]], node: [["npm", "run", "lint"]], python: [["ruff", "check", "."]] }[language];
    const expected = structuredClone(defaults.config);
    Object.assign(expected, { language });
    Object.assign(expected.release, { image: "ghcr.io/<owner>/<name>" });
    Object.assign(expected.stages.lint, { commands: lint });
    // Go and Node also show how else to pick out the integration tests: a -run pattern, a package.json script.
    if (language === "go") Object.assign(expected.stages.integration, { run: "^TestIntegration" });
    if (language === "node") Object.assign(expected.stages.integration, { script: "test:integration" });
    expect(loaded.config).toEqual(expected);
  });

  it.each([
    ["go", ["go", "golangciLint", "distrolessStatic"]],
    ["node", ["node", "osvScanner"]],
    ["python", ["python"]],
  ] as const)("the %s template names only its own images and language-only keys, and no shared image", (language, images) => {
    const keys = leafKeys(parse(uncommented(configTemplate(language))));
    expect(keys.filter((key) => key.startsWith("images.")).sort()).toEqual(images.map((image) => `images.${image}`).sort());
    const own = Object.entries(LANGUAGE_ONLY_KEYS).flatMap(([key, only]) => (only.language === language ? [key] : []));
    expect(keys.filter((key) => key in LANGUAGE_ONLY_KEYS).sort()).toEqual(own.sort());
    expect(keys.filter((key) => SHARED_IMAGE_KEYS.some((shared) => key === shared || key.startsWith(`${shared}.`)))).toEqual([]);
  });

  it("LANGUAGE_ONLY_KEYS holds exactly the keys the schema calls language-only; every image is either that or in SHARED_IMAGE_KEYS", () => {
    const described = new Map<string, string | undefined>();
    const walk = (node: { description?: string; properties?: Record<string, object> }, path: string[]): void => {
      for (const [key, child] of Object.entries(node.properties ?? {})) {
        const at = [...path, key];
        described.set(at.join("."), (child as { description?: string }).description);
        walk(child, at);
      }
    };
    walk(pipelineJsonSchema(), []);
    const languageOnly = [...described].flatMap(([key, description]) => {
      const only = /^(Go|Node|Python) only\b/.exec(description ?? "")?.[1]?.toLowerCase();
      return only ? [`${key}: ${only}`] : [];
    });
    expect(Object.entries(LANGUAGE_ONLY_KEYS).map(([key, only]) => `${key}: ${only.language}`).sort()).toEqual(languageOnly.sort());
    const images = [...described.keys()].filter((key) => key.startsWith("images."));
    expect(images.filter((key) => (key in LANGUAGE_ONLY_KEYS) === SHARED_IMAGE_KEYS.includes(key)), "images in both lists or in neither").toEqual([]);
    expect(SHARED_IMAGE_KEYS.filter((key) => !images.includes(key) && key !== "deploy.images"), "shared keys that are no image").toEqual([]);
    expect(described.has("deploy.images")).toBe(true);
    // An image named after a language belongs to it.
    for (const language of LANGUAGES) expect(LANGUAGE_ONLY_KEYS[`images.${language}`]?.language).toBe(language);
  });

  it("writes the language line itself only when --language overrides what detection finds", async () => {
    const dir = tempDir({ "go.mod": "module x\n", "package.json": "{}" });
    expect((await cli("init", "--dir", dir, "--language", "node")).code).toBe(0);
    const loaded = loadConfig(readFileSync(join(dir, "pipeline.yaml"), "utf8"));
    expect(loaded.ok && loaded.config.language).toBe("node");
    expect((await cli("init", "--dir", dir, "--language", "go", "--force")).code).toBe(0);
    expect(readFileSync(join(dir, "pipeline.yaml"), "utf8")).toMatch(/^# language: go /m);
  });

  // Pins appear verbatim: a pin bump changes the file init writes, so this snapshot is updated with it (vitest -u).
  it("tells the user how to get the schema for editor completion, and documents each key on its line", () => {
    expect(configTemplate("node")).toMatchInlineSnapshot(`
      "# pipeline.yaml: configuration of \`dagger call ci\` (and \`pipeline plan ci\`), written by \`pipeline init\`.
      # Each commented-out line shows a default, which applies while the line stays
      # commented, so upgrading pipeline also upgrades it. To change a value, remove
      # the "# " of its line and of the keys above it. \`pipeline validate\` checks the file.
      # Editor completion: run \`pipeline schema > pipeline.schema.json\` (again after
      # each upgrade), then put \`# yaml-language-server: $schema=./pipeline.schema.json\`
      # on the first line of this file.

      # version: 1                                   # Config format version.
      # language: node                               # Project language; detected from go.mod, package.json, pyproject.toml or requirements.txt when absent.
      # workdir: .                                   # The project's folder, relative to the repository root (for monorepos).

      # images:                                      # Tool images, each pinned by a version tag or a digest: a floating tag like latest or alpine is rejected.
      #   node: node:24.21.0-bookworm-slim@sha256:2fe369e969550cde8e867afc3fe370b260140cab4a23d467074295b42163d553  # Node only: node and npm, for every stage.
      #   osvScanner: ghcr.io/google/osv-scanner:v2.3.6@sha256:2e07e642463100474fc5e214b66e6beccbd6bfa63dd3fbf047b3f755e78a6cfe  # Node only: osv-scanner, the scan stage's dependency scan of the lockfile.

      # toolInputs:                                  # What the lint, test and bench containers get of the project: all of it but the files no tool reads, so editing docs, CI files or pipeline.yaml reruns nothing.
      #   exclude:                                   # Glob patterns, relative to the project folder, of files the tool containers leave out (a later pattern wins; \`!\` keeps a match). Setting it replaces the defaults: keep in whatever a test or build reads, like Markdown a test or a go:embed opens, or CI files a test checks.
      #     - "**/*.md"
      #     - "!**/test/**"
      #     - "!**/tests/**"
      #     - "!**/__tests__/**"
      #     - "!**/testdata/**"
      #     - "!**/fixtures/**"
      #     - "!**/__fixtures__/**"
      #     - .github
      #     - .gitlab
      #     - .gitlab-ci.yml
      #     - pipeline.yaml
      #     - pipeline.schema.json
      #     - .vscode
      #     - .idea

      # stages:                                      # Per-stage switches and options: the built-in stages (lint, test, integration, propertyTest, scan, bench), and stages of your own (a name with image and commands).
      #   lint:                                      # Linters and formatters: golangci-lint or go vet + gofmt, the package's lint/typecheck scripts, ruff.
      #     enabled: true                            # Run the lint stage.
      #     commands: [[npm, run, lint]]             # Commands to run instead of the toolchain's defaults, each an argv array (exit code only: no report parsing or gate). before and after still run around them.
      #     ifNothingRuns: fail                      # When the stage finds nothing to run (no test found, no linter, nothing planned): fail fails ci and names why; skip reports the stage skipped with the reason, and ci goes on. Default here: fail.
      #   test:                                      # Unit tests with coverage, written as JUnit and Cobertura reports.
      #     enabled: true                            # Run the unit-test stage.
      #     coverageThreshold: 80                    # Fail when coverage is below this percentage: lines (Go: statements; coverage.py: its own total, with branches when measured). 0 disables the gate.
      #     ifNothingRuns: fail                      # When the stage finds nothing to run (no test found, no linter, nothing planned): fail fails ci and names why; skip reports the stage skipped with the reason, and ci goes on. Default here: fail.
      #   integration:                               # Integration tests, beside the unit tests and concurrently with them, against the services they name (default: every one of services), each a fresh instance for this stage; a JUnit report.
      #     enabled: true                            # Run the integration-test stage.
      #     files: "**/*.integration.test.*"         # Node only: a glob of the integration test files, run by the project's test runner (vitest, jest or node --test) and left out of the unit tests.
      #     script: test:integration                 # Node only: a package.json script to run instead of files (e.g. test:integration), judged by its exit code.
      #     ifNothingRuns: skip                      # When the stage finds nothing to run (no test found, no linter, nothing planned): fail fails ci and names why; skip reports the stage skipped with the reason, and ci goes on. Default here: skip.
      #   propertyTest:                              # Property tests: Go fuzz seeds and TestProperty*, hypothesis (-m property), fast-check (*.property.test.*).
      #     enabled: true                            # Run the property-test stage.
      #     iterations: 100                          # Cases per property: testing/quick -quickchecks, hypothesis max_examples, fast-check numRuns.
      #     ifNothingRuns: skip                      # When the stage finds nothing to run (no test found, no linter, nothing planned): fail fails ci and names why; skip reports the stage skipped with the reason, and ci goes on. Default here: skip.
      #   bench:                                     # Benchmarks, compared against a committed baseline.
      #     enabled: true                            # Run the benchmark stage.
      #     count: 6                                 # Samples per benchmark (go test -count); at least 4, so a regression can be significant.
      #     regressionThreshold: 10                  # Fail on a statistically significant slowdown larger than this percentage.
      #     alpha: 0.05                              # Significance level of the Mann-Whitney U test, as benchstat uses.
      #     baseline: .pipeline/bench-baseline.json  # Baseline file, relative to the project; write it with \`dagger call bench-baseline\`.
      #     withoutBaseline: once                    # With no baseline file yet: once runs each benchmark one time (-count 1) to record its figures and prints how to record a baseline; skip does not run the benchmarks.
      #     ifNothingRuns: skip                      # When the stage finds nothing to run (no test found, no linter, nothing planned): fail fails ci and names why; skip reports the stage skipped with the reason, and ci goes on. Default here: skip.
      #   scan:                                      # Security scans: dependencies, SAST, secrets and misconfiguration, one SARIF report, a severity gate.
      #     enabled: true                            # Run the security scan stage.
      #     failOn: high                             # Fail on any finding of this severity or above that the ignore file does not accept; none reports without failing. A scanner that cannot scan always fails.
      #     ignoreFile: .pipeline/scan-ignore.yaml   # Accepted findings, relative to the project: each entry needs id, path, reason and expires (YYYY-MM-DD); an expired entry fails the scan.
      #     history: true                            # Also scan every commit for secrets when the source has its .git.
      #     tools:                                   # Each scanner on or off.
      #       osvScanner: true                       # Node only: known vulnerabilities in the lockfile (osv-scanner).
      #       semgrep: true                          # SAST with the bundled rules and the project's .semgrep/ (semgrep).
      #       gitleaks: true                         # Secrets in the working tree and the history (gitleaks).
      #       trivy: true                            # Misconfiguration of Dockerfiles, Kubernetes manifests, Helm charts, Terraform (trivy config).
      #       hadolint: true                         # Dockerfile lint (hadolint).

      # image:                                       # The container image: build, policy, scan, SBOM, signing and tags.
      #   buildArgs: {}                              # Build arguments; VERSION, REVISION and SOURCE_DATE_EPOCH are set by the pipeline.
      #   tags:                                      # Tags of \`publish\`; a release adds X.Y.Z, X.Y, X and latest (a prerelease only its own).
      #     mainBranches: [main, master]             # Branches whose builds \`publish\` tags sha-<short>.
      #     branch: false                            # Also tag each build with its branch name (made tag-safe).
      #   policy:                                    # The image policy: a non-root numeric USER, a HEALTHCHECK, no secret-looking ENV, no forbidden files in any layer, the OCI labels.
      #     disable: []                              # Rules turned off, each with its reason: nonRootUser, numericUser, healthcheck, secretEnv, forbiddenFiles, labels.
      #     requiredLabels:                          # Labels every image must carry, non-empty.
      #       - org.opencontainers.image.source
      #       - org.opencontainers.image.revision
      #       - org.opencontainers.image.version
      #       - org.opencontainers.image.created
      #       - org.opencontainers.image.title
      #     forbiddenFiles:                          # Path globs no layer may hold (a file deleted by a later layer is still in the image). Setting it replaces the defaults: .git, .env, private keys, credential files.
      #       - "**/.git"
      #       - "**/.git/**"
      #       - "**/.env"
      #       - "**/.env.*"
      #       - "**/id_rsa"
      #       - "**/id_dsa"
      #       - "**/id_ecdsa"
      #       - "**/id_ed25519"
      #       - "**/*.key"
      #       - "**/*.p12"
      #       - "**/*.pfx"
      #       - "**/.npmrc"
      #       - "**/.pypirc"
      #       - "**/.netrc"
      #       - "**/.git-credentials"
      #       - "**/.aws/credentials"
      #       - "**/.docker/config.json"
      #     allowFiles:                              # Path globs exempted from forbiddenFiles (default: .env.example and other dotenv templates).
      #       - "**/.env.example"
      #       - "**/.env.sample"
      #       - "**/.env.template"
      #       - "**/.env.dist"
      #   scan:                                      # Image vulnerability scan (scan-image, and in release before anything is pushed).
      #     enabled: true                            # Scan every platform's image for known vulnerabilities before it is published.
      #     scanner: trivy                           # trivy image or grype, on the exported image (no registry involved).
      #     failOn: high                             # Fail on a vulnerability of this severity or above; none reports without failing.
      #     ignoreUnfixed: false                     # Fail only on vulnerabilities that have a fixed version.
      #     ignore: []                               # Accepted vulnerabilities (CVE or GHSA id), each with a reason and the last day it applies; an expired entry fails the scan.
      #   sign:                                      # cosign signatures and SBOM attestations: with --signing-key, or keyless with --oidc-token.
      #     transparencyLog: true                    # Record signatures in the public Rekor log (keyless signing needs it; turn off for private images signed with a key).

      # release:                                     # Releases: \`dagger call release --tag v1.2.0\` runs every gate, builds, checks, scans, signs and publishes the image, and creates the release with its artifacts.
      #   image: ghcr.io/<owner>/<name>              # Image to publish, without tag, like ghcr.io/acme/go-service. Required by \`dagger call release\` (or image.name).
      #   registryUsername: pipeline                 # Registry user for the token given as --registry-token (GHCR: any non-empty name).
      #   dockerfile: Dockerfile                     # Dockerfile, relative to the project.
      #   platforms: [linux/amd64, linux/arm64]      # Platforms of the multi-arch image.
      #   packages: true                             # Attach the language's package: npm pack's tarball (not for a private package), Python's sdist and wheel.

      # deploy:                                      # Deploys: \`dagger call deploy --environment staging --image <repo>@sha256:... --kubeconfig file://...\`.
      #   fieldManager: pipeline                     # The server-side apply field manager.
      #   environments: {}                           # The environments, by name: \`dagger call deploy --environment <name>\`.

      # ci:                                          # How \`pipeline wrappers\` writes the CI files: triggers, the failure notification, coverage upload, the release's environment, the deploy after it.
      #   schedule: []                               # Scheduled runs, as cron lines (UTC), e.g. a nightly scan against new vulnerability data: GitHub's on.schedule; on GitLab, create the schedule under Build > Pipeline schedules (the ci job runs in it).
      #   manual: false                              # Allow manual runs: GitHub's workflow_dispatch (Run workflow), GitLab's Run pipeline (source web).
      #   codecov: false                             # Upload the Cobertura coverage to Codecov after the tests (GitHub, with the CODECOV_TOKEN secret); GitLab shows coverage natively.
      "
    `);

  });

  it("refuses to overwrite without --force, and fails clearly when the language is unknown", async () => {
    const dir = tempDir({ "pipeline.yaml": "language: node\n", "package.json": "{}" });
    const refused = await cli("init", "--dir", dir);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("already exists");
    expect(readFileSync(join(dir, "pipeline.yaml"), "utf8")).toBe("language: node\n");
    expect((await cli("init", "--dir", dir, "--force")).code).toBe(0);
    const unknown = await cli("init", "--dir", tempDir({ "README.md": "" }));
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain("--language go|node|python");
  });
});

describe("paths of the wrong kind", () => {
  it.each([
    ["validate <dir>", (dir: string) => ["validate", dir], (dir: string) => `error: ${dir} is a directory, not a pipeline.yaml.\n  Fix: pass the file itself: pipeline validate ${join(dir, "pipeline.yaml")}\n`],
    ["init --dir <missing>", (dir: string) => ["init", "--dir", join(dir, "nope")], (dir: string) => `error: --dir ${join(dir, "nope")}: no such directory.\n  Fix: pass the project folder, or create it first: mkdir -p ${join(dir, "nope")}\n`],
    ["init --dir <file> --force", (dir: string) => ["init", "--dir", join(dir, "go.mod"), "--force"], (dir: string) => `error: --dir ${join(dir, "go.mod")} is not a directory.\n  Fix: pass the project folder that holds it: --dir ${dir}\n`],
  ])("%s exits 1 naming the path and the fix, without a stack trace", async (_name, argv, message) => {
    const dir = tempDir({ "go.mod": "module x\n" });
    const result = await cli(...argv(dir));
    expect(result.code).toBe(1);
    expect(result.err).toBe(message(dir));
  });

  it("init refuses a pipeline.yaml that is a directory, even with --force", async () => {
    const dir = tempDir({ "go.mod": "module x\n" });
    mkdirSync(join(dir, "pipeline.yaml"));
    const result = await cli("init", "--dir", dir, "--force");
    expect(result.code).toBe(1);
    expect(result.err).toContain(`${join(dir, "pipeline.yaml")} is a directory, so no pipeline.yaml can be written there`);
  });
});

describe("usage", () => {
  it("exits 2 on usage errors and 0 on --help and --version", async () => {
    expect((await cli("frobnicate")).code).toBe(2);
    expect((await cli("init", "--language", "rust")).code).toBe(2);
    expect((await cli("plan")).code).toBe(2);
    const help = await cli("--help");
    expect(help.code).toBe(0);
    for (const command of ["validate", "plan", "init", "doctor"]) expect(help.out).toContain(command);
    expect((await cli("--version")).out).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it("runs as a real process from any directory, with the exit code and stderr of an invalid config", async () => {
    const dir = tempDir({ "pipeline.yaml": "language: [go]\n" });
    const result = await execa("node", [CLI_BIN, "validate"], { cwd: dir, reject: false });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("pipeline.yaml:1:11 language:");
    expect(result.stderr).not.toContain("    at ");
  });
});
