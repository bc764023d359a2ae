/** Readers of what kubectl, helm and curl print: pure, and run on the tools' real output by test/tools/deploy*.test.ts. */

/** The first line worth showing of a tool's stderr (kubectl and helm put the cause on a line starting "error"). */
export function errorLine(stderr: string, stdout = ""): string {
  const lines = `${stderr}\n${stdout}`.split("\n").map((l) => l.trim()).filter(Boolean);
  return lines.find((l) => /^(error|Error from server|fatal|curl: \(\d+\))/i.test(l)) ?? lines[0] ?? "no output";
}

/** The current revision in `kubectl rollout history` (the highest listed); undefined when it lists none. */
export function parseRolloutHistory(stdout: string): number | undefined {
  const revisions = stdout
    .split("\n")
    .map((line) => /^\s*(\d+)\s/.exec(`${line} `)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number);
  return revisions.length > 0 ? Math.max(...revisions) : undefined;
}

/** kubectl's "NotFound" (the object does not exist), as opposed to any other failure. */
export function isNotFound(stderr: string): boolean {
  return /Error from server \(NotFound\)/.test(stderr);
}

export interface HelmRevision {
  revision: number;
  status: string;
  chart: string;
  appVersion: string;
}

/** `helm history -o json`: the revisions, oldest first. */
export function parseHelmHistory(stdout: string): HelmRevision[] {
  const parsed: unknown = JSON.parse(stdout);
  if (!Array.isArray(parsed)) throw new Error("helm history printed no JSON list");
  const text = (value: unknown) => (typeof value === "string" ? value : "");
  return parsed.map((entry: Record<string, unknown>) => ({
    revision: Number(entry["revision"]),
    status: text(entry["status"]),
    chart: text(entry["chart"]),
    appVersion: text(entry["app_version"]),
  }));
}

/** The revision serving now: the newest with status "deployed" (helm marks the ones it replaced "superseded"). */
export function deployedRevision(history: readonly HelmRevision[]): HelmRevision | undefined {
  return [...history].reverse().find((r) => r.status === "deployed");
}

/** `helm history` of a release that was never installed. */
export function isHelmReleaseNotFound(stderr: string): boolean {
  return /release: not found/i.test(stderr);
}

/** `kubectl apply -o name`: the objects it applied, like `deployment.apps/go-service`. */
export function parseAppliedNames(stdout: string): string[] {
  return stdout.split("\n").map((l) => l.trim()).filter((l) => /^[\w.-]+\/[\w.-]+$/.test(l));
}

export type DiffResult = { kind: "none" } | { kind: "changes"; diff: string } | { kind: "error"; line: string };

/** `kubectl diff` exits 0 with no difference, 1 with differences, above 1 when it failed. */
export function readDiff(exitCode: number, stdout: string, stderr: string): DiffResult {
  if (exitCode === 0) return { kind: "none" };
  if (exitCode === 1) return { kind: "changes", diff: stdout };
  return { kind: "error", line: errorLine(stderr, stdout) };
}

/**
 * What is wrong with a kubeconfig that `kubectl config current-context`
 * refused: the commonest mistake is the path instead of the file
 * (`env://KUBECONFIG` hands over the variable, which holds a path).
 */
export function kubeconfigProblem(stderr: string): string {
  const line = errorLine(stderr);
  if (/current-context is not set/.test(stderr)) {
    return (
      `the --kubeconfig secret has no current-context (${line}).\n` +
      "  Fix: pass a kubeconfig whose current-context names the cluster to deploy to (kubectl config use-context <name>, then pass that file), or one with a single context."
    );
  }
  return (
    `the --kubeconfig secret is not a kubeconfig file (${line}).\n` +
    "  Fix: pass the file's contents, e.g. --kubeconfig=file://$HOME/.kube/config, or in CI an env variable holding the whole file (env://KUBECONFIG_DATA); " +
    "--kubeconfig=env://KUBECONFIG hands over that variable's value, which is usually a path."
  );
}
