import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import type { PlanDiff } from "../../cli/commands/plan-diff.js";
import type { ExecChange } from "../../cli/plan/diff/compare.js";
import { copyExample, REPO, type ExampleName } from "../helpers/examples.js";
import { cli } from "../helpers/cli.js";

const validate = new Ajv2020({ strict: true, allErrors: true }).compile(JSON.parse(readFileSync(join(REPO, "plan-diff.schema.json"), "utf8")));

/** A copy of an example as a git repository of its own, committed, so `--diff HEAD` compares with it. */
async function committedExample(name: ExampleName): Promise<string> {
  const root = copyExample(name);
  const git = (...args: string[]) => execa("git", ["-C", root, "-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", ...args]);
  await git("init", "--quiet");
  await git("add", "--all");
  await git("commit", "--quiet", "--message", "base");
  return root;
}

async function diffAgainstHead(root: string, fn = "ci"): Promise<PlanDiff> {
  const { code, out, err } = await cli("plan", fn, "--source", root, "--diff", "HEAD", "--json");
  expect(err).toBe("");
  expect(code).toBe(0);
  const diff = JSON.parse(out) as PlanDiff;
  expect(validate(diff), JSON.stringify(validate.errors?.slice(0, 3), null, 2)).toBe(true);
  return diff;
}

function execOf(diff: PlanDiff, ...words: string[]): ExecChange {
  const exec = diff.execs.find((e) => words.every((w, i) => e.argv[i] === w));
  if (!exec) throw new Error(`no exec ${words.join(" ")} in ${diff.execs.map((e) => e.argv.slice(0, 3).join(" ")).join("; ")}`);
  return exec;
}

/** What each example installs its dependencies with, and runs its unit tests with. */
const STACKS = [
  { example: "go-service", source: "main.go", lockfile: "go.mod", install: ["go", "mod", "download"], tests: ["go", "test", "-race"] },
  { example: "node-service", source: "src/slug.ts", lockfile: "package-lock.json", install: ["npm", "ci"], tests: ["node", "--import", "tsx", "--test"] },
  { example: "python-service", source: "app/money.py", lockfile: "requirements-dev.txt", install: ["pip", "install", "-r"], tests: ["python", "-m", "pytest"] },
] as const;

describe("plan --diff: which execs would re-run, and why", () => {
  it.each(STACKS)("$example: a one-line edit to $source re-runs the tests for that file, never the dependency install", async ({ example, source, install, tests }) => {
    const root = await committedExample(example);
    appendFileSync(join(root, source), "\n");
    const diff = await diffAgainstHead(root);
    expect(execOf(diff, ...install).status).toBe("cached");
    const run = execOf(diff, ...tests);
    expect(run.status).toBe("reruns");
    expect(run.causes).toContainEqual({ input: "file", path: source, change: "modified", step: "copy to /src" });
    // Every re-run is for that file: nothing else changed.
    for (const exec of diff.execs.filter((e) => e.status !== "cached")) expect(exec.causes.map((c) => c.path), exec.argv.join(" ")).toEqual(exec.causes.map(() => source));
  });

  it.each(STACKS)("$example: a one-line edit to $lockfile re-runs the install, and what depends on it", async ({ example, lockfile, install, tests }) => {
    const root = await committedExample(example);
    const path = join(root, lockfile);
    const text = readFileSync(path, "utf8");
    // A change a lockfile could really get: JSON gains a key, the others a trailing line.
    writeFileSync(path, lockfile.endsWith(".json") ? text.replace(/^\{/, '{\n  "edited": true,') : `${text}\n`);
    const diff = await diffAgainstHead(root);
    for (const words of [install, tests]) {
      const exec = execOf(diff, ...words);
      expect(exec.status, words.join(" ")).toBe("reruns");
      expect(exec.causes).toContainEqual(expect.objectContaining({ input: "file", path: lockfile, change: "modified" }));
    }
  });

  it.each(STACKS)("$example: a one-line edit to README.md re-runs only what reads the whole tree, never an install or the tests", async ({ example, install, tests }) => {
    const root = await committedExample(example);
    appendFileSync(join(root, "README.md"), "One more line.\n");
    const diff = await diffAgainstHead(root);
    expect(execOf(diff, ...install).status).toBe("cached");
    expect(execOf(diff, ...tests).status).toBe("cached");
    const reruns = diff.execs.filter((e) => e.status !== "cached");
    for (const exec of reruns) expect(exec.causes).toEqual([{ input: "file", path: "README.md", change: "modified", step: expect.stringMatching(/^(copy|mount) to /) }]);
    expect(diff.counts.cached).toBeGreaterThan(reruns.length);
  });

  it("names an env value, an argument and a generated file that change between two source folders, and says it in text", async () => {
    const base = copyExample("python-service");
    const head = copyExample("python-service", { "pipeline.yaml": "stages:\n  propertyTest: { iterations: 300 }\n  bench: { count: 8 }\n" });
    const { code, out } = await cli("plan", "ci", "--source", head, "--diff-source", base, "--json");
    expect(code).toBe(0);
    const diff = JSON.parse(out) as PlanDiff;
    const causes = diff.execs.flatMap((e) => e.causes);
    expect(causes).toContainEqual(expect.objectContaining({ input: "file", path: "pipeline.yaml", change: "added" }));
    const bench = diff.execs.find((e) => e.argv.includes("--benchmark-only"));
    expect(bench?.causes).toContainEqual(expect.objectContaining({ input: "argument", change: "modified" }));
    const text = await cli("plan", "ci", "--source", head, "--diff-source", base);
    expect(text.out).toMatch(/^Cache keys of `dagger call ci` on .*, against .*:\n {2}\d+ re-run, \d+ new, \d+ cached\./);
    // The tools' copies leave pipeline.yaml out (toolInputs); the tree's secret scan reads it.
    expect(text.out).toContain("      file pipeline.yaml added (copy to /repo)");
    expect(text.out).toMatch(/its arguments modified: .* → /);
  });

  it.each([
    ["an unknown ref", ["--diff", "no-such-branch"], /^error: --diff no-such-branch: no such commit in the repository of .*\n {2}Fix: git log --oneline lists the commits/],
    ["a ref that looks like an option", ["--diff", "--output=x"], /^error: --diff "--output=x" is not a git ref\./],
    ["both --diff and --diff-source", ["--diff", "HEAD", "--diff-source", "."], /^error: --diff and --diff-source both name what to compare with\.\n {2}Fix: give one of them\.\n$/],
  ])("refuses %s with exit 2", async (_what, flags, message) => {
    const root = await committedExample("go-service");
    const { code, out, err } = await cli("plan", "lint", "--source", root, ...flags);
    expect({ code, out }).toEqual({ code: 2, out: "" });
    expect(err).toMatch(message);
  });

  it("refuses --diff outside a git repository with exit 2, pointing at --diff-source", async () => {
    const { code, err } = await cli("plan", "lint", "--source", copyExample("go-service"), "--diff", "HEAD");
    expect(code).toBe(2);
    expect(err).toMatch(/is not in a git repository\.\n {2}Fix: compare with another folder instead: --diff-source <dir>\.\n$/);
  });
});
