import { formatDuration } from "./duration.js";
import type { DeployReport, StepRecord } from "./procedure.js";
import { workloadLabel } from "./workload.js";

/** Lines of the diff shown in the summary; the rest is counted, not printed. */
const DIFF_LINES = 200;

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

function stepsTable(steps: readonly StepRecord[]): string[] {
  if (steps.length === 0) return [];
  return ["| step | result | time |", "| --- | --- | --- |", ...steps.map((s) => `| ${cell(s.label)} | ${s.exitCode === 0 ? "" : "❌ "}${cell(s.note)} | ${formatDuration(s.ms)} |`), ""];
}

/** summary.md of a deploy: the verdict first, with both outcomes, then every step, the health checks, the rollback and the diff. */
export function renderDeploySummary(report: DeployReport): string {
  const { plan } = report;
  const from = plan.source.kind === "kustomize" ? `kustomize overlay \`${plan.source.overlay}\`` : `Helm chart \`${plan.source.chart}\`, release \`${plan.source.release}\``;
  const lines = [
    `## Deploy: ${plan.environment}${plan.dryRun ? " (dry run)" : ""}`,
    "",
    report.headline,
    "",
    `- image: \`${plan.image.ref}\``,
    `- manifests: ${from}`,
    `- namespace: ${plan.namespace ?? "from the manifests or the kubeconfig's context"}`,
    `- workloads: ${report.workloads.map(workloadLabel).join(", ") || "none"}`,
    "",
    "### Steps",
    "",
    ...stepsTable(report.steps),
  ];
  if (report.health) lines.push(`Health check: ${report.health.outcome.ok ? "✅" : "❌"} ${report.health.outcome.detail}`, "");
  if (report.rollback) {
    const { plan: rollbackPlan, outcome, steps } = report.rollback;
    lines.push("### Rollback", "");
    if (rollbackPlan.kind === "none") lines.push(`Not rolled back: ${rollbackPlan.reason}.`, "");
    else {
      if (rollbackPlan.kind === "undo") for (const u of rollbackPlan.untouched) lines.push(`- left as it is: ${workloadLabel(u.workload)} (${u.reason})`);
      lines.push(outcome ? `${outcome.ok ? "✅" : "❌"} ${outcome.step}: ${outcome.detail}` : "❌ did not run", "", ...stepsTable(steps));
    }
  }
  const diff = report.diff;
  if (diff?.kind === "changes") {
    const all = diff.diff.replace(/\n$/, "").split("\n");
    const shown = all.slice(0, DIFF_LINES);
    const more = all.length > shown.length ? [`... ${all.length - shown.length} more lines`] : [];
    lines.push("<details><summary>kubectl diff (server-side)</summary>", "", "```diff", ...shown, ...more, "```", "", "</details>", "");
  } else if (diff) lines.push(diff.kind === "none" ? "kubectl diff: no change." : `kubectl diff failed: ${diff.line}`, "");
  return `${lines.join("\n").replace(/\n+$/, "")}\n`;
}
