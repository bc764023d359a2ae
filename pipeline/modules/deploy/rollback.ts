import type { HelmRevision } from "./parse.js";
import { workloadLabel, type Workload } from "./workload.js";

/**
 * Whether and how to roll back after a failed deploy, and the verdict that
 * names both outcomes. Pure: the deploy reads revisions before and after
 * applying, asks here, and does what the plan says.
 */

/**
 * A workload's revision (`kubectl rollout history`) before and after the
 * apply: undefined where it did not exist, null where it could not be read.
 */
export interface WorkloadRevisions {
  workload: Workload;
  before: number | undefined;
  after: number | undefined | null;
}

export type RollbackPlan =
  | { kind: "none"; reason: string }
  | { kind: "undo"; targets: { workload: Workload; toRevision: number }[]; untouched: { workload: Workload; reason: string }[] }
  | { kind: "helm"; release: string; toRevision: number };

const off = (environment: string): RollbackPlan => ({
  kind: "none",
  reason: `automatic rollback is off for ${environment} (deploy.environments.${environment}.rollback: false)`,
});

/**
 * `kubectl rollout undo --to-revision=<before>` for each workload this deploy
 * changed. Not `undo` to "the previous" revision: when the apply left a pod
 * template as it was (the same digest again), that would go back one revision
 * too far, to something this deploy never replaced.
 */
export function planUndo(enabled: boolean, environment: string, revisions: readonly WorkloadRevisions[]): RollbackPlan {
  if (!enabled) return off(environment);
  const targets: { workload: Workload; toRevision: number }[] = [];
  const untouched: { workload: Workload; reason: string }[] = [];
  for (const { workload, before, after } of revisions) {
    if (before === undefined) untouched.push({ workload, reason: "it did not exist before this deploy, so there is no revision to go back to" });
    else if (after === undefined) untouched.push({ workload, reason: `it is gone since revision ${before}` });
    // Unreadable after the failure: undo anyway (to the revision it already has, kubectl skips it).
    else if (after === null) targets.push({ workload, toRevision: before });
    else if (after === before) untouched.push({ workload, reason: `this deploy did not change its pod template (still revision ${before})` });
    else targets.push({ workload, toRevision: before });
  }
  if (targets.length === 0) {
    const why = untouched.map((u) => `${workloadLabel(u.workload)}: ${u.reason}`).join("; ");
    return { kind: "none", reason: `nothing to roll back (${why || "no workload in the manifests"})` };
  }
  return { kind: "undo", targets, untouched };
}

/** `helm rollback <release> <revision that served before>`; none on a first install, or when the upgrade made no revision. */
export function planHelmRollback(
  enabled: boolean,
  environment: string,
  release: string,
  before: HelmRevision | undefined,
  after: HelmRevision | undefined,
): RollbackPlan {
  if (!enabled) return off(environment);
  if (before === undefined) {
    return { kind: "none", reason: `nothing to roll back: this was the first install of release ${release} (remove it with helm uninstall ${release} if it must go)` };
  }
  if (after !== undefined && after.revision === before.revision) return { kind: "none", reason: `helm made no new revision of ${release} (still ${before.revision})` };
  return { kind: "helm", release, toRevision: before.revision };
}

/** One phase's result: which step it reached and what happened there. */
export interface Outcome {
  ok: boolean;
  step: string;
  detail: string;
}

export type DeployStatus = "deployed" | "rolled back" | "not rolled back" | "rollback failed";

export interface DeployVerdict {
  status: DeployStatus;
  /** The call fails on everything but "deployed". */
  failed: boolean;
  headline: string;
}

/** Both outcomes in one verdict: what the deploy did, and what the rollback did about it. */
export function deployVerdict(environment: string, deploy: Outcome, rollback?: { plan: RollbackPlan; outcome?: Outcome }): DeployVerdict {
  if (deploy.ok) return { status: "deployed", failed: false, headline: `✅ Deployed to ${environment}: ${deploy.detail}` };
  const failure = `${deploy.step} failed: ${deploy.detail}`;
  if (!rollback || rollback.plan.kind === "none") {
    const why = rollback?.plan.kind === "none" ? rollback.plan.reason : "no rollback was attempted";
    return { status: "not rolled back", failed: true, headline: `❌ Deploy to ${environment} failed (${failure}); not rolled back: ${why}` };
  }
  const outcome = rollback.outcome;
  if (outcome?.ok) return { status: "rolled back", failed: true, headline: `⏪ Deploy to ${environment} failed (${failure}); rolled back: ${outcome.detail}` };
  const rollbackFailure = outcome ? `${outcome.step} failed: ${outcome.detail}` : "it did not run";
  return {
    status: "rollback failed",
    failed: true,
    headline: `🔥 Deploy to ${environment} failed (${failure}), and the rollback failed too (${rollbackFailure}): the environment needs a person now`,
  };
}
