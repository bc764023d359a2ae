import type { ExecOutcome } from "../../cli/recording-engine/engine.js";

/** Test data and a scripted cluster for the deploy's recorded-graph tests (test/graph/deploy.test.ts). */

export const DIGEST = "sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945";
export const OLD_DIGEST = "sha256:0d3a1fe6b2c4f7a8e9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2";
export const IMAGE = `ghcr.io/example/go-service@${DIGEST}`;

/** What `kustomize build` / `helm template` print for the go-service example with `image` (trimmed to what the deploy reads). */
export function renderedManifest(image: string, namespace = "go-service-staging"): string {
  return [
    "apiVersion: v1",
    "kind: Service",
    "metadata:",
    "  name: go-service",
    `  namespace: ${namespace}`,
    "spec:",
    "  ports:",
    "  - name: http",
    "    port: 80",
    "---",
    "apiVersion: apps/v1",
    "kind: Deployment",
    "metadata:",
    "  name: go-service",
    `  namespace: ${namespace}`,
    "spec:",
    "  template:",
    "    spec:",
    "      containers:",
    "      - name: go-service",
    `        image: ${image}`,
    "",
  ].join("\n");
}

const history = (revisions: number[]) => `deployment.apps/go-service \nREVISION  CHANGE-CAUSE\n${revisions.map((r) => `${r}         <none>`).join("\n")}\n\n`;

export interface ClusterScript {
  /** HTTP statuses the health endpoint answers, one per probe (the last repeats); a number below 100 is curl's exit code instead. */
  health?: number[];
  /** Exit code of each `rollout status` in turn (the last repeats). */
  rolloutStatus?: number[];
  /** Exit code of `rollout undo`. */
  undo?: number;
  /** Revisions `rollout history` lists before the apply; the apply adds one. Empty: the Deployment does not exist yet. */
  revisions?: number[];
  /** What the renderer prints (default: the manifest with IMAGE). */
  rendered?: string;
  /** Exit code of the server-side dry run. */
  validate?: number;
  /** Exit code of `kubectl config current-context` and its stderr. */
  context?: { exitCode: number; stderr: string };
}

/**
 * An execOutcome for the recording engine that plays a cluster: each exec is
 * answered by what it is (the engine asks once per distinct chain, so every
 * probe and every history read is a new question).
 */
export function scriptedCluster(script: ClusterScript = {}): { outcome: (args: readonly string[]) => ExecOutcome | undefined; probes: () => number } {
  let probes = 0;
  let statuses = 0;
  let applied = false;
  let undone = false;
  const revisions = script.revisions ?? [1];
  const pick = <T>(list: T[], i: number) => list[Math.min(i, list.length - 1)]!;
  const outcome = (args: readonly string[]): ExecOutcome | undefined => {
    const [tool, verb, sub] = args;
    if (tool === "kubectl" && verb === "config") return script.context ? { ...script.context } : { exitCode: 0, stdout: "ci\n" };
    if ((tool === "/app/kustomize" && verb === "build") || (tool === "helm" && verb === "template")) return { exitCode: 0, stdout: script.rendered ?? renderedManifest(IMAGE) };
    if (tool === "kubectl" && verb === "apply") {
      if (args.includes("--dry-run=server")) return script.validate ? { exitCode: script.validate, stderr: 'Error from server (Invalid): error when creating "manifests.yaml": Deployment.apps "go-service" is invalid' } : { exitCode: 0, stdout: "service/go-service\ndeployment.apps/go-service\n" };
      applied = true;
      return { exitCode: 0, stdout: "service/go-service\ndeployment.apps/go-service\n" };
    }
    if (tool === "kubectl" && verb === "diff") return { exitCode: 1, stdout: `-        image: ghcr.io/example/go-service@${OLD_DIGEST}\n+        image: ${IMAGE}\n` };
    if (tool === "kubectl" && verb === "rollout" && sub === "history") {
      const now = applied ? [...revisions, (revisions.at(-1) ?? 0) + 1] : revisions;
      return now.length === 0 ? { exitCode: 1, stderr: 'Error from server (NotFound): deployments.apps "go-service" not found\n' } : { exitCode: 0, stdout: history(now) };
    }
    if (tool === "kubectl" && verb === "rollout" && sub === "status") {
      const code = pick(script.rolloutStatus ?? [0], statuses++);
      return code === 0 ? { exitCode: 0, stdout: 'deployment "go-service" successfully rolled out\n' } : { exitCode: code, stderr: "error: timed out waiting for the condition\n" };
    }
    if (tool === "kubectl" && verb === "rollout" && sub === "undo") {
      undone = true;
      return script.undo ? { exitCode: script.undo, stderr: 'error: unable to find specified revision 1 in history\n' } : { exitCode: 0, stdout: "deployment.apps/go-service rolled back\n" };
    }
    if (tool === "helm" && verb === "history") return { exitCode: 0, stdout: JSON.stringify([{ revision: 4, status: applied ? "superseded" : "deployed", chart: "go-service-0.1.0", app_version: "0.1.0" }, ...(applied ? [{ revision: 5, status: undone ? "superseded" : "deployed", chart: "go-service-0.1.0", app_version: "0.1.0" }] : [])]) };
    if (tool === "helm" && verb === "upgrade") {
      applied = true;
      return { exitCode: 0, stdout: 'Release "go-service" has been upgraded. Happy Helming!\n' };
    }
    if (tool === "helm" && verb === "rollback") {
      undone = true;
      return { exitCode: script.undo ?? 0, stdout: "Rollback was a success! Happy Helming!\n" };
    }
    if (tool === "curl") {
      const status = pick(script.health ?? [200], probes++);
      return status < 100 ? { exitCode: status, stderr: `curl: (${status}) failed\n` } : { exitCode: 0, stdout: String(status) };
    }
    return undefined;
  };
  return { outcome, probes: () => probes };
}
