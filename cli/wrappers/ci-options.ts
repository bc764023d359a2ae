import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { formatProblem, loadConfig, type ConfigResult } from "../../pipeline/src/config/load.js";
import type { CiConfig } from "../../pipeline/src/config/ci-keys.js";
import type { PipelineConfig } from "../../pipeline/src/config/schema.js";
import { publishedImageName } from "../../pipeline/src/config/image-schema.js";
import { secretMount } from "../../pipeline/src/config/stage-keys.js";
import { CliError } from "../errors.js";
import { pathKind } from "../path-kind.js";
import { wrapperFiles, type WrapperPart } from "./templates.js";

/** What the wrappers are written from: pipeline.yaml's `ci` section, its stages' secrets and its projects. */
export interface WrapperInputs {
  ci: CiConfig;
  /** Each stage secret by name, with the CI variable (GitHub secret, GitLab CI/CD variable) it comes from. */
  secrets: { name: string; variable: string }[];
  /** The projects' names (reports/<name>/...), none for a single-project file. */
  projects: string[];
  /** The repository has a .gitmodules: the checkouts bring its submodules, recursively. */
  submodules: boolean;
  /** The optional parts pipeline.yaml asks for: the release when some project has an image to publish, the deploy and the notification with their ci keys. */
  parts: Set<WrapperPart>;
  /** With ci.deploy: the environment, and the secret its deploy takes (none for a GitOps repository needing no token). */
  deploy?: { environment: string; secret?: { flag: "--kubeconfig" | "--git-token"; variable: string } } | undefined;
}

/**
 * pipeline.yaml of the repository the wrappers go into (its defaults when
 * there is no file): the triggers, the coverage upload, the failure
 * notification and the release's environment the files are written with, and
 * the secrets its stages need from CI. A file that does not validate stops
 * the wrappers, naming its problems.
 */
export function ciOptionsOf(repoDir: string): WrapperInputs {
  const file = join(repoDir, "pipeline.yaml");
  const loaded = loadConfig(existsSync(file) ? readFileSync(file, "utf8") : undefined, file);
  if (!loaded.ok) {
    throw new CliError("WRAPPERS_CONFIG_INVALID", `${loaded.problems.map(formatProblem).join("\n")}\n  (the wrappers are written from ${file}'s ci section; pipeline validate checks it)`);
  }
  return {
    ci: loaded.config.ci,
    secrets: stageSecrets(loaded, file),
    projects: loaded.projects.map((p) => p.name),
    submodules: pathKind(join(repoDir, ".gitmodules")) === "file",
    parts: new Set([
      ...(publishesAnImage(loaded) ? ["release" as const] : []),
      ...(loaded.config.ci.deploy ? ["deploy" as const] : []),
      ...(loaded.config.ci.notify ? ["notify" as const] : []),
      ...(loaded.config.ci.codecov ? ["codecov" as const] : []),
    ]),
    deploy: deployInputs(loaded.config),
  };
}

/** The deploy's secret, as `deploy` asks for it: the kubeconfig, or a GitOps push over https its token (the schema checked the environment exists). */
function deployInputs(config: PipelineConfig): WrapperInputs["deploy"] {
  const deploy = config.ci.deploy;
  if (!deploy) return undefined;
  const gitops = config.deploy.environments[deploy.environment]?.gitops;
  if (gitops && !/^https:/.test(gitops.repository)) return { environment: deploy.environment };
  const secret = gitops ? { flag: "--git-token" as const, variable: deploy.secret ?? "DEPLOY_REPO_TOKEN" } : { flag: "--kubeconfig" as const, variable: deploy.secret ?? "KUBECONFIG_DATA" };
  return { environment: deploy.environment, secret };
}

/** `release` stops with nothing to publish unless some project names its image. */
function publishesAnImage(loaded: Extract<ConfigResult, { ok: true }>): boolean {
  const configs = loaded.projects.length > 0 ? loaded.projects.map((p) => p.config) : [loaded.config];
  return configs.some((config) => publishedImageName(config) !== undefined);
}

/** A CI variable's name, as the generated files may spell it in `${{ secrets.X }}` and a shell: nothing else gets in. */
const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Every secret some stage of some project names, and the CI variable it is
 * given from: CI has its secrets as variables, so only env://NAME references
 * can be given there (a file:// or cmd:// one is for local runs).
 */
function stageSecrets(loaded: Extract<ConfigResult, { ok: true }>, file: string): { name: string; variable: string }[] {
  const configs: { where: string; config: PipelineConfig }[] =
    loaded.projects.length > 0 ? loaded.projects.map((p) => ({ where: `projects.${p.name}.`, config: p.config })) : [{ where: "", config: loaded.config }];
  const found = new Map<string, { variable: string; key: string }>();
  for (const { where, config } of configs) {
    const stages: [string, { enabled: boolean; secrets?: Record<string, string | { from: string }> | undefined }][] = [...Object.entries(config.stages), ...Object.entries(config.customStages)];
    for (const [stage, settings] of stages) {
      if (!settings.enabled) continue;
      for (const [name, value] of Object.entries(settings.secrets ?? {})) {
        const key = `${where}stages.${stage}.secrets.${name}`;
        const { from } = secretMount(value);
        const variable = /^env:\/\/(.*)$/.exec(from)?.[1];
        if (variable === undefined || !VARIABLE.test(variable)) {
          throw new CliError(
            "WRAPPERS_SECRET_UNSUPPORTED",
            `${file} ${key}: ${JSON.stringify(from)} cannot be given in CI, where secrets are variables.\n` +
              `  Fix: store it as a CI secret (GitHub: repository secret; GitLab: masked variable) and write env://${name} (a file:// or cmd:// reference is for local runs: dagger call with-secret --name ${name} --value ${JSON.stringify(from)} ...)`,
          );
        }
        const other = found.get(name);
        if (other && other.variable !== variable) {
          throw new CliError(
            "WRAPPERS_SECRET_CONFLICT",
            `${file} ${key}: env://${variable}, but ${other.key} gives the same secret as env://${other.variable}; a call gives each secret name one value.\n  Fix: give both the same reference, or name them apart.`,
          );
        }
        found.set(name, other ?? { variable, key });
      }
    }
  }
  return [...found].map(([name, { variable }]) => ({ name, variable })).sort((a, b) => a.name.localeCompare(b.name));
}

/** A flow-style YAML list of quoted strings: cron lines and path globs as GitHub and GitLab read them. */
const list = (items: readonly string[]) => `[${items.map((item) => JSON.stringify(item)).join(", ")}]`;

/** `with-secret` for each stage secret, each on its line, to follow the call's prefix. */
const withSecrets = (inputs: WrapperInputs) => inputs.secrets.map(({ name, variable }) => `with-secret --name ${name} --value env://${variable}`);

/**
 * The constructor flag giving the module the ref CI built, so it knows the branch on a detached HEAD. Every
 * provider sets GIT_REF from its own variables, and the call reads it as a quoted shell variable: a branch
 * name (a fork's, too) is data, never part of the script.
 */
const GIT_REF_FLAG = '--git-ref="$GIT_REF"';

/** The call prefix of the functions that read the checkout's git metadata (reports, ci, release). */
const withGitRef = (prefix: string) => `${prefix} ${GIT_REF_FLAG}`;

/** The reports call: `-o` exports the returned folder (a shorter `export --path`, to keep the line within 120). */
const REPORTS = "reports -o reports";

/** yamllint's line length (ci/.yamllint.yml). */
const MAX_LINE = 120;

/**
 * A `dagger call` as a YAML scalar: on one line when it fits in `MAX_LINE`
 * after `lead` (the line's text before it), else folded (`>-`), the prefix,
 * then a `with-secret` per stage secret, then the function, each on its line.
 */
function callScalar(prefix: string, inputs: WrapperInputs, rest: string, lead: string): string[] {
  const secrets = withSecrets(inputs);
  const line = `${prefix} ${rest}`;
  return secrets.length === 0 && lead.length + line.length <= MAX_LINE ? [line] : [">-", `  ${prefix}`, ...secrets.map((s) => `  ${s}`), `  ${rest}`];
}

/** `- run: <call>`, with the secrets' variables in the step's env (never the job's: the install script gets none). */
function githubCallStep(prefix: string, inputs: WrapperInputs, rest: string): string {
  const [first, ...more] = callScalar(prefix, inputs, rest, "      - run: ");
  const env = inputs.secrets.map(({ variable }) => `${variable}: "\${{ secrets.${variable} }}"`);
  const flow = `  env: {${env.join(", ")}}`;
  const envLines = env.length === 0 ? [] : flow.length <= 110 ? [flow] : ["  env:", ...env.map((line) => `    ${line}`)];
  return [`- run: ${first}`, ...more.map((line) => `  ${line}`), ...envLines].join("\n");
}

/** A GitLab script item: the CI/CD variables are the job's env already. */
function gitlabCallItem(prefix: string, inputs: WrapperInputs, rest: string): string {
  const [first, ...more] = callScalar(prefix, inputs, rest, "    - ");
  return [`- ${first}`, ...more].join("\n");
}

function gitlabIncludes(parts: ReadonlySet<WrapperPart>): string {
  const included = wrapperFiles("gitlab", parts).wanted.filter((file) => file.target !== ".gitlab-ci.yml");
  return included.length === 0 ? "" : ["include:", ...included.map((file) => `  - local: ${file.target}`)].join("\n");
}

/**
 * A sed script printing `<variable>=<repo>@sha256:<digest>` from the release's
 * summary: its "### 🚀 Published <repo>@sha256:..." line (pipeline/src/run/image.ts).
 * POSIX basic regular expressions, as GNU sed (GitHub) and busybox sed (GitLab's docker image) read them.
 */
export const releasedImageScript = (variable: string) => `s/^### .* Published \\([^ ]*@sha256:[0-9a-f]\\{64\\}\\)$/${variable}=\\1/p`;

/** The deploy's placeholders, filled only with ci.deploy (its files are written only then). */
function deployValues(inputs: WrapperInputs, prefix: string): Record<string, string> {
  const deploy = inputs.deploy;
  if (!deploy) {
    const names = ["RELEASE_SUMMARY_SAVE", "GITHUB_RELEASE_OUTPUTS", "GITHUB_RELEASE_IMAGE_STEP", "GITHUB_DEPLOY_CALL", "GITLAB_RELEASE_SAVE", "GITLAB_RELEASE_IMAGE", "GITLAB_RELEASE_ARTIFACTS"];
    return Object.fromEntries(names.map((name) => [name, ""]));
  }
  const { environment, secret } = deploy;
  const call = `deploy --environment ${environment} --image "$IMAGE"${secret ? ` ${secret.flag} env://${secret.variable}` : ""}`;
  const secretEnv = secret ? `, ${secret.variable}: "\${{ secrets.${secret.variable} }}"` : "";
  return {
    DEPLOY_ENVIRONMENT: environment,
    DEPLOY_ENVIRONMENT_YAML: JSON.stringify(environment),
    // GitHub runs bash with pipefail: tee keeps the summary in the log and fails with the release.
    RELEASE_SUMMARY_SAVE: " | tee release.md",
    GITHUB_RELEASE_OUTPUTS: 'outputs: {image: "${{ steps.image.outputs.image }}"}',
    GITHUB_RELEASE_IMAGE_STEP: ["- id: image", `  run: sed -n '${releasedImageScript("image")}' release.md >> "$GITHUB_OUTPUT"`].join("\n"),
    GITHUB_DEPLOY_CALL: [
      "deploy:",
      "  needs: release",
      "  uses: ./.github/workflows/deploy.yml",
      '  with: {image: "${{ needs.release.outputs.image }}"}',
      ...(secret ? [`  secrets: {${secret.variable}: "\${{ secrets.${secret.variable} }}"}`] : []),
    ].join("\n"),
    GITHUB_DEPLOY_SECRETS: secret ? `secrets: {${secret.variable}: {required: false}}` : "",
    GITHUB_DEPLOY_STEP: [`- env: {IMAGE: "\${{ inputs.image }}"${secretEnv}}`, "  run: >-", `    ${prefix}`, `    ${call}`].join("\n"),
    // GitLab's shell may lack pipefail: a redirect keeps the release's exit status, then the summary is shown.
    GITLAB_RELEASE_SAVE: " > release.md",
    GITLAB_RELEASE_IMAGE: ["- cat release.md", `- sed -n '${releasedImageScript("IMAGE")}' release.md > release.env`].join("\n"),
    GITLAB_RELEASE_ARTIFACTS: "artifacts: {reports: {dotenv: release.env}}",
    GITLAB_DEPLOY_CALL: ["- >-", `  ${prefix}`, `  ${call}`].join("\n"),
  };
}

/** The placeholders each provider's templates take, filled from pipeline.yaml; an empty one drops its line. */
export function ciValues(inputs: WrapperInputs, prefix: string): Record<string, string> {
  const { ci } = inputs;
  const paths = ci.paths?.length ? `, paths: ${list(ci.paths)}` : "";
  const webhook = ci.notify?.webhook;
  const call = withGitRef(prefix);
  return {
    // The release's call, then the with-secret lines of the stages' secrets: for a folded (`>-`) call in a template.
    DAGGER_CALL_LINES: [call, ...withSecrets(inputs)].join("\n"),
    GITHUB_SECRETS_ENV: inputs.secrets.map(({ variable }) => `${variable}: \${{ secrets.${variable} }}`).join("\n"),
    GITHUB_REPORTS_STEP: githubCallStep(call, inputs, REPORTS),
    GITHUB_CI_STEP: githubCallStep(call, inputs, "ci"),
    GITLAB_REPORTS_CALL: gitlabCallItem(call, inputs, REPORTS),
    GITLAB_CI_CALL: gitlabCallItem(call, inputs, "ci"),
    GITHUB_TRIGGERS: [
      `push: {branches: ["**"]${paths}}`,
      paths ? `pull_request: {paths: ${list(ci.paths!)}}` : "pull_request:",
      ...(ci.schedule.length ? [`schedule: [${ci.schedule.map((cron) => `{cron: ${JSON.stringify(cron)}}`).join(", ")}]`] : []),
      ...(ci.manual ? ["workflow_dispatch:"] : []),
    ].join("\n"),
    // After the reports (which never fail on a gate), so a failing verdict still uploads the coverage: every
    // project's (reports/<project>/test/), and only those files (no search through the rest).
    GITHUB_CODECOV: ci.codecov
      ? ["- uses: codecov/codecov-action@v5", '  with: {files: "reports/**/coverage.cobertura.xml", disable_search: true, token: "${{ secrets.CODECOV_TOKEN }}"}'].join("\n")
      : "",
    // notify.yml's secret: the webhook's URL.
    NOTIFY_WEBHOOK: webhook ?? "",
    GITHUB_ENVIRONMENT: ci.environment ? `environment: ${JSON.stringify(ci.environment)}` : "",
    // A schedule, a manual run (source web) and every push or merge request, narrowed to the paths when given.
    GITLAB_CI_RULES: paths
      ? `rules: [{if: '$CI_PIPELINE_SOURCE =~ /^(schedule|web)$/'}, {changes: ${list(ci.paths!)}}]`
      : "",
    // Its own job in the last stage, run only when an earlier one failed; the URL stays a masked variable.
    GITLAB_NOTIFY: webhook
      ? [
          "notify:",
          "  stage: .post",
          "  rules: [{if: $CI_COMMIT_TAG, when: on_failure}, {if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH', when: on_failure}]",
          "  script: >-",
          `    printf '{"text":"%s failed, see %s"}' "$CI_PROJECT_PATH" "$CI_PIPELINE_URL"`,
          `    | curl -fsS --json @- "$${webhook}"`,
        ].join("\n")
      : "",
    GITLAB_ENVIRONMENT: ci.environment ? `environment: ${JSON.stringify(ci.environment)}` : "",
    // The main file's `include:` of the optional jobs' files pipeline.yaml asks for.
    GITLAB_INCLUDE: gitlabIncludes(inputs.parts),
    // Into flow mappings: actions/checkout's `with:`, and a line of GitLab's `variables:`.
    GITHUB_SUBMODULES: inputs.submodules ? ", submodules: recursive" : "",
    GITLAB_SUBMODULES: inputs.submodules ? ", GIT_SUBMODULE_STRATEGY: recursive" : "",
    ...deployValues(inputs, prefix),
  };
}
