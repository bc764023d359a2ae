import { posix } from "node:path";
import * as args from "./args.js";
import type { DigestRef } from "./image-ref.js";
import { checkDeployedImage, parseManifests } from "./manifests.js";
import { errorLine } from "./parse.js";
import type { StepRecord } from "./procedure.js";
import type { DeployRunner, StepResult, ToolStep } from "./runner.js";

/**
 * GitOps: instead of applying, commit the new digest to the deploy
 * repository the cluster pulls from (Argo CD, Flux). A kustomize overlay there
 * gets `kustomize edit set image` (and must still build); a Helm setup gets a
 * values file the pipeline owns. The rollout, health and rollback are then
 * the controller's: the pipeline does not pretend to see them.
 */
export interface GitOpsPlan {
  environment: string;
  image: DigestRef;
  manifestImage: string;
  repository: string;
  branch: string;
  /** Folder in the deploy repository: the overlay, or where the values file goes. */
  path: string;
  edit: { kind: "kustomize" } | { kind: "helmValues"; file: string; imageKeys: { repository: string; digest: string } };
  author: args.GitAuthor;
  /** Pushes tried when someone else pushed first (each after a rebase on theirs). */
  pushAttempts: number;
  dryRun: boolean;
}

export interface GitOpsReport {
  plan: GitOpsPlan;
  steps: StepRecord[];
  /** The commit pushed; undefined when nothing changed or on a dry run. */
  commit: string | undefined;
  diff: string;
  failed: boolean;
  headline: string;
}

/** The values file for `helmValues`: nested keys from dotted paths, values quoted (JSON strings are YAML). */
export function imageValuesYaml(keys: { repository: string; digest: string }, image: DigestRef): string {
  const tree: Record<string, unknown> = {};
  const put = (path: string, value: string) => {
    const parts = path.split(".");
    let node = tree;
    for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
    node[parts.at(-1)!] = value;
  };
  put(keys.repository, image.name);
  put(keys.digest, image.digest);
  const lines = ["# Written by the pipeline's GitOps deploy: the image this environment runs. Edits here are replaced by the next deploy."];
  const walk = (node: Record<string, unknown>, indent: string) => {
    for (const [key, value] of Object.entries(node)) {
      if (typeof value === "string") lines.push(`${indent}${key}: ${JSON.stringify(value)}`);
      else {
        lines.push(`${indent}${key}:`);
        walk(value as Record<string, unknown>, `${indent}  `);
      }
    }
  };
  walk(tree, "");
  return `${lines.join("\n")}\n`;
}

/** A push refused because the branch moved (not a protected branch or a hook saying no). */
export function isStalePush(result: StepResult): boolean {
  return result.exitCode !== 0 && /\[rejected\]|non-fast-forward|fetch first/.test(`${result.stdout}\n${result.stderr}`) && !/\[remote rejected\]/.test(result.stdout);
}

export async function runGitOps(plan: GitOpsPlan, runner: DeployRunner): Promise<GitOpsReport> {
  const steps: StepRecord[] = [];
  const run = async (label: string, step: ToolStep): Promise<StepResult> => {
    const started = runner.now();
    const result = await runner.run(step);
    steps.push({ label, argv: step.argv, exitCode: result.exitCode, ms: runner.now() - started, note: result.exitCode === 0 ? "ok" : errorLine(result.stderr, result.stdout) });
    return result;
  };
  const report: GitOpsReport = { plan, steps, commit: undefined, diff: "", failed: false, headline: "" };
  const fail = (what: string, result: StepResult) => Object.assign(report, { failed: true, headline: `❌ GitOps deploy to ${plan.environment} failed: ${what}: ${errorLine(result.stderr, result.stdout)}` });
  const remote = (argv: string[], writes = false): ToolStep => ({ argv, live: true, gitToken: true, writes });
  const local = (argv: string[], writes = false): ToolStep => ({ argv, live: true, writes });

  const cloned = await run("clone", remote(args.gitCloneArgs(plan.repository, plan.branch), true));
  if (cloned.exitCode !== 0) return fail(`git clone of ${plan.repository} (branch ${plan.branch})`, cloned);
  const folder = posix.join(args.GITOPS_DIR, plan.path);

  if (plan.edit.kind === "kustomize") {
    const set = await run("set image", { argv: args.kustomizeSetImageArgs(plan.manifestImage, plan.image.ref), cwd: folder, live: false, writes: true });
    if (set.exitCode !== 0) return fail(`kustomize edit set image in ${plan.path}`, set);
    // The commit must still build: render it and check the digest, as the controller will.
    const built = await run("render", { argv: args.kustomizeBuildArgs(folder), live: false });
    if (built.exitCode !== 0) return fail(`kustomize build ${plan.path}`, built);
    checkDeployedImage(parseManifests(built.stdout, `kustomize build ${plan.path} (deploy repository)`), plan.image, `${plan.path} in ${plan.repository}`);
  } else {
    await runner.writeFile(posix.join(folder, plan.edit.file), imageValuesYaml(plan.edit.imageKeys, plan.image));
  }

  const status = await run("status", local(args.gitStatusArgs(plan.path)));
  if (status.exitCode !== 0) return fail("git status", status);
  if (status.stdout.trim() === "") {
    report.headline = `✅ ${plan.environment} already deploys ${plan.image.ref} (${plan.repository} ${plan.branch}:${plan.path}): nothing to commit.`;
    return report;
  }
  const diff = await run("diff", local(args.gitDiffArgs(plan.path)));
  report.diff = diff.stdout;
  if (plan.dryRun) {
    report.headline = `🔍 Dry run for ${plan.environment}: would commit ${plan.image.ref} to ${plan.repository} ${plan.branch}:${plan.path} (diff below). Nothing was pushed.`;
    return report;
  }
  const added = await run("add", local(args.gitAddArgs(plan.path), true));
  if (added.exitCode !== 0) return fail("git add", added);
  const committed = await run("commit", local(args.gitCommitArgs(plan.author, `deploy(${plan.environment}): ${plan.image.ref}`), true));
  if (committed.exitCode !== 0) return fail("git commit", committed);

  for (let attempt = 1; ; attempt++) {
    const pushed = await run(attempt === 1 ? "push" : `push #${attempt}`, remote(args.gitPushArgs(plan.branch)));
    if (pushed.exitCode === 0) break;
    if (!isStalePush(pushed) || attempt >= plan.pushAttempts) {
      return fail(attempt > 1 ? `git push (${attempt} attempts; the branch kept moving)` : "git push", pushed);
    }
    const rebased = await run("rebase on the remote", remote(args.gitPullRebaseArgs(plan.branch, plan.author), true));
    if (rebased.exitCode !== 0) return fail(`git pull --rebase (someone changed ${plan.path} at the same time)`, rebased);
  }
  const head = await run("commit id", local(args.gitRevParseArgs()));
  report.commit = head.stdout.trim();
  report.headline = `✅ Committed ${plan.image.ref} for ${plan.environment} to ${plan.repository} ${plan.branch}:${plan.path} (${report.commit.slice(0, 12)}); the cluster's GitOps controller rolls it out.`;
  return report;
}

/** summary.md of a GitOps deploy. */
export function renderGitOpsSummary(report: GitOpsReport): string {
  const lines = [
    `## Deploy: ${report.plan.environment} (GitOps${report.plan.dryRun ? ", dry run" : ""})`,
    "",
    report.headline,
    "",
    "| step | result |",
    "| --- | --- |",
    ...report.steps.map((s) => `| ${s.label} | ${s.exitCode === 0 ? "" : "❌ "}${s.note.replace(/\|/g, "\\|")} |`),
    "",
  ];
  if (report.diff.trim() !== "") lines.push("<details><summary>git diff</summary>", "", "```diff", report.diff.replace(/\n$/, ""), "```", "", "</details>", "");
  return `${lines.join("\n").replace(/\n+$/, "")}\n`;
}

