import { randomUUID } from "node:crypto";
import { ExistsType, type Directory, type Secret } from "@dagger.io/dagger";
import { parseDuration } from "../../modules/deploy/duration.js";
import { runGitOps, renderGitOpsSummary, type GitOpsPlan } from "../../modules/deploy/gitops.js";
import { DEFAULT_EXPECT_STATUS, type HealthPolicy } from "../../modules/deploy/health.js";
import { DeployInputError, parseDigestRef, type DigestRef } from "../../modules/deploy/image-ref.js";
import { daggerRunner } from "../../modules/deploy/index.js";
import { runDeploy, type DeployPlan, type HealthProbe } from "../../modules/deploy/procedure.js";
import { renderDeploySummary } from "../../modules/deploy/summary.js";
import { formatProblem, loadConfig } from "../config/load.js";
import { closestKey } from "../config/suggest.js";
import type { PipelineConfig } from "../config/schema.js";
import { CONFIG_FILE, PipelineUserError } from "./load-project.js";

export interface DeployInputs {
  environment: string;
  image: string;
  kubeconfig: Secret | undefined;
  gitToken: Secret | undefined;
  dryRun: boolean;
}

type Environment = PipelineConfig["deploy"]["environments"][string];

const ms = (duration: string) => parseDuration(duration)!;

/** pipeline.yaml and the project folder, without the language detection the stages need (a deploy-only repository has no go.mod). */
async function loadDeployConfig(source: Directory): Promise<{ config: PipelineConfig; dir: Directory }> {
  const entries = await source.entries();
  if (entries.includes(`${CONFIG_FILE}/`)) throw new PipelineUserError(`${CONFIG_FILE} is a directory, not a file.\n  Fix: put the pipeline's settings in a file named ${CONFIG_FILE}.`);
  const text = entries.includes(CONFIG_FILE) ? await source.file(CONFIG_FILE).contents() : undefined;
  const loaded = loadConfig(text, CONFIG_FILE);
  if (!loaded.ok) throw new PipelineUserError(`${CONFIG_FILE} is invalid:\n${loaded.problems.map(formatProblem).join("\n")}`);
  const { workdir } = loaded.config;
  if (workdir !== "." && !(await source.exists(workdir, { expectedType: ExistsType.DirectoryType }))) {
    throw new PipelineUserError(`${CONFIG_FILE}: workdir "${workdir}" is not a folder of the repository.\n  Fix: set workdir to the project's folder, or remove it.`);
  }
  return { config: loaded.config, dir: workdir === "." ? source : source.directory(workdir) };
}

function pickEnvironment(config: PipelineConfig, name: string): Environment {
  const environments = config.deploy.environments;
  const found = Object.hasOwn(environments, name) ? environments[name] : undefined;
  if (found) return found;
  const names = Object.keys(environments);
  if (names.length === 0) {
    throw new PipelineUserError(
      `--environment ${JSON.stringify(name)}: ${CONFIG_FILE} defines no deploy environment.\n` +
        `  Fix: add one, e.g.\n    deploy:\n      environments:\n        ${/^[a-z0-9-]+$/.test(name) ? name : "staging"}:\n          kustomize: { overlay: deploy/overlays/${/^[a-z0-9-]+$/.test(name) ? name : "staging"} }`,
    );
  }
  const near = closestKey(name, names);
  throw new PipelineUserError(
    `--environment ${JSON.stringify(name)} is not in ${CONFIG_FILE}'s deploy.environments (${names.join(", ")}).\n` +
      `  Fix: ${near ? `did you mean ${JSON.stringify(near)}? ` : ""}pass one of ${names.join(", ")}, or add ${JSON.stringify(name)} under deploy.environments.`,
  );
}

/** Fails before anything runs when a path the environment names is not in the project. */
async function checkPaths(dir: Directory, name: string, env: Environment): Promise<void> {
  const key = `deploy.environments.${name}`;
  const missing = (what: string, fix: string) => new PipelineUserError(`${CONFIG_FILE}: ${what}.\n  Fix: ${fix}`);
  if (env.kustomize) {
    const overlay = env.kustomize.overlay;
    if (!(await dir.exists(overlay, { expectedType: ExistsType.DirectoryType }))) {
      throw missing(`${key}.kustomize.overlay "${overlay}" is not a folder of the project, so ${name} has no overlay`, `create ${overlay} with a kustomization.yaml, or point the overlay at the one for ${name} (e.g. deploy/overlays/${name})`);
    }
    const files = await dir.directory(overlay).entries();
    if (!files.some((f) => f === "kustomization.yaml" || f === "kustomization.yml" || f === "Kustomization")) {
      throw missing(`${key}.kustomize.overlay "${overlay}" has no kustomization.yaml`, `add ${overlay}/kustomization.yaml, or point the overlay at the folder that has it`);
    }
  }
  if (env.helm) {
    if (!(await dir.exists(`${env.helm.chart}/Chart.yaml`, { expectedType: ExistsType.RegularType }))) {
      throw missing(`${key}.helm.chart "${env.helm.chart}" has no Chart.yaml`, "point chart at the chart's folder (the one with Chart.yaml), relative to the project");
    }
    for (const values of env.helm.values) {
      if (!(await dir.exists(values, { expectedType: ExistsType.RegularType }))) throw missing(`${key}.helm.values: "${values}" is not a file of the project`, `create it, or remove it from ${key}.helm.values`);
    }
  }
}

function healthOf(env: Environment): DeployPlan["health"] {
  const health = env.health;
  if (!health) return undefined;
  const policy: HealthPolicy = {
    attempts: health.attempts,
    initialDelayMs: ms(health.initialDelay),
    intervalMs: ms(health.interval),
    backoffFactor: health.backoffFactor,
    maxIntervalMs: ms(health.maxInterval),
    deadlineMs: ms(health.deadline),
    successThreshold: health.successThreshold,
  };
  const timeoutMs = ms(health.timeout);
  let probe: HealthProbe;
  if (health.url) probe = { kind: "url", url: health.url, expectStatus: health.expectStatus ?? DEFAULT_EXPECT_STATUS, timeoutMs };
  else {
    const service = health.service!;
    const namespace = env.namespace;
    if (!namespace) throw new PipelineUserError(`${CONFIG_FILE}: a health check through service ${service.name} needs the environment's namespace.\n  Fix: set namespace for this environment.`);
    probe = { kind: "service", probe: { namespace, service: service.name, port: service.port, path: service.path, scheme: service.scheme }, timeoutMs };
  }
  return { probe, policy };
}

function gitOpsPlan(name: string, env: Environment, image: DigestRef, manifestImage: string, dryRun: boolean): GitOpsPlan {
  const gitops = env.gitops!;
  return {
    environment: name,
    image,
    manifestImage,
    repository: gitops.repository,
    branch: gitops.branch,
    path: gitops.path,
    edit: gitops.edit === "kustomize" ? { kind: "kustomize" } : { kind: "helmValues", file: gitops.valuesFile, imageKeys: gitops.imageKeys },
    author: gitops.author,
    pushAttempts: gitops.pushAttempts,
    dryRun,
  };
}

/**
 * `deploy`: every input checked before anything runs (the image is a digest,
 * the environment exists with its overlay or chart, the secret it needs was
 * given), then the deploy or the GitOps commit. Returns the summary; throws it
 * when the deploy failed, whatever the rollback did.
 */
export async function deployEnvironment(source: Directory, inputs: DeployInputs): Promise<string> {
  try {
    const image = parseDigestRef(inputs.image);
    const { config, dir } = await loadDeployConfig(source);
    const env = pickEnvironment(config, inputs.environment);
    const manifestImage = config.deploy.image ?? image.name;
    const runnerOptions = { images: config.deploy.images, workspace: dir, kubeconfig: inputs.kubeconfig, gitToken: inputs.gitToken, runId: randomUUID() };

    if (env.gitops) {
      if (!inputs.gitToken && /^https:/.test(env.gitops.repository)) {
        throw new PipelineUserError(
          `deploy to ${inputs.environment} commits to ${env.gitops.repository}, and no --git-token was given.\n` +
            "  Fix: pass a token that may push there, e.g. --git-token=env://DEPLOY_REPO_TOKEN (GitHub: a fine-grained token with contents: write on that repository).",
        );
      }
      const report = await runGitOps(gitOpsPlan(inputs.environment, env, image, manifestImage, inputs.dryRun), daggerRunner({ ...runnerOptions, gitUsername: env.gitops.username }));
      const summary = renderGitOpsSummary(report);
      if (report.failed) throw new Error(summary);
      return summary;
    }

    if (!inputs.kubeconfig) {
      throw new PipelineUserError(
        `deploy to ${inputs.environment} needs the cluster's kubeconfig, and no --kubeconfig was given.\n` +
          "  Fix: pass it as a secret: --kubeconfig=file://$HOME/.kube/config, or in CI --kubeconfig=env://KUBECONFIG_DATA (the variable holding the file's contents).",
      );
    }
    await checkPaths(dir, inputs.environment, env);
    const plan: DeployPlan = {
      environment: inputs.environment,
      image,
      manifestImage,
      source: env.kustomize
        ? { kind: "kustomize", overlay: env.kustomize.overlay }
        : { kind: "helm", release: env.helm!.release, chart: env.helm!.chart, values: env.helm!.values, imageKeys: env.helm!.imageKeys },
      namespace: env.namespace,
      fieldManager: config.deploy.fieldManager,
      forceConflicts: env.forceConflicts,
      rolloutTimeoutMs: ms(env.rolloutTimeout),
      rollback: env.rollback,
      health: healthOf(env),
      dryRun: inputs.dryRun,
    };
    const report = await runDeploy(plan, daggerRunner({ ...runnerOptions, gitUsername: "" }));
    const summary = renderDeploySummary(report);
    if (report.verdict?.failed) throw new Error(summary);
    return summary;
  } catch (error) {
    if (error instanceof DeployInputError) throw new PipelineUserError(error.message);
    throw error;
  }
}
