import { timeoutFlag } from "./duration.js";
import { workloadRef, type Workload } from "./workload.js";

/**
 * The argv of every command a deploy runs (kubectl, kustomize, helm, curl,
 * git), built here as plain arrays: nothing of pipeline.yaml or the arguments
 * reaches a shell, and the real-tool tests run exactly these.
 */

/** The deploy's own folder in the workspace: the rendered manifests and the GitOps checkout. */
export const WORK_DIR = ".pipeline-deploy";
export const MANIFESTS = `${WORK_DIR}/manifests.yaml`;
export const GITOPS_DIR = `${WORK_DIR}/gitops`;

/** Every kubectl request but a watch gives up after this, so a hung API server fails the step instead of the whole job. */
const REQUEST_TIMEOUT = "--request-timeout=60s";

const namespaced = (namespace: string | undefined) => (namespace ? ["--namespace", namespace] : []);

/** Fails fast, before rendering, on a --kubeconfig that is not a kubeconfig (see parse.ts kubeconfigProblem). */
export function currentContextArgs(): string[] {
  return ["kubectl", "config", "current-context"];
}

/** Sets the image in the overlay's kustomization.yaml (run in the overlay): kustomize's own images transformer, the edit GitOps commits. */
export function kustomizeSetImageArgs(manifestImage: string, ref: string): string[] {
  return ["kustomize", "edit", "set", "image", `${manifestImage}=${ref}`];
}

/** Renders the overlay to stdout. */
export function kustomizeBuildArgs(overlay: string): string[] {
  return ["kustomize", "build", overlay];
}

export interface HelmChart {
  release: string;
  chart: string;
  namespace: string | undefined;
  values: readonly string[];
  /** `--set-string key=value` pairs: the image's repository and digest. */
  set: Readonly<Record<string, string>>;
}

function chartArgs(chart: HelmChart): string[] {
  return [
    chart.release,
    chart.chart,
    ...namespaced(chart.namespace),
    ...chart.values.flatMap((file) => ["--values", file]),
    ...Object.entries(chart.set).flatMap(([key, value]) => ["--set-string", `${key}=${value}`]),
  ];
}

/** Renders the chart to stdout, as the upgrade would install it. */
export function helmTemplateArgs(chart: HelmChart): string[] {
  return ["helm", "template", ...chartArgs(chart)];
}

/**
 * Installs or upgrades the release, applied server-side (Helm 4), without
 * helm's own wait: the deploy waits with `rollout status` and the health check,
 * and decides the rollback itself.
 */
export function helmUpgradeArgs(chart: HelmChart, timeoutMs: number): string[] {
  return ["helm", "upgrade", "--install", ...chartArgs(chart), "--server-side=true", "--timeout", timeoutFlag(timeoutMs)];
}

export function helmHistoryArgs(release: string, namespace: string | undefined): string[] {
  return ["helm", "history", release, ...namespaced(namespace), "--output", "json", "--max", "50"];
}

export function helmRollbackArgs(release: string, revision: number, namespace: string | undefined, timeoutMs: number): string[] {
  return ["helm", "rollback", release, String(revision), ...namespaced(namespace), "--server-side=true", "--timeout", timeoutFlag(timeoutMs)];
}

export interface ApplyOptions {
  fieldManager: string;
  forceConflicts: boolean;
  namespace: string | undefined;
}

function applyFlags(options: ApplyOptions): string[] {
  return ["--server-side", `--field-manager=${options.fieldManager}`, ...(options.forceConflicts ? ["--force-conflicts"] : []), ...namespaced(options.namespace)];
}

/** Server-side apply; with `dryRun` the API server validates and admits everything (schema, webhooks, quotas) and persists nothing. */
export function applyArgs(options: ApplyOptions & { dryRun: boolean }): string[] {
  return ["kubectl", "apply", ...applyFlags(options), ...(options.dryRun ? ["--dry-run=server"] : []), "--filename", MANIFESTS, "--output", "name", REQUEST_TIMEOUT];
}

/** What the apply would change, as the server would apply it; exit 0 no change, 1 changes, above 1 an error. */
export function diffArgs(options: ApplyOptions): string[] {
  return ["kubectl", "diff", ...applyFlags(options), "--filename", MANIFESTS, REQUEST_TIMEOUT];
}

export function rolloutStatusArgs(workload: Workload, timeoutMs: number): string[] {
  return ["kubectl", "rollout", "status", workloadRef(workload), ...namespaced(workload.namespace), "--watch=true", `--timeout=${timeoutFlag(timeoutMs)}`];
}

export function rolloutHistoryArgs(workload: Workload): string[] {
  return ["kubectl", "rollout", "history", workloadRef(workload), ...namespaced(workload.namespace), REQUEST_TIMEOUT];
}

export function rolloutUndoArgs(workload: Workload, toRevision: number): string[] {
  return ["kubectl", "rollout", "undo", workloadRef(workload), ...namespaced(workload.namespace), `--to-revision=${toRevision}`, REQUEST_TIMEOUT];
}

/** One HTTP probe: prints only the status code; a transport failure is curl's exit code (28 timeout, 7 refused, 6 no such host). */
export function curlProbeArgs(url: string, timeoutMs: number): string[] {
  return ["curl", "--silent", "--show-error", "--output", "/dev/null", "--write-out", "%{http_code}", "--max-time", String(Math.max(1, Math.ceil(timeoutMs / 1000))), "--url", url];
}

export interface ServiceProbe {
  namespace: string;
  service: string;
  port: string;
  path: string;
  scheme: "http" | "https";
}

/** The service's endpoint through the API server's service proxy: a probe from inside the cluster, for apps CI cannot reach. */
export function serviceProbeArgs(probe: ServiceProbe, timeoutMs: number): string[] {
  const path = `/api/v1/namespaces/${probe.namespace}/services/${probe.scheme}:${probe.service}:${probe.port}/proxy${probe.path}`;
  return ["kubectl", "get", "--raw", path, `--request-timeout=${timeoutFlag(timeoutMs)}`];
}

export interface GitAuthor {
  name: string;
  email: string;
}

/** A shallow clone of the one branch the deploy commits to. */
export function gitCloneArgs(repository: string, branch: string): string[] {
  return ["git", "clone", "--depth=1", "--single-branch", `--branch=${branch}`, "--", repository, GITOPS_DIR];
}

/** The checkout's changes under `path` (empty: the repository already deploys this digest). */
export function gitStatusArgs(path: string): string[] {
  return ["git", "-C", GITOPS_DIR, "status", "--porcelain", "--", path];
}

export function gitDiffArgs(path: string): string[] {
  return ["git", "-C", GITOPS_DIR, "diff", "--", path];
}

export function gitAddArgs(path: string): string[] {
  return ["git", "-C", GITOPS_DIR, "add", "--all", "--", path];
}

export function gitCommitArgs(author: GitAuthor, message: string): string[] {
  return ["git", "-C", GITOPS_DIR, "-c", `user.name=${author.name}`, "-c", `user.email=${author.email}`, "commit", "--quiet", `--message=${message}`];
}

export function gitPushArgs(branch: string): string[] {
  return ["git", "-C", GITOPS_DIR, "push", "--porcelain", "origin", `HEAD:refs/heads/${branch}`];
}

/** After a rejected push (someone pushed first): replay the commit on theirs, then push again. */
export function gitPullRebaseArgs(branch: string, author: GitAuthor): string[] {
  return ["git", "-C", GITOPS_DIR, "-c", `user.name=${author.name}`, "-c", `user.email=${author.email}`, "pull", "--rebase", "--depth=50", "origin", branch];
}

export function gitRevParseArgs(): string[] {
  return ["git", "-C", GITOPS_DIR, "rev-parse", "HEAD"];
}
