import * as args from "./args.js";
import { formatDuration } from "./duration.js";
import { nextHealthStep, observeHttp, observeServiceProxy, type HealthPolicy, type Observation } from "./health.js";
import { DeployInputError, type DigestRef } from "./image-ref.js";
import { checkDeployedImage, parseManifests, workloadsOf } from "./manifests.js";
import { deployedRevision, errorLine, isHelmReleaseNotFound, isNotFound, kubeconfigProblem, parseHelmHistory, parseRolloutHistory, readDiff, type DiffResult, type HelmRevision } from "./parse.js";
import { deployVerdict, planHelmRollback, planUndo, type DeployVerdict, type Outcome, type RollbackPlan, type WorkloadRevisions } from "./rollback.js";
import type { DeployRunner, StepResult, ToolStep } from "./runner.js";
import { workloadLabel, type Workload } from "./workload.js";

/** Where the manifests come from. */
export type ManifestSource =
  | { kind: "kustomize"; overlay: string }
  | { kind: "helm"; release: string; chart: string; values: readonly string[]; imageKeys: { repository: string; digest: string } };

export type HealthProbe =
  | { kind: "url"; url: string; expectStatus: readonly number[]; timeoutMs: number }
  | { kind: "service"; probe: args.ServiceProbe; timeoutMs: number };

/** One deploy, resolved from pipeline.yaml and the arguments (src/run/deploy.ts), every value checked. */
export interface DeployPlan {
  environment: string;
  image: DigestRef;
  /** The image name the manifests use (kustomize images[].name). */
  manifestImage: string;
  source: ManifestSource;
  namespace: string | undefined;
  fieldManager: string;
  forceConflicts: boolean;
  rolloutTimeoutMs: number;
  rollback: boolean;
  health: { probe: HealthProbe; policy: HealthPolicy } | undefined;
  dryRun: boolean;
}

/** One step as it ran, for the summary. */
export interface StepRecord {
  label: string;
  argv: string[];
  exitCode: number;
  ms: number;
  note: string;
}

export interface HealthRun {
  observations: Observation[];
  outcome: Outcome;
}

export interface DeployReport {
  plan: DeployPlan;
  steps: StepRecord[];
  workloads: Workload[];
  diff: DiffResult | undefined;
  health: HealthRun | undefined;
  rollback: { plan: RollbackPlan; steps: StepRecord[]; health: HealthRun | undefined; outcome: Outcome | undefined } | undefined;
  /** Undefined on a dry run. */
  verdict: DeployVerdict | undefined;
  headline: string;
}

/** Runs steps and keeps their record. */
class Steps {
  readonly records: StepRecord[] = [];
  constructor(private readonly runner: DeployRunner) {}

  async run(label: string, step: ToolStep, note?: (result: StepResult) => string): Promise<StepResult> {
    const started = this.runner.now();
    const result = await this.runner.run(step);
    const said = note ? note(result) : result.exitCode === 0 ? "ok" : errorLine(result.stderr, result.stdout);
    this.records.push({ label, argv: step.argv, exitCode: result.exitCode, ms: this.runner.now() - started, note: said });
    return result;
  }
}

const cluster = (argv: string[], extra: Partial<ToolStep> = {}): ToolStep => ({ argv, live: true, kubeconfig: true, ...extra });

/**
 * The deploy: check the kubeconfig, render with the digest, check the
 * manifests, validate them on the server, diff, then (unless a dry run)
 * apply server-side, wait for the rollouts, check health with retries, and on
 * any failure after the apply roll back and wait for the previous revision to
 * be healthy again. Never throws for a failed deploy: the report says what
 * happened; bad input throws DeployInputError before anything is applied.
 */
export async function runDeploy(plan: DeployPlan, runner: DeployRunner): Promise<DeployReport> {
  const steps = new Steps(runner);
  const report: DeployReport = { plan, steps: steps.records, workloads: [], diff: undefined, health: undefined, rollback: undefined, verdict: undefined, headline: "" };
  const finish = (verdict: DeployVerdict) => Object.assign(report, { verdict, headline: verdict.headline });

  const context = await steps.run("kubeconfig", cluster(args.currentContextArgs()), (r) => (r.exitCode === 0 ? `context ${r.stdout.trim()}` : errorLine(r.stderr)));
  if (context.exitCode !== 0) throw new DeployInputError(kubeconfigProblem(context.stderr), "DEPLOY_KUBECONFIG_INVALID");

  const rendered = await render(plan, steps);
  const source = plan.source.kind === "kustomize" ? `kustomize build ${plan.source.overlay}` : `helm template ${plan.source.chart}`;
  const objects = parseManifests(rendered, source);
  checkDeployedImage(objects, plan.image, source);
  checkNamespaces(objects, plan.namespace, source);
  report.workloads = workloadsOf(objects, plan.namespace);
  await runner.writeFile(args.MANIFESTS, rendered);

  // Helm applies with its own field manager; validating and diffing as another would report conflicts with itself.
  const apply: args.ApplyOptions =
    plan.source.kind === "helm"
      ? { fieldManager: "helm", forceConflicts: true, namespace: plan.namespace }
      : { fieldManager: plan.fieldManager, forceConflicts: plan.forceConflicts, namespace: plan.namespace };
  const validated = await steps.run("validate (server dry run)", cluster(args.applyArgs({ ...apply, dryRun: true })), (r) =>
    r.exitCode === 0 ? `${r.stdout.trim().split("\n").filter(Boolean).length} objects valid` : errorLine(r.stderr, r.stdout),
  );
  if (validated.exitCode !== 0) {
    return finish(deployVerdict(plan.environment, { ok: false, step: "validate", detail: errorLine(validated.stderr, validated.stdout) }, { plan: { kind: "none", reason: "nothing was applied" } }));
  }
  const diffed = await steps.run("diff", cluster(args.diffArgs(apply)), (r) => ({ 0: "no change", 1: "changes" })[r.exitCode] ?? errorLine(r.stderr, r.stdout));
  report.diff = readDiff(diffed.exitCode, diffed.stdout, diffed.stderr);

  if (plan.dryRun) {
    const what = report.diff.kind === "none" ? "nothing would change" : report.diff.kind === "changes" ? "the diff below would be applied" : `the diff failed (${report.diff.line})`;
    report.headline = `🔍 Dry run for ${plan.environment}: rendered ${objects.length} objects with ${plan.image.ref}, valid on the server; ${what}. Nothing was applied.`;
    return report;
  }

  const deployed = plan.source.kind === "helm" ? await helmDeploy(plan, plan.source, steps, runner, report) : await kubectlDeploy(plan, steps, runner, report);
  return finish(deployed);
}

async function render(plan: DeployPlan, steps: Steps): Promise<string> {
  const source = plan.source;
  if (source.kind === "kustomize") {
    const set = await steps.run("set image", { argv: args.kustomizeSetImageArgs(plan.manifestImage, plan.image.ref), cwd: source.overlay, live: false, writes: true });
    if (set.exitCode !== 0) throw new DeployInputError(`kustomize edit set image in ${source.overlay} failed: ${errorLine(set.stderr, set.stdout)}`, "DEPLOY_RENDER_FAILED");
    const built = await steps.run("render", { argv: args.kustomizeBuildArgs(source.overlay), live: false }, (r) => (r.exitCode === 0 ? "ok" : errorLine(r.stderr)));
    if (built.exitCode !== 0) throw new DeployInputError(`kustomize build ${source.overlay} failed: ${errorLine(built.stderr, built.stdout)}`, "DEPLOY_RENDER_FAILED");
    return built.stdout;
  }
  const built = await steps.run("render", { argv: args.helmTemplateArgs(helmChart(plan, source)), live: false }, (r) => (r.exitCode === 0 ? "ok" : errorLine(r.stderr)));
  if (built.exitCode !== 0) throw new DeployInputError(`helm template ${source.chart} failed: ${errorLine(built.stderr, built.stdout)}`, "DEPLOY_RENDER_FAILED");
  return built.stdout;
}

function helmChart(plan: DeployPlan, source: Extract<ManifestSource, { kind: "helm" }>): args.HelmChart {
  return {
    release: source.release,
    chart: source.chart,
    namespace: plan.namespace,
    values: source.values,
    set: { [source.imageKeys.repository]: plan.image.name, [source.imageKeys.digest]: plan.image.digest },
  };
}

/** kubectl refuses objects of another namespace than --namespace; say it before anything runs. */
function checkNamespaces(objects: ReturnType<typeof parseManifests>, namespace: string | undefined, source: string): void {
  if (!namespace) return;
  const other = objects.find((o) => o.namespace !== undefined && o.namespace !== namespace);
  if (other) {
    throw new DeployInputError(
      `${source}: ${other.kind}/${other.name} is in namespace ${other.namespace}, but the environment deploys to ${namespace}.\n` +
        "  Fix: remove the environment's namespace (the manifests set their own), or make the overlay's namespace match it.",
      "DEPLOY_NAMESPACE_MISMATCH",
    );
  }
}

/**
 * Each workload's current revision. Before the apply an unreadable one stops
 * the deploy (it could not be rolled back); after a failure it is null, and
 * the rollback goes ahead.
 */
async function revisionsOf(workloads: readonly Workload[], steps: Steps, label: string, phase: "before" | "after"): Promise<Map<Workload, number | undefined | null>> {
  const found = new Map<Workload, number | undefined | null>();
  for (const workload of workloads) {
    const history = await steps.run(`${label} ${workloadLabel(workload)}`, cluster(args.rolloutHistoryArgs(workload)), (r) =>
      r.exitCode === 0 ? `revision ${parseRolloutHistory(r.stdout) ?? "none"}` : isNotFound(r.stderr) ? "not there yet" : errorLine(r.stderr),
    );
    if (history.exitCode === 0) found.set(workload, parseRolloutHistory(history.stdout));
    else if (isNotFound(history.stderr)) found.set(workload, undefined);
    else if (phase === "after") found.set(workload, null);
    else throw new Error(`cannot read the revision of ${workloadLabel(workload)}, so a failed deploy could not be rolled back; nothing was applied: ${errorLine(history.stderr, history.stdout)}`);
  }
  return found;
}

/** Waits for every workload's rollout, sharing one timeout. */
async function waitForRollouts(plan: DeployPlan, workloads: readonly Workload[], steps: Steps, runner: DeployRunner, label: string): Promise<Outcome> {
  const deadline = runner.now() + plan.rolloutTimeoutMs;
  for (const workload of workloads) {
    const left = Math.max(1000, deadline - runner.now());
    const status = await steps.run(`${label} ${workloadLabel(workload)}`, cluster(args.rolloutStatusArgs(workload, left)));
    if (status.exitCode !== 0) {
      const timedOut = /timed out|deadline exceeded/i.test(status.stderr);
      const detail = timedOut ? `${workloadLabel(workload)} not rolled out within ${formatDuration(plan.rolloutTimeoutMs)}` : `${workloadLabel(workload)}: ${errorLine(status.stderr, status.stdout)}`;
      return { ok: false, step: label, detail };
    }
  }
  return { ok: true, step: label, detail: workloads.length === 0 ? "no workload to wait for" : `${workloads.map(workloadLabel).join(", ")} rolled out` };
}

/** Probes until the policy decides. */
async function checkHealth(plan: DeployPlan, steps: Steps, runner: DeployRunner, label: string): Promise<HealthRun | undefined> {
  return plan.health ? probeUntilDecided(plan.health.probe, plan.health.policy, steps, runner, label) : undefined;
}

/** The health check alone, with its own step records (what the real-tool tests run against a local server). */
export async function runHealthCheck(probe: HealthProbe, policy: HealthPolicy, runner: DeployRunner): Promise<HealthRun & { steps: StepRecord[] }> {
  const steps = new Steps(runner);
  return { ...(await probeUntilDecided(probe, policy, steps, runner, "health")), steps: steps.records };
}

async function probeUntilDecided(probe: HealthProbe, policy: HealthPolicy, steps: Steps, runner: DeployRunner, label: string): Promise<HealthRun> {
  const observations: Observation[] = [];
  const started = runner.now();
  for (;;) {
    const next = nextHealthStep(policy, observations, runner.now() - started);
    if (next.kind === "healthy") return { observations, outcome: { ok: true, step: label, detail: next.detail } };
    if (next.kind === "unhealthy") return { observations, outcome: { ok: false, step: label, detail: next.reason } };
    if (next.waitMs > 0) await runner.sleep(next.waitMs);
    const attempt = observations.length + 1;
    if (probe.kind === "url") {
      const run = await steps.run(`${label} #${attempt}`, { argv: args.curlProbeArgs(probe.url, probe.timeoutMs), live: true }, (r) => observeHttp(r, probe.expectStatus, probe.timeoutMs).detail);
      observations.push(observeHttp(run, probe.expectStatus, probe.timeoutMs));
    } else {
      const run = await steps.run(`${label} #${attempt}`, cluster(args.serviceProbeArgs(probe.probe, probe.timeoutMs)), (r) => observeServiceProxy(r).detail);
      observations.push(observeServiceProxy(run));
    }
  }
}

/** Rollout status, then the health check: what "the new revision works" means. */
async function verify(plan: DeployPlan, workloads: readonly Workload[], steps: Steps, runner: DeployRunner, phase: "deploy" | "rollback"): Promise<{ outcome: Outcome; health: HealthRun | undefined }> {
  const rollout = await waitForRollouts(plan, workloads, steps, runner, phase === "deploy" ? "rollout status" : "rollback rollout status");
  if (!rollout.ok) return { outcome: rollout, health: undefined };
  const health = await checkHealth(plan, steps, runner, phase === "deploy" ? "health" : "rollback health");
  if (health && !health.outcome.ok) return { outcome: health.outcome, health };
  const detail = health ? `${rollout.detail}; healthy (${health.outcome.detail})` : `${rollout.detail} (no health check configured)`;
  return { outcome: { ok: true, step: rollout.step, detail }, health };
}

async function kubectlDeploy(plan: DeployPlan, steps: Steps, runner: DeployRunner, report: DeployReport): Promise<DeployVerdict> {
  const workloads = report.workloads;
  const before = await revisionsOf(workloads, steps, "revision before", "before");
  const apply = await steps.run("apply (server-side)", cluster(args.applyArgs({ fieldManager: plan.fieldManager, forceConflicts: plan.forceConflicts, namespace: plan.namespace, dryRun: false })), (r) =>
    r.exitCode === 0 ? `${r.stdout.trim().split("\n").filter(Boolean).length} objects applied` : errorLine(r.stderr, r.stdout),
  );
  let failure: Outcome;
  if (apply.exitCode !== 0) failure = { ok: false, step: "apply", detail: errorLine(apply.stderr, apply.stdout) };
  else {
    const verified = await verify(plan, workloads, steps, runner, "deploy");
    report.health = verified.health;
    if (verified.outcome.ok) return deployVerdict(plan.environment, { ...verified.outcome, detail: `${plan.image.ref}: ${verified.outcome.detail}` });
    failure = verified.outcome;
  }

  const after = await revisionsOf(workloads, steps, "revision after", "after");
  const revisions: WorkloadRevisions[] = workloads.map((workload) => ({ workload, before: before.get(workload) ?? undefined, after: after.get(workload) }));
  const rollbackPlan = planUndo(plan.rollback, plan.environment, revisions);
  const rollbackSteps = new Steps(runner);
  report.rollback = { plan: rollbackPlan, steps: rollbackSteps.records, health: undefined, outcome: undefined };
  if (rollbackPlan.kind !== "undo") return deployVerdict(plan.environment, failure, { plan: rollbackPlan });

  for (const target of rollbackPlan.targets) {
    const undo = await rollbackSteps.run(`rollout undo ${workloadLabel(target.workload)}`, cluster(args.rolloutUndoArgs(target.workload, target.toRevision)));
    if (undo.exitCode !== 0) {
      report.rollback.outcome = { ok: false, step: "rollout undo", detail: `${workloadLabel(target.workload)}: ${errorLine(undo.stderr, undo.stdout)}` };
      return deployVerdict(plan.environment, failure, report.rollback);
    }
  }
  const restored = await verify(plan, rollbackPlan.targets.map((t) => t.workload), rollbackSteps, runner, "rollback");
  report.rollback.health = restored.health;
  const back = rollbackPlan.targets.map((t) => `${workloadLabel(t.workload)} to revision ${t.toRevision}`).join(", ");
  report.rollback.outcome = restored.outcome.ok ? { ok: true, step: "rollback", detail: `${back}; ${restored.outcome.detail}` } : restored.outcome;
  return deployVerdict(plan.environment, failure, report.rollback);
}

async function helmRevision(release: string, namespace: string | undefined, steps: Steps, label: string): Promise<HelmRevision | undefined> {
  const history = await steps.run(label, cluster(args.helmHistoryArgs(release, namespace)), (r) =>
    r.exitCode === 0 ? `revision ${deployedRevision(parseHelmHistory(r.stdout))?.revision ?? "none deployed"}` : isHelmReleaseNotFound(r.stderr) ? "not installed yet" : errorLine(r.stderr),
  );
  if (history.exitCode === 0) return deployedRevision(parseHelmHistory(history.stdout));
  if (isHelmReleaseNotFound(history.stderr)) return undefined;
  throw new Error(`helm history ${release} failed: ${errorLine(history.stderr, history.stdout)}`);
}

async function helmDeploy(plan: DeployPlan, source: Extract<ManifestSource, { kind: "helm" }>, steps: Steps, runner: DeployRunner, report: DeployReport): Promise<DeployVerdict> {
  const before = await helmRevision(source.release, plan.namespace, steps, "revision before");
  const upgrade = await steps.run("helm upgrade --install", cluster(args.helmUpgradeArgs(helmChart(plan, source), plan.rolloutTimeoutMs)));
  let failure: Outcome;
  if (upgrade.exitCode !== 0) failure = { ok: false, step: "helm upgrade", detail: errorLine(upgrade.stderr, upgrade.stdout) };
  else {
    const verified = await verify(plan, report.workloads, steps, runner, "deploy");
    report.health = verified.health;
    if (verified.outcome.ok) return deployVerdict(plan.environment, { ...verified.outcome, detail: `${plan.image.ref}: ${verified.outcome.detail}` });
    failure = verified.outcome;
  }
  const after = await helmRevision(source.release, plan.namespace, steps, "revision after").catch(() => undefined);
  const rollbackPlan = planHelmRollback(plan.rollback, plan.environment, source.release, before, after);
  const rollbackSteps = new Steps(runner);
  report.rollback = { plan: rollbackPlan, steps: rollbackSteps.records, health: undefined, outcome: undefined };
  if (rollbackPlan.kind !== "helm") return deployVerdict(plan.environment, failure, { plan: rollbackPlan });
  const rollback = await rollbackSteps.run(`helm rollback to ${rollbackPlan.toRevision}`, cluster(args.helmRollbackArgs(source.release, rollbackPlan.toRevision, plan.namespace, plan.rolloutTimeoutMs)));
  if (rollback.exitCode !== 0) {
    report.rollback.outcome = { ok: false, step: "helm rollback", detail: errorLine(rollback.stderr, rollback.stdout) };
    return deployVerdict(plan.environment, failure, report.rollback);
  }
  const restored = await verify(plan, report.workloads, rollbackSteps, runner, "rollback");
  report.rollback.health = restored.health;
  report.rollback.outcome = restored.outcome.ok ? { ok: true, step: "rollback", detail: `${source.release} to revision ${rollbackPlan.toRevision}; ${restored.outcome.detail}` } : restored.outcome;
  return deployVerdict(plan.environment, failure, report.rollback);
}
