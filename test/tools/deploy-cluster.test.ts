import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HealthPolicy } from "../../pipeline/modules/deploy/health.js";
import { parseDigestRef } from "../../pipeline/modules/deploy/image-ref.js";
import { runDeploy, type DeployPlan, type ManifestSource } from "../../pipeline/modules/deploy/procedure.js";
import { renderDeploySummary } from "../../pipeline/modules/deploy/summary.js";
import { findTool, hostRunner, KUBE_BIN } from "../helpers/deploy-host.js";
import { copyExample } from "../helpers/examples.js";
import { clusterUnavailable, startCluster, type Cluster } from "../helpers/kube-cluster.js";

/**
 * The whole deploy against a real API server on 127.0.0.1 (etcd, kube-apiserver
 * and kube-controller-manager, see helpers/kube-cluster.ts) with the real
 * kubectl, kustomize, helm and curl, through the same procedure the module
 * runs: server-side apply, kubectl diff, rollouts that the controllers really
 * make, a health endpoint that fails for one build, and the rollback to the
 * ReplicaSet that ran before.
 */

const unavailable = (await clusterUnavailable()) ?? ((await findTool("kustomize")) && (await findTool("helm")) && (await findTool("curl")) ? undefined : "no kustomize, helm or curl (.ci/run installs them)");
if (unavailable) console.warn(`skipping the real-cluster deploy test: ${unavailable}`);

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const GOOD = `ghcr.io/example/go-service@${digest("a")}`;
const BROKEN = `ghcr.io/example/go-service@${digest("b")}`;
const STUCK = `ghcr.io/example/go-service@${digest("c")}`;
const NEXT = `ghcr.io/example/go-service@${digest("d")}`;

const policy: HealthPolicy = { attempts: 3, initialDelayMs: 100, intervalMs: 100, backoffFactor: 2, maxIntervalMs: 400, deadlineMs: 20_000, successThreshold: 1 };

describe.skipIf(unavailable !== undefined)("deploy to a real API server", { timeout: 180_000 }, () => {
  let cluster: Cluster;
  let stopKubelet: () => void;
  let health: Server;
  let healthUrl: string;
  const binaries = async () => ({ kubectl: join(KUBE_BIN, "kubectl"), kustomize: (await findTool("kustomize"))!, helm: (await findTool("helm"))!, curl: (await findTool("curl"))! });

  const deployment = async (namespace: string, name = "go-service") => (await cluster.api("GET", `/apis/apps/v1/namespaces/${namespace}/deployments/${name}`)).body as {
    metadata: { annotations: Record<string, string>; managedFields: { manager: string; operation: string }[] };
    spec: { template: { spec: { containers: { image: string }[] } } };
  };
  const replicaSets = async (namespace: string) =>
    ((await cluster.api("GET", `/apis/apps/v1/namespaces/${namespace}/replicasets`)).body as { items: { metadata: { name: string }; spec: { replicas: number; template: { spec: { containers: { image: string }[] } } } }[] }).items.map((rs) => ({
      name: rs.metadata.name,
      image: rs.spec.template.spec.containers[0]!.image,
      replicas: rs.spec.replicas,
    }));

  beforeAll(async () => {
    cluster = await startCluster();
    stopKubelet = cluster.markPodsReady((image) => image === STUCK);
    for (const name of ["go-service-staging", "go-service-helm"]) {
      const created = await cluster.api("POST", "/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name } });
      expect(created.status).toBe(201);
    }
    // The app's health endpoint: broken in the build BROKEN, fine in every other; read off what the cluster runs now.
    // No deployment to read (not applied yet, or the API answering an error): the app is not up, 503.
    health = createServer((req, res) => {
      const namespace = new URL(req.url ?? "/", "http://x").searchParams.get("ns") ?? "go-service-staging";
      void cluster
        .api("GET", `/apis/apps/v1/namespaces/${namespace}/deployments/go-service`)
        .then(({ status, body }) => (status === 200 ? ((body as Awaited<ReturnType<typeof deployment>>).spec.template.spec.containers[0]?.image === BROKEN ? 500 : 200) : 503))
        .catch(() => 503)
        .then((code) => res.writeHead(code).end());
    });
    await new Promise<void>((resolve) => health.listen(0, "127.0.0.1", resolve));
    healthUrl = `http://127.0.0.1:${(health.address() as AddressInfo).port}/healthz`;
  }, 180_000);

  afterAll(async () => {
    stopKubelet?.();
    await new Promise((resolve) => (health ? health.close(resolve) : resolve(undefined)));
    await cluster?.stop();
  });

  const plan = (image: string, overrides: Partial<DeployPlan> = {}): DeployPlan => ({
    environment: "staging",
    image: parseDigestRef(image),
    manifestImage: "ghcr.io/example/go-service",
    source: { kind: "kustomize", overlay: "deploy/overlays/staging" },
    namespace: undefined,
    fieldManager: "pipeline",
    forceConflicts: true,
    rolloutTimeoutMs: 60_000,
    rollback: true,
    health: { probe: { kind: "url", url: healthUrl, expectStatus: [200], timeoutMs: 2000 }, policy },
    dryRun: false,
    ...overrides,
  });
  const deploy = async (p: DeployPlan) => {
    const report = await runDeploy(p, hostRunner({ workspace: copyExample("go-service"), binaries: await binaries(), kubeconfig: cluster.kubeconfig }));
    return { report, summary: renderDeploySummary(report) };
  };

  it("deploys the overlay: server-side applied, rolled out, healthy", async () => {
    const { report, summary } = await deploy(plan(GOOD));
    expect(report.verdict, summary).toMatchObject({ status: "deployed", failed: false });
    const d = await deployment("go-service-staging");
    expect(d.spec.template.spec.containers[0]!.image).toBe(GOOD);
    expect(d.metadata.annotations["deployment.kubernetes.io/revision"]).toBe("1");
    expect(d.metadata.managedFields.some((f) => f.manager === "pipeline" && f.operation === "Apply")).toBe(true);
    expect(report.steps.map((s) => s.label)).toContain("revision before go-service-staging/deployment/go-service");
    expect(report.steps.find((s) => s.label.startsWith("revision before"))!.note).toBe("not there yet");
  });

  it("a dry run shows the change with kubectl diff and changes nothing", async () => {
    const before = await deployment("go-service-staging");
    const { report } = await deploy(plan(NEXT, { dryRun: true }));
    expect(report.verdict).toBeUndefined();
    expect(report.diff?.kind).toBe("changes");
    if (report.diff?.kind === "changes") {
      expect(report.diff.diff).toContain(`-        image: ${GOOD}`);
      expect(report.diff.diff).toContain(`+        image: ${NEXT}`);
    }
    expect((await deployment("go-service-staging")).metadata.annotations).toEqual(before.metadata.annotations);
  });

  it("rolls a build that fails its health check back to the ReplicaSet that ran before, and says both outcomes", async () => {
    const goodSet = (await replicaSets("go-service-staging")).find((rs) => rs.image === GOOD)!;
    const { report, summary } = await deploy(plan(BROKEN));
    expect(report.verdict?.status, summary).toBe("rolled back");
    expect(report.verdict?.headline).toContain("health failed: never healthy: 3 attempts; last: HTTP 500");
    expect(report.verdict?.headline).toContain("rolled back: go-service-staging/deployment/go-service to revision 1");
    const d = await deployment("go-service-staging");
    expect(d.spec.template.spec.containers[0]!.image).toBe(GOOD);
    // `rollout undo` makes the old ReplicaSet current again (as revision 3) and scales the broken one to zero.
    expect(d.metadata.annotations["deployment.kubernetes.io/revision"]).toBe("3");
    const sets = await replicaSets("go-service-staging");
    expect(sets.find((rs) => rs.image === GOOD)).toEqual({ ...goodSet, replicas: 1 });
    expect(sets.find((rs) => rs.image === BROKEN)?.replicas).toBe(0);
    expect(summary).toContain("### Rollback");
  });

  it("rolls back a rollout that never finishes (pods never ready), before any health probe", async () => {
    const { report, summary } = await deploy(plan(STUCK, { rolloutTimeoutMs: 5000 }));
    expect(report.verdict?.status, summary).toBe("rolled back");
    expect(report.verdict?.headline).toContain("not rolled out within 5s");
    expect(report.health).toBeUndefined();
    expect((await deployment("go-service-staging")).spec.template.spec.containers[0]!.image).toBe(GOOD);
  });

  it("with forceConflicts off, refuses to take back the image a rollback's kubectl owns, naming it, and applies nothing", async () => {
    // The rollbacks above left .spec.template's image to kubectl rollout undo's field manager.
    const before = await deployment("go-service-staging");
    const { report, summary } = await deploy(plan(NEXT, { forceConflicts: false }));
    expect(report.verdict?.status, summary).toBe("not rolled back");
    expect(report.verdict?.headline).toMatch(/validate failed: .*conflict with "kubectl.*\.spec\.template\.spec\.containers\[name="go-service"\]\.image/);
    expect((await deployment("go-service-staging")).spec.template.spec.containers[0]!.image).toBe(before.spec.template.spec.containers[0]!.image);
  });

  it("deploys the chart with Helm 4 and rolls a failing upgrade back to the revision that served", async () => {
    const source: ManifestSource = { kind: "helm", release: "go-service", chart: "deploy/chart", values: ["deploy/chart/values-staging.yaml"], imageKeys: { repository: "image.repository", digest: "image.digest" } };
    const helmPlan = (image: string) => plan(image, { source, namespace: "go-service-helm", health: { probe: { kind: "url", url: `${healthUrl}?ns=go-service-helm`, expectStatus: [200], timeoutMs: 2000 }, policy } });
    const first = await deploy(helmPlan(GOOD));
    expect(first.report.verdict?.status, first.summary).toBe("deployed");
    const failed = await deploy(helmPlan(BROKEN));
    expect(failed.report.verdict?.status, failed.summary).toBe("rolled back");
    expect(failed.report.verdict?.headline).toContain("rolled back: go-service to revision 1");
    expect((await deployment("go-service-helm")).spec.template.spec.containers[0]!.image).toBe(GOOD);
  });

  it("refuses a kubeconfig that is a path, not the file, before rendering", async () => {
    const workspace = copyExample("go-service");
    const { writeFileSync } = await import("node:fs");
    const pathOnly = join(workspace, "kubeconfig-path");
    writeFileSync(pathOnly, "/home/ci/.kube/config\n");
    const runner = hostRunner({ workspace, binaries: await binaries(), kubeconfig: pathOnly });
    await expect(runDeploy(plan(GOOD), runner)).rejects.toThrow("the --kubeconfig secret is not a kubeconfig file");
    expect(runner.ran.map((s) => s.argv.join(" "))).toEqual(["kubectl config current-context"]);
  });
});
