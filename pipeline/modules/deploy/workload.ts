/** The kinds `kubectl rollout status` and `rollout undo` work on: what a deploy waits for and can roll back. */
export const ROLLOUT_KINDS = ["Deployment", "StatefulSet", "DaemonSet"] as const;
export type RolloutKind = (typeof ROLLOUT_KINDS)[number];

/** A workload of the rendered manifests. */
export interface Workload {
  kind: RolloutKind;
  name: string;
  /** From its manifest, else the environment's; undefined leaves it to the kubeconfig's context. */
  namespace: string | undefined;
}

/** `deployment/go-service`, as kubectl takes it. */
export function workloadRef(workload: Workload): string {
  return `${workload.kind.toLowerCase()}/${workload.name}`;
}

/** `go-service-staging/deployment/go-service`, for the summary. */
export function workloadLabel(workload: Workload): string {
  return workload.namespace ? `${workload.namespace}/${workloadRef(workload)}` : workloadRef(workload);
}
