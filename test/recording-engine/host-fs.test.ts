import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { dag, ExistsType } from "@dagger.io/dagger";
import { describe, expect, it } from "vitest";
import { recordRun } from "../../cli/recording-engine/run.js";
import { tempDir } from "../helpers/examples.js";

function tree(files: Record<string, string>): string {
  const root = tempDir("host-fs-");
  for (const [path, contents] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), contents);
  }
  return root;
}

async function run<T>(fn: () => Promise<T>, options: { hostRoot?: string } = {}): Promise<T> {
  const { result, error } = await recordRun(fn, options);
  if (error instanceof Error) throw error;
  expect(error).toBeUndefined();
  return result as T;
}

async function failure(fn: () => Promise<unknown>, options: { hostRoot?: string } = {}): Promise<string> {
  const { error } = await recordRun(fn, options);
  expect(error).toBeInstanceOf(Error);
  return (error as Error).message;
}

describe("host reads of the recording engine", () => {
  it("sees a host directory as the engine uploads it: exclude and include apply to every read", async () => {
    const root = tree({
      "go.mod": "module x\n",
      "main.go": "package main\n",
      "node_modules/dep/index.go": "package dep\n",
      "web/node_modules/dep/index.go": "package dep\n",
      ".git/HEAD": "ref: refs/heads/main\n",
      "reports/old.go": "package old\n",
      "cmd/api/main.go": "package main\n",
    });
    const exclude = ["**/node_modules", "**/.git", "reports"];
    const excluded = await run(async () => {
      const src = dag.host().directory(root, { exclude });
      return Promise.all([src.entries(), src.glob("**/*.go"), src.exists("reports/old.go"), src.exists(".git"), src.file("reports/old.go").contents().catch(() => "absent")]);
    });
    // web/ stays, emptied of its node_modules.
    expect(excluded).toEqual([["cmd/", "go.mod", "main.go", "web/"], ["cmd/api/main.go", "main.go"], false, false, "absent"]);

    const included = await run(async () => {
      const src = dag.host().directory(root, { include: ["go.mod", "cmd/**"] });
      return Promise.all([src.entries(), src.glob("**"), src.exists("main.go")]);
    });
    expect(included).toEqual([["cmd/", "go.mod"], ["cmd/", "cmd/api/", "cmd/api/main.go", "go.mod"], false]);
  });

  it("re-includes with a later !pattern, as .dockerignore does", async () => {
    const root = tree({ "docs/a.md": "a", "docs/keep/b.md": "b", "c.md": "c" });
    const globbed = await run(() => dag.host().directory(root, { exclude: ["docs", "!docs/keep"] }).glob("**/*.md"));
    expect(globbed).toEqual(["c.md", "docs/keep/b.md"]);
  });

  it("no longer hides .git or node_modules unless excluded", async () => {
    const root = tree({ "node_modules/dep/package.json": "{}", "package.json": "{}" });
    expect(await run(() => dag.host().directory(root).glob("**/package.json"))).toEqual(["node_modules/dep/package.json", "package.json"]);
  });

  it("answers host.file(path) from the real filesystem, and exists by expected type", async () => {
    const root = tree({ "pipeline.yaml": "language: go\n", "cmd/main.go": "package main\n" });
    const read = await run(async () => {
      const src = dag.host().directory(root);
      return Promise.all([
        dag.host().file(join(root, "pipeline.yaml")).contents(),
        dag.host().file(join(root, "pipeline.yaml")).size(),
        src.exists("cmd", { expectedType: ExistsType.DirectoryType }),
        src.exists("cmd", { expectedType: ExistsType.RegularType }),
        src.exists("cmd/main.go", { expectedType: ExistsType.RegularType }),
      ]);
    });
    expect(read).toEqual(["language: go\n", 13, true, false, true]);
    expect(await failure(() => dag.host().directory(root).file("cmd").contents())).toContain("is a directory");
  });

  it("never reads outside the host directory: not by .., nor through a symlink", async () => {
    const outside = tree({ "secret.txt": "outside-marker" });
    const root = tree({ "pipeline.yaml": "language: go\n", "sub/x.txt": "x" });
    symlinkSync(join(outside, "secret.txt"), join(root, "link.txt"));
    symlinkSync(outside, join(root, "linked-dir"));
    const escape = `../${outside.split("/").pop()}/secret.txt`;
    const errors = await Promise.all([
      failure(() => dag.host().directory(root).file(escape).contents()),
      failure(() => dag.host().directory(join(root, "sub")).file("../../etc/passwd").contents()),
      failure(() => dag.host().directory(root).file("link.txt").contents()),
      failure(() => dag.host().directory(root).directory("linked-dir").entries()),
    ]);
    for (const message of errors) {
      expect(message).toContain("resolves outside the host directory");
      expect(message).not.toContain("outside-marker");
    }
    const seen = await run(async () => {
      const src = dag.host().directory(root);
      return Promise.all([src.exists(escape), src.exists("link.txt"), src.glob("**")]);
    });
    // A symlink is listed by name (the engine uploads it as a link), but never followed.
    expect(seen).toEqual([false, false, ["link.txt", "linked-dir", "pipeline.yaml", "sub/", "sub/x.txt"]]);
  });

  it("refuses any host read outside hostRoot (plan passes its source)", async () => {
    const source = tree({ "a.txt": "a" });
    const elsewhere = tree({ "b.txt": "elsewhere-marker" });
    const message = await failure(() => dag.host().file(join(elsewhere, "b.txt")).contents(), { hostRoot: source });
    expect(message).toContain(`outside the host directory ${source}`);
    expect(await run(() => dag.host().directory(source).file("a.txt").contents(), { hostRoot: source })).toBe("a");
  });
});
