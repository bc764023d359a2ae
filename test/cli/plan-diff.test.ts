import { appendFileSync, cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { dag, type Container } from "@dagger.io/dagger";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import type { PlanDiff } from "../../cli/commands/plan-diff.js";
import { CacheInputs } from "../../cli/plan/diff/cache-inputs.js";
import { compareExecs, type ExecChange } from "../../cli/plan/diff/compare.js";
import { SourceFiles } from "../../cli/plan/diff/source-files.js";
import { recordRun } from "../../cli/recording-engine/run.js";
import type { PlanDocument } from "../../cli/plan/document.js";
import { IMAGES } from "../../pipeline/modules/pins.js";
import { copyExample, REPO, tempDir, type ExampleName } from "../helpers/examples.js";
import { cli } from "../helpers/cli.js";

const validate = new Ajv2020({ strict: true, allErrors: true }).compile(JSON.parse(readFileSync(join(REPO, "plan-diff.schema.json"), "utf8")));

/** A copy of an example as a git repository of its own, committed, so `--diff HEAD` compares with it. */
async function committedExample(name: ExampleName): Promise<string> {
  const root = copyExample(name);
  await gitIn(root, "init", "--quiet");
  await commitAll(root, "base");
  return root;
}

function gitIn(root: string, ...args: string[]) {
  return execa("git", ["-C", root, "-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", ...args]);
}

async function commitAll(root: string, message: string): Promise<void> {
  await gitIn(root, "add", "--all");
  await gitIn(root, "commit", "--quiet", "--message", message);
}

/** The execs that read the checkout's history (the call's --git): the git metadata reader and the history's secret scan. */
function historyReader(exec: { image: string | null; argv: readonly string[] }): "git metadata" | "history secret scan" | undefined {
  if (exec.image === IMAGES.git) return "git metadata";
  return exec.argv[0] === "gitleaks" && exec.argv[1] === "git" ? "history secret scan" : undefined;
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
  { example: "node-service", source: "src/slug.ts", lockfile: "package-lock.json", install: ["npm", "ci"], tests: ["npm", "run", "test"] },
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
    // Every re-run is for that file: nothing else changed, nothing is new.
    expect(diff.counts.new).toBe(0);
    for (const exec of diff.execs.filter((e) => e.status !== "cached")) expect(exec.causes.map((c) => c.path), exec.argv.join(" ")).toEqual(exec.causes.map(() => source));
  });

  it("against a ref, leaves out what reads the checkout's history, which plan shows: a ref's tree has no .git to compare", async () => {
    const root = await committedExample("go-service");
    appendFileSync(join(root, "main.go"), "\n");
    const { out } = await cli("plan", "ci", "--source", root, "--json");
    const planned = (JSON.parse(out) as PlanDocument).groups.flatMap((g) => g.containers.flatMap((c) => c.execs.map((e) => historyReader({ image: c.image, argv: e.argv }))));
    expect(new Set(planned.filter(Boolean))).toEqual(new Set(["git metadata", "history secret scan"]));
    const diff = await diffAgainstHead(root);
    expect(diff.execs.filter(historyReader)).toEqual([]);
    expect(diff.removed.filter(historyReader)).toEqual([]);
  });

  it("against a folder without history, the history's readers are new; the tree's secret scan re-runs for the edit alone", async () => {
    const base = copyExample("go-service");
    const head = await committedExample("go-service");
    appendFileSync(join(head, "main.go"), "\n");
    const { out } = await cli("plan", "ci", "--source", head, "--diff-source", base, "--json");
    const diff = JSON.parse(out) as PlanDiff;
    expect(diff.execs.filter((e) => e.status === "new").map(historyReader).sort()).toEqual(["git metadata", "history secret scan"]);
    expect(diff.removed).toEqual([]);
    const reruns = diff.execs.filter((e) => e.status === "reruns");
    expect(reruns.map((e) => e.argv.slice(0, 2).join(" "))).toContain("gitleaks dir");
    for (const exec of reruns) expect(exec.causes, exec.argv.join(" ")).toEqual([{ input: "file", path: "main.go", change: "modified", step: expect.stringMatching(/^copy to \/(src|repo)$/) }]);
  });

  it("against another checkout, the history's readers re-run for the history's own files; the tree's secret scan for the tree's", async () => {
    const base = await committedExample("go-service");
    const head = tempDir("go-service-head-");
    cpSync(base, head, { recursive: true });
    appendFileSync(join(head, "main.go"), "\n");
    await commitAll(head, "edit");
    const { out } = await cli("plan", "ci", "--source", head, "--diff-source", base, "--json");
    const diff = JSON.parse(out) as PlanDiff;
    expect(diff.counts.new).toBe(0);
    // Every file cause names its file; the history's are under .git/.
    for (const cause of diff.execs.flatMap((e) => e.causes)) expect(cause).toMatchObject({ input: "file", path: expect.any(String) });
    const history = (e: ExecChange) => e.causes.filter((c) => c.path!.startsWith(".git/"));
    expect(execOf(diff, "gitleaks", "dir").causes).toEqual([{ input: "file", path: "main.go", change: "modified", step: "copy to /repo" }]);
    const scan = execOf(diff, "gitleaks", "git");
    expect(scan.status).toBe("reruns");
    expect(history(scan).length).toBeGreaterThan(0);
    expect(scan.causes.filter((c) => !c.path!.startsWith(".git/"))).toEqual([{ input: "file", path: "main.go", change: "modified", step: "copy to /repo" }]);
    const metadata = diff.execs.find((e) => historyReader(e) === "git metadata")!;
    expect(metadata.status).toBe("reruns");
    expect(history(metadata)).toEqual(metadata.causes);
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
    // The secret scan of the tree alone: a token pasted into README.md is still a leak.
    expect(reruns.map((e) => e.argv.slice(0, 2).join(" "))).toEqual(["gitleaks dir"]);
    for (const exec of reruns) expect(exec.causes).toEqual([{ input: "file", path: "README.md", change: "modified", step: "copy to /repo" }]);
    expect(diff.counts.cached).toBeGreaterThan(reruns.length);
  });

  it("names an env value, an argument and a generated file that change between two source folders, and says it in text", async () => {
    // The base without the example's own pipeline.yaml (its services), so the head's is an added file.
    const base = copyExample("python-service");
    rmSync(join(base, "pipeline.yaml"));
    const head = copyExample("python-service", { "pipeline.yaml": "stages:\n  propertyTest: { iterations: 300 }\n" });
    const { code, out } = await cli("plan", "ci", "--source", head, "--diff-source", base, "--json");
    expect(code).toBe(0);
    const diff = JSON.parse(out) as PlanDiff;
    const causes = diff.execs.flatMap((e) => e.causes);
    expect(causes).toContainEqual(expect.objectContaining({ input: "file", path: "pipeline.yaml", change: "added" }));
    const property = diff.execs.find((e) => e.argv.includes("--pipeline-max-examples=300"));
    expect(property?.causes).toContainEqual(expect.objectContaining({ input: "argument", change: "modified" }));
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

describe("plan --diff: which base exec each exec is compared with", () => {
  /** The two recordings' execs compared, both read from `root`: containers built by `build` on each side, in order. */
  async function compareBuilt(root: string, base: (source: () => Container) => Container[], head: (source: () => Container) => Container[]) {
    const record = async (build: typeof base) =>
      (
        await recordRun(async () => {
          for (const container of build(() => dag.container().from(IMAGES.gitleaks).withDirectory("/repo", dag.host().directory(root, { exclude: [".git"] })))) await container.sync();
        })
      ).engine.records;
    const inputs = () => new CacheInputs(new SourceFiles(root));
    return compareExecs({ records: await record(base), inputs: inputs() }, { records: await record(head), inputs: inputs() });
  }

  it("a new step of a program never takes the counterpart of the step that is still there, whichever is asked for first", async () => {
    const root = await committedExample("go-service");
    const { execs, removed } = await compareBuilt(
      root,
      (tree) => [tree().withExec(["gitleaks", "dir", "."])],
      (tree) => [tree().withDirectory("/repo", dag.host().directory(root, { exclude: ["*", "!.git"] })).withExec(["gitleaks", "git", "."]), tree().withExec(["gitleaks", "dir", "."])],
    );
    expect(Object.fromEntries(execs.map((e) => [e.argv[1], e.status]))).toEqual({ dir: "cached", git: "new" });
    expect(removed).toEqual([]);
  });

  it("an added copy of the source names the files it brings; a change to a copy itself is its step's", async () => {
    const root = copyExample("go-service");
    const { execs } = await compareBuilt(
      root,
      (tree) => [tree().withExec(["gitleaks", "dir", "."]), tree().withDirectory("/notes", dag.host().directory(root, { include: ["README.md"] })).withExec(["gitleaks", "dir", "/notes"])],
      (tree) => [
        tree().withDirectory("/extra", dag.host().directory(root, { include: ["go.mod", "main.go"] })).withExec(["gitleaks", "dir", "."]),
        tree().withDirectory("/notes", dag.host().directory(root, { include: ["README.md"] }), { owner: "65532" }).withExec(["gitleaks", "dir", "/notes"]),
      ],
    );
    const causesOf = (target: string) => execs.find((e) => e.argv[2] === target)!.causes;
    expect(causesOf(".")).toEqual([
      { input: "file", step: "copy to /extra", change: "added", path: "go.mod" },
      { input: "file", step: "copy to /extra", change: "added", path: "main.go" },
    ]);
    expect(causesOf("/notes")).toEqual([{ input: "step", step: "copy to /notes", change: "modified" }]);
  });
});
