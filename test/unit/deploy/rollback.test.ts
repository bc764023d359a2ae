import { describe, expect, it } from "vitest";
import { deployVerdict, planHelmRollback, planUndo, type Outcome } from "../../../pipeline/modules/deploy/rollback.js";
import type { Workload } from "../../../pipeline/modules/deploy/workload.js";

const web: Workload = { kind: "Deployment", name: "web", namespace: "prod" };
const worker: Workload = { kind: "StatefulSet", name: "worker", namespace: "prod" };
const revision = (n: number) => ({ revision: n, status: "deployed", chart: "app-1.0.0", appVersion: "1.0.0" });

describe("kubectl rollback plan", () => {
  it("undoes each workload the deploy changed to the revision it had before", () => {
    expect(planUndo(true, "prod", [{ workload: web, before: 3, after: 4 }])).toEqual({ kind: "undo", targets: [{ workload: web, toRevision: 3 }], untouched: [] });
  });

  it("leaves a workload the deploy did not change, a new one and a deleted one, saying why", () => {
    const plan = planUndo(true, "prod", [
      { workload: web, before: 3, after: 4 },
      { workload: worker, before: 7, after: 7 },
      { workload: { ...web, name: "new" }, before: undefined, after: 1 },
      { workload: { ...web, name: "gone" }, before: 2, after: undefined },
    ]);
    expect(plan.kind).toBe("undo");
    if (plan.kind !== "undo") return;
    expect(plan.targets).toEqual([{ workload: web, toRevision: 3 }]);
    expect(plan.untouched.map((u) => [u.workload.name, u.reason])).toEqual([
      ["worker", "this deploy did not change its pod template (still revision 7)"],
      ["new", "it did not exist before this deploy, so there is no revision to go back to"],
      ["gone", "it is gone since revision 2"],
    ]);
  });

  it("undoes a workload whose revision could not be read after the failure", () => {
    expect(planUndo(true, "prod", [{ workload: web, before: 5, after: null }])).toMatchObject({ kind: "undo", targets: [{ workload: web, toRevision: 5 }] });
  });

  it("plans nothing when nothing changed, on a first deploy, or with rollback off", () => {
    expect(planUndo(true, "prod", [{ workload: web, before: 2, after: 2 }])).toEqual({ kind: "none", reason: "nothing to roll back (prod/deployment/web: this deploy did not change its pod template (still revision 2))" });
    expect(planUndo(true, "prod", [{ workload: web, before: undefined, after: 1 }]).kind).toBe("none");
    expect(planUndo(true, "prod", [])).toEqual({ kind: "none", reason: "nothing to roll back (no workload in the manifests)" });
    expect(planUndo(false, "prod", [{ workload: web, before: 1, after: 2 }])).toEqual({ kind: "none", reason: "automatic rollback is off for prod (deploy.environments.prod.rollback: false)" });
  });
});

describe("helm rollback plan", () => {
  it("rolls back to the revision that served before the upgrade", () => {
    expect(planHelmRollback(true, "prod", "app", revision(4), revision(5))).toEqual({ kind: "helm", release: "app", toRevision: 4 });
    expect(planHelmRollback(true, "prod", "app", revision(4), undefined)).toEqual({ kind: "helm", release: "app", toRevision: 4 });
  });

  it("plans nothing on a first install, when the upgrade made no revision, or with rollback off", () => {
    expect(planHelmRollback(true, "prod", "app", undefined, revision(1))).toMatchObject({ kind: "none", reason: expect.stringContaining("first install of release app") });
    expect(planHelmRollback(true, "prod", "app", revision(4), revision(4))).toEqual({ kind: "none", reason: "helm made no new revision of app (still 4)" });
    expect(planHelmRollback(false, "prod", "app", revision(4), revision(5)).kind).toBe("none");
  });
});

describe("the verdict names both outcomes", () => {
  const failed: Outcome = { ok: false, step: "health", detail: "never healthy: 10 attempts; last: HTTP 503" };
  const undo = { kind: "undo" as const, targets: [{ workload: web, toRevision: 3 }], untouched: [] };

  it("deployed", () => {
    expect(deployVerdict("prod", { ok: true, step: "rollout status", detail: "web rolled out" })).toEqual({ status: "deployed", failed: false, headline: "✅ Deployed to prod: web rolled out" });
  });

  it("rolled back: fails, with the deploy's failure and the rollback's result", () => {
    const verdict = deployVerdict("prod", failed, { plan: undo, outcome: { ok: true, step: "rollback", detail: "web to revision 3; healthy" } });
    expect(verdict).toEqual({ status: "rolled back", failed: true, headline: "⏪ Deploy to prod failed (health failed: never healthy: 10 attempts; last: HTTP 503); rolled back: web to revision 3; healthy" });
  });

  it("the rollback itself failing", () => {
    const verdict = deployVerdict("prod", failed, { plan: undo, outcome: { ok: false, step: "rollback rollout status", detail: "web not rolled out within 5m" } });
    expect(verdict.status).toBe("rollback failed");
    expect(verdict.headline).toContain("and the rollback failed too (rollback rollout status failed: web not rolled out within 5m)");
  });

  it("not rolled back, with the reason", () => {
    expect(deployVerdict("prod", failed, { plan: { kind: "none", reason: "nothing was applied" } }).headline).toBe("❌ Deploy to prod failed (health failed: never healthy: 10 attempts; last: HTTP 503); not rolled back: nothing was applied");
    expect(deployVerdict("prod", failed).status).toBe("not rolled back");
  });
});
