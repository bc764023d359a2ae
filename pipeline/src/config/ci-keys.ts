import { z } from "../../vendor/zod.js";
import { ENVIRONMENT_NAME } from "./deploy-schema.js";
import { publishedImageName } from "./image-schema.js";
import { emptyIsAbsent, explained, matching, section } from "./rules.js";

/**
 * pipeline.yaml's `ci` section: how the generated CI wrappers (`pipeline
 * wrappers`) start the pipeline and what they do around it. The module itself
 * never reads it: a schedule or a path filter is the CI system's to apply.
 */

/** Five fields, as GitHub's `on.schedule` and GitLab's pipeline schedules take them (UTC on GitHub). */
export const CRON = /^\s*[0-9A-Za-z*/,-]+(\s+[0-9A-Za-z*/,-]+){4}\s*$/;

const FIELDS = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"] },
  { name: "day of week", min: 0, max: 7, names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] },
];

/** Why a cron line is not one, or undefined. */
export function cronProblem(line: string): string | undefined {
  const parts = line.trim().split(/\s+/);
  if (parts.length !== 5) return `has ${parts.length} fields, not 5 (minute hour day-of-month month day-of-week)`;
  for (const [i, part] of parts.entries()) {
    const field = FIELDS[i]!;
    for (const item of part.split(",")) {
      const [range = "", step, extra] = item.split("/");
      if (extra !== undefined || (step !== undefined && !/^[1-9]\d*$/.test(step))) return `the ${field.name} field "${part}" has a bad step`;
      if (range === "*") continue;
      const bounds = range.split("-");
      if (bounds.length > 2) return `the ${field.name} field "${part}" is not a value, range or list`;
      for (const bound of bounds) {
        const named = field.names?.indexOf(bound.toUpperCase()) ?? -1;
        const value = named >= 0 ? named + (field.min === 1 ? 1 : 0) : /^\d+$/.test(bound) ? Number(bound) : NaN;
        if (!(value >= field.min && value <= field.max)) return `the ${field.name} field "${part}" is out of ${field.min}-${field.max}`;
      }
    }
  }
  return undefined;
}

const cron = explained(
  matching(CRON, (value) => ({
    message: `expected a cron line of 5 fields, like "0 2 * * 1" (02:00 UTC on Mondays), got ${JSON.stringify(value)}`,
    fix: "write minute hour day-of-month month day-of-week, e.g. 0 2 * * *",
  })),
  (value) => {
    const problem = CRON.test(value) ? cronProblem(value) : undefined;
    return problem ? { message: `the cron line ${JSON.stringify(value)} ${problem}`, fix: "write minute hour day-of-month month day-of-week, e.g. 0 2 * * *" } : undefined;
  },
);

/** A CI secret's (GitHub Actions secret, GitLab CI/CD variable) name. */
const CI_SECRET_NAME = /^[A-Z_][A-Z0-9_]*$/;

const ciSecretName = (key: string, example: string) =>
  matching(CI_SECRET_NAME, (value) => ({
    message: /^[a-z]+:\/\//i.test(value)
      ? "a URL given where the name of the CI secret holding it belongs: a webhook URL is a credential, and pipeline.yaml is committed"
      : `expected the name of a CI secret (upper-case letters, digits and _), got ${JSON.stringify(value)}`,
    fix: `store the value as a CI secret (GitHub: repository secret; GitLab: masked variable) and write its name as ${key}, e.g. ${example}`,
  }));

const notify = z
  .strictObject({
    webhook: ciSecretName("ci.notify.webhook", "PIPELINE_WEBHOOK_URL").describe(
      "The CI secret holding an incoming-webhook URL that takes Slack's JSON ({\"text\": ...}): Slack, Mattermost, Rocket.Chat, Teams workflows, Google Chat.",
    ),
  })
  .describe("A message when the pipeline fails on the default branch or a tag (pull and merge requests report in their own page).");

const deployJob = z
  .strictObject({
    environment: matching(ENVIRONMENT_NAME, (value) => ({
      message: `expected the name of one of deploy.environments, like production, got ${JSON.stringify(value)}`,
      fix: "name an environment of pipeline.yaml's deploy.environments (lower-case letters, digits and -)",
    })).describe(
      "The deploy.environments key each release deploys to (dagger call deploy --environment), and the CI environment the deploy job runs in (GitHub environment, GitLab environment): its protection rules, like required reviewers, approve each deploy.",
    ),
    secret: ciSecretName("ci.deploy.secret", "KUBECONFIG_DATA")
      .optional()
      .describe("The CI secret given to deploy: the kubeconfig's contents (kustomize, helm: --kubeconfig; default KUBECONFIG_DATA), or for GitOps a token that may push to the deploy repository (--git-token; default DEPLOY_REPO_TOKEN)."),
  })
  .describe("Deploy each release: a job after the release job, with the digest it published, in the environment named (approved by its protection rules).");

/**
 * Cross-field checks of `ci.deploy` against the rest of pipeline.yaml: the
 * environment exists, and there is one image a release publishes (the deploy
 * function reads the top-level deploy section; with projects, each releases
 * its own image through --project, which the wrappers do not call).
 */
export function ciDeployProblems(config: {
  ci: { deploy?: { environment: string } | undefined };
  deploy: { environments: Record<string, unknown> };
  image: { name?: string | undefined };
  release: { image?: string | undefined };
  projects?: unknown;
}): { path: string[]; problem: { message: string; fix: string } }[] {
  const deploy = config.ci.deploy;
  if (!deploy) return [];
  const names = Object.keys(config.deploy.environments);
  if (config.projects !== undefined) {
    return [{ path: ["ci", "deploy"], problem: { message: "with projects, each project releases its own image (release --project), so no single release has a digest to deploy", fix: "remove ci.deploy, and deploy with dagger call deploy --environment <name> --image <repo>@sha256:..." } }];
  }
  if (!Object.hasOwn(config.deploy.environments, deploy.environment)) {
    return [
      {
        path: ["ci", "deploy", "environment"],
        problem: {
          message: `${JSON.stringify(deploy.environment)} is not in deploy.environments${names.length > 0 ? ` (${names.join(", ")})` : ", which defines none"}`,
          fix: names.length > 0 ? `name one of ${names.join(", ")}, or add ${deploy.environment} under deploy.environments` : `add deploy.environments.${deploy.environment} with its kustomize overlay, Helm chart or GitOps repository`,
        },
      },
    ];
  }
  if (publishedImageName(config) === undefined) {
    return [{ path: ["ci", "deploy"], problem: { message: "a deploy needs the image the release publishes, and pipeline.yaml has none", fix: "add `image: { name: ghcr.io/<owner>/<name> }`" } }];
  }
  return [];
}

export const ciSection = section(
  z.strictObject({
    schedule: emptyIsAbsent(z.array(cron).default([])).describe(
      "Scheduled runs, as cron lines (UTC), e.g. a nightly scan against new vulnerability data: GitHub's on.schedule; on GitLab, create the schedule under Build > Pipeline schedules (the ci job runs in it).",
    ),
    manual: z.boolean().default(false).describe("Allow manual runs: GitHub's workflow_dispatch (Run workflow), GitLab's Run pipeline (source web)."),
    paths: emptyIsAbsent(z.array(z.string().min(1)).optional()).describe(
      "Run ci only for pushes and pull/merge requests changing these paths (globs from the repository root, e.g. services/api/**); schedules and manual runs always run. Default: every change.",
    ),
    notify: notify.optional(),
    codecov: z
      .boolean()
      .default(false)
      .describe("Upload the Cobertura coverage to Codecov after the tests (GitHub, with the CODECOV_TOKEN secret); GitLab shows coverage natively."),
    environment: matching(/^[A-Za-z0-9][A-Za-z0-9 _./-]*$/, (value) => ({
      message: `expected an environment name like production, got ${JSON.stringify(value)}`,
      fix: "name the environment with letters, digits, space, _, ., / or -",
    }))
      .optional()
      .describe("The environment the release job runs in (GitHub environment, GitLab environment): its protection rules, like required reviewers, approve each release before it publishes."),
    deploy: deployJob.optional(),
  }),
).describe("How `pipeline wrappers` writes the CI files: triggers, the failure notification, coverage upload, the release's environment, the deploy after it.");

export type CiConfig = z.output<typeof ciSection>;
