import { readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { detectLanguage, LANGUAGE_MARKERS } from "../../pipeline/src/config/detect.js";
import { pipelineConfigSchema, type Language } from "../../pipeline/src/config/schema.js";
import { CliError } from "../errors.js";
import { pathKind } from "../path-kind.js";

export interface InitOptions {
  dir: string;
  language?: Language;
  force?: boolean;
}

/** Writes a commented pipeline.yaml for the project's language; never overwrites without `force`. */
export function init(options: InitOptions): { file: string; language: Language } {
  const dir = pathKind(options.dir);
  if (dir === "missing") {
    throw new CliError("INIT_DIR_NOT_FOUND", `--dir ${options.dir}: no such directory.\n  Fix: pass the project folder, or create it first: mkdir -p ${options.dir}`);
  }
  if (dir !== "directory") {
    throw new CliError("INIT_DIR_NOT_A_DIRECTORY", `--dir ${options.dir} is not a directory.\n  Fix: pass the project folder that holds it: --dir ${dirname(options.dir)}`);
  }
  const file = join(options.dir, "pipeline.yaml");
  const existing = pathKind(file);
  if (existing === "directory") {
    throw new CliError("INIT_TARGET_IS_A_DIRECTORY", `${file} is a directory, so no pipeline.yaml can be written there.\n  Fix: rename or remove that directory.`);
  }
  if (existing !== "missing" && !options.force) {
    throw new CliError("INIT_EXISTS", `${file} already exists.\n  Fix: edit it, or pass --force to replace it.`);
  }
  const entries = readdirSync(options.dir);
  const language = options.language ?? detectLanguage(entries);
  if (!language) {
    throw new CliError(
      "INIT_NO_LANGUAGE",
      `cannot detect the language of ${options.dir}: none of ${LANGUAGE_MARKERS.join(", ")} is there.\n  Fix: pass --language go|node|python.`,
    );
  }
  writeFileSync(file, configTemplate(language));
  return { file, language };
}

/** The commented template; every value shown is the default, so it validates as written. */
export function configTemplate(language: Language): string {
  const d = pipelineConfigSchema.parse({});
  const s = d.stages;
  return `# pipeline.yaml: configuration of \`dagger call ci\` (and \`pipeline plan ci\`).
# Every key is optional; the values below are the defaults. Editor completion:
# point your YAML language server at pipeline.schema.json.
version: 1

# go | node | python; detected from go.mod, package.json, pyproject.toml or
# requirements.txt when absent.
language: ${language}

# The project's folder, relative to the repository root (monorepos).
workdir: ${d.workdir}

# Tool images, pinned by tag or digest: an upgrade is one edit.
images:
  go: ${d.images.go}
  golangciLint: ${d.images.golangciLint}
  node: ${d.images.node}
  python: ${d.images.python}

stages:
  lint:
    enabled: ${s.lint.enabled}
    # commands: [[npm, run, lint]]   # replaces the toolchain's linters; argv arrays, no shell
  test:
    enabled: ${s.test.enabled}
    race: ${s.test.race}                 # Go: the race detector
    coverageThreshold: ${s.test.coverageThreshold}      # percent; 0 disables the gate
  propertyTest:
    enabled: ${s.propertyTest.enabled}
    iterations: ${s.propertyTest.iterations}            # testing/quick MaxCount, hypothesis max_examples, fast-check numRuns
  bench:
    enabled: ${s.bench.enabled}
    count: ${s.bench.count}                   # samples per benchmark
    regressionThreshold: ${s.bench.regressionThreshold}    # percent slowdown that fails, when significant
    alpha: ${s.bench.alpha}                # Mann-Whitney U significance level
    baseline: ${s.bench.baseline}   # write it with: dagger call bench-baseline -o <path>

# \`dagger call release --tag v1.2.0\` builds the Dockerfile and publishes it here.
# release:
#   image: ghcr.io/<owner>/<name>
#   platforms: [${d.release.platforms.join(", ")}]
#   dockerfile: ${d.release.dockerfile}
`;
}
