import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { writeWrappers } from "../../cli/commands/wrappers.js";
import { branchFromRef } from "../../pipeline/modules/git/args.js";
import { tempDir } from "../helpers/examples.js";
import { MODULE, RELEASES } from "../helpers/wrappers.js";

/**
 * CI checks out a detached HEAD (GitLab always; GitHub for a pull request's
 * merge commit and a tag), so the wrappers give the module the ref built with
 * --git-ref, from each provider's own variables: the branch a build names is
 * what the module's branchFromRef makes of what the generated lines pass.
 */

const EVERY_CI_KEY = `${RELEASES}deploy:
  environments:
    production: { kustomize: { overlay: deploy/overlays/production } }
ci:
  schedule: ["0 2 * * *"]
  manual: true
  paths: [services/api/**]
  notify: { webhook: PIPELINE_WEBHOOK_URL }
  codecov: true
  environment: production
  deploy: { environment: production }
`;

const GITHUB_FILES = [".github/workflows/ci.yml", ".github/workflows/release.yml", ".github/workflows/deploy.yml", ".github/workflows/notify.yml"];

interface Step {
  run?: string;
  env?: Record<string, string>;
}
type Workflow = { jobs: Record<string, { env?: Record<string, string>; steps?: Step[] }> };

const dir = tempDir("git-ref-");
writeFileSync(join(dir, "pipeline.yaml"), EVERY_CI_KEY);
for (const provider of ["github", "gitlab"] as const) writeWrappers({ provider, outDir: dir, module: MODULE });
const read = (file: string) => readFileSync(join(dir, file), "utf8");
const workflow = (file: string) => parse(read(file)) as Workflow;

/** A `dagger` that prints each argument on its line: what the generated line passes, as the shell expanded it. */
function fakeDagger(): { env: Record<string, string>; argv: (stdout: string) => string[] } {
  const bin = join(tempDir("git-ref-bin-"), "bin");
  mkdirSync(bin);
  writeFileSync(join(bin, "dagger"), '#!/bin/sh\nfor arg in "$@"; do printf \'%s\\n\' "$arg"; done\n');
  chmodSync(join(bin, "dagger"), 0o755);
  return { env: { PATH: `${bin}:${process.env.PATH ?? ""}` }, argv: (stdout) => stdout.split("\n").filter(Boolean) };
}

/** The value of `--git-ref=` among a call's arguments. */
const gitRefOf = (argv: string[]) => argv.find((arg) => arg.startsWith("--git-ref="))?.slice("--git-ref=".length);

/** GitHub's `${{ a || b }}`: the first operand with a value (an unset head_ref is empty), from the event's context. */
function githubExpression(expression: string, context: Record<string, string>): string {
  const inner = /^\$\{\{ (.+) \}\}$/.exec(expression)?.[1];
  if (inner === undefined) throw new Error(`not an expression: ${expression}`);
  return inner.split("||").map((operand) => context[operand.trim()] ?? "").find((value) => value !== "") ?? "";
}

describe("--git-ref: the branch a detached HEAD was built for", () => {
  it("GitHub: every call reading git passes it, before the function, from GIT_REF in env; deploy (no git read) does not", () => {
    const ci = workflow(".github/workflows/ci.yml").jobs["ci"]!;
    expect(ci.env).toEqual({ GIT_REF: "${{ github.head_ref || github.ref }}" });
    const ciCalls = ci.steps!.flatMap((s) => (s.run?.startsWith("dagger ") ? [s.run] : []));
    const prefix = `dagger -m ${MODULE} call --source=. --git=. --git-ref="$GIT_REF"`;
    expect(ciCalls).toEqual([`${prefix} reports -o reports`, `${prefix} ci`]);
    const release = workflow(".github/workflows/release.yml").jobs["release"]!.steps!.find((s) => s.run?.includes(" release --tag"))!;
    expect(release.run).toMatch(new RegExp(`^${prefix.replace(/[.$"]/g, "\\$&")} release --tag `));
    expect(release.env?.["GIT_REF"]).toBe("${{ github.ref }}");
    const deploy = workflow(".github/workflows/deploy.yml").jobs["deploy"]!.steps!.find((s) => s.run?.includes(" deploy --environment"))!;
    expect(deploy.run).not.toContain("--git-ref");
  });

  it("GitHub: no run: script of any file holds an expression, so a fork's branch name (head_ref) or event text is never script", () => {
    for (const file of GITHUB_FILES) {
      const runs = Object.values(workflow(file).jobs).flatMap((job) => (job.steps ?? []).flatMap((s) => (s.run === undefined ? [] : [s.run])));
      expect(runs.length, file).toBeGreaterThan(0);
      for (const run of runs) {
        expect(run, file).not.toMatch(/\$\{\{/);
        expect(run, file).not.toMatch(/head_ref|github\.event\./);
      }
    }
  });

  it.each([
    ["a pull request: its branch, not the merge ref", { "github.head_ref": "feature/login", "github.ref": "refs/pull/7/merge" }, "feature/login"],
    ["a push to a branch", { "github.head_ref": "", "github.ref": "refs/heads/release/1.4" }, "release/1.4"],
    ["a schedule or manual run on the default branch", { "github.ref": "refs/heads/main" }, "main"],
  ])("GitHub ci.yml, %s", async (_case, context, branch) => {
    const ci = workflow(".github/workflows/ci.yml").jobs["ci"]!;
    const step = ci.steps!.find((s) => s.run?.includes(" ci"))!;
    const dagger = fakeDagger();
    const env = { ...dagger.env, GIT_REF: githubExpression(ci.env!["GIT_REF"]!, context) };
    const run = await execa("bash", ["-eo", "pipefail", "-c", step.run!], { cwd: tempDir("git-ref-ci-"), env });
    const ref = gitRefOf(dagger.argv(run.stdout))!;
    expect(branchFromRef(ref, [])).toBe(branch);
  });

  it("GitHub release.yml: a tag build passes the tag's ref, which names no branch", async () => {
    const step = workflow(".github/workflows/release.yml").jobs["release"]!.steps!.find((s) => s.run?.includes(" release --tag"))!;
    const dagger = fakeDagger();
    const context = { "github.ref": "refs/tags/v1.2.0" };
    const env = { ...dagger.env, GIT_REF: githubExpression(step.env!["GIT_REF"]!, context), TAG: "v1.2.0", REGISTRY_TOKEN: "x" };
    // With ci.deploy the step tees the summary into release.md: in a folder of its own.
    const run = await execa("bash", ["-eo", "pipefail", "-c", step.run!], { cwd: tempDir("git-ref-release-"), env });
    expect(gitRefOf(dagger.argv(run.stdout))).toBe("refs/tags/v1.2.0");
    expect(branchFromRef("refs/tags/v1.2.0", ["v1.2.0"])).toBeUndefined();
  });

  const gitlabLines = () => {
    const main = parse(read(".gitlab-ci.yml")) as { default: { before_script: string[] }; ci: { script: string[] } };
    const release = parse(read(".gitlab/pipeline-release.yml")) as { release: { script: string[] } };
    const exportLine = main.default.before_script.find((line) => line.startsWith("export GIT_REF="));
    return { exportLine: exportLine!, ciCall: main.ci.script.at(-1)!, releaseCall: release.release.script[0]!.replace(/ > release\.md$/, "") };
  };

  it.each([
    ["a merge request pipeline: its source branch", { CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: "feature/login", CI_COMMIT_REF_NAME: "refs/merge-requests/7/head" }, [], "feature/login"],
    ["a branch pipeline", { CI_COMMIT_REF_NAME: "release/1.4" }, [], "release/1.4"],
    ["a tag pipeline: the tag, which names no branch", { CI_COMMIT_REF_NAME: "v1.2.0", CI_COMMIT_TAG: "v1.2.0" }, ["v1.2.0"], undefined],
  ])("GitLab, %s", async (_case, variables, tags, branch) => {
    const { exportLine, ciCall, releaseCall } = gitlabLines();
    // before_script and script run in one shell: the export reaches every job's call.
    const dagger = fakeDagger();
    for (const call of [ciCall, releaseCall]) {
      const run = await execa("sh", ["-ec", `${exportLine}\n${call}`], { cwd: tempDir("git-ref-gitlab-"), env: { ...dagger.env, ...variables } });
      const ref = gitRefOf(dagger.argv(run.stdout))!;
      const given: Record<string, string> = variables;
      expect(ref).toBe(given["CI_MERGE_REQUEST_SOURCE_BRANCH_NAME"] ?? given["CI_COMMIT_REF_NAME"]);
      expect(branchFromRef(ref, tags)).toBe(branch);
    }
    expect(ciCall).toBe(`dagger -m ${MODULE} call --source=. --git=. --git-ref="$GIT_REF" ci`);
  });

  it("a branch name that is shell code stays one argument on both providers, never run", async () => {
    const hostile = '$(touch pwned)`touch pwned2`;touch pwned3 "x';
    const work = tempDir("git-ref-hostile-");
    const dagger = fakeDagger();
    const { exportLine, ciCall } = gitlabLines();
    const gitlab = await execa("sh", ["-ec", `${exportLine}\n${ciCall}`], { cwd: work, env: { ...dagger.env, CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: hostile } });
    expect(gitRefOf(dagger.argv(gitlab.stdout))).toBe(hostile);
    const ci = workflow(".github/workflows/ci.yml").jobs["ci"]!;
    const step = ci.steps!.find((s) => s.run?.includes(" ci"))!;
    const github = await execa("bash", ["-eo", "pipefail", "-c", step.run!], { cwd: work, env: { ...dagger.env, GIT_REF: githubExpression(ci.env!["GIT_REF"]!, { "github.head_ref": hostile }) } });
    expect(gitRefOf(dagger.argv(github.stdout))).toBe(hostile);
    for (const file of ["pwned", "pwned2", "pwned3"]) expect(existsSync(join(work, file)), file).toBe(false);
  });
});
