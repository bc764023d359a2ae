import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { pathFilter } from "../../cli/recording-engine/path-filter.js";
import type { Step } from "../../cli/recording-engine/query.js";
import { recordRun } from "../../cli/recording-engine/run.js";
import { loadConfig } from "../../pipeline/src/config/load.js";
import { copyExample, examplePath, REPO, type ExampleName } from "../helpers/examples.js";
import { execKeys } from "../helpers/exec-keys.js";
import { pipelineOn } from "../helpers/pipeline.js";

/**
 * What the tool containers get of a project decides when their execs are
 * cache hits: `ci` on two copies of an example, compared by the cache key of
 * every exec (its container chain, host directories by content).
 */

const CONFIG = "stages:\n  test:\n    coverageThreshold: 80\n";

/** Edits no lint, test or bench tool reads. */
const NOT_TOOL_INPUTS: Record<string, Record<string, string>> = {
  "README.md": { "README.md": "# Rewritten\n\nNothing a tool reads.\n" },
  "pipeline.yaml's comments": { "pipeline.yaml": `# The thresholds are the team's.\n${CONFIG}# End.\n` },
  "a GitHub Actions workflow": { ".github/workflows/ci.yml": "on: push\njobs: {}\n" },
  "a doc in a subfolder and the editor settings": { "docs/design.md": "# Design\n", ".vscode/settings.json": "{}\n" },
};

/** A source file each example's tools compile, lint or test. */
const SOURCE_FILE: Record<ExampleName, string> = {
  "go-service": "main.go",
  "node-service": "src/slug.ts",
  "python-service": "app/money.py",
};

/** The secret scan of the working tree reads every file: a token pasted into README.md or a workflow is a leak like any other. */
const isTreeSecretScan = (key: string) => (JSON.parse(key) as Step[]).some((step) => step.field === "withExec" && JSON.stringify(step.args["args"]).startsWith('["gitleaks","dir"'));

/** The exec keys of every tool but the tree's secret scan (see isTreeSecretScan). */
async function ciExecKeys(name: ExampleName, files: Record<string, string>): Promise<string[]> {
  return (await allCiExecKeys(name, files)).filter((key) => !isTreeSecretScan(key));
}

async function allCiExecKeys(name: ExampleName, files: Record<string, string>): Promise<string[]> {
  const root = copyExample(name, { "pipeline.yaml": CONFIG, ...files });
  const { engine } = await recordRun(async () => (await pipelineOn(root)).ci());
  return execKeys(engine.records);
}

describe.each(Object.keys(SOURCE_FILE) as ExampleName[])("%s: the exec keys of ci", (name) => {
  it.each(Object.entries(NOT_TOOL_INPUTS))("stay the same when only %s changes", async (_edit, files) => {
    const [before, after] = [await ciExecKeys(name, {}), await ciExecKeys(name, files)];
    // Lint, test, property tests and bench each ran their tools: there is something to compare.
    expect(before.length).toBeGreaterThanOrEqual(5);
    expect(after).toEqual(before);
  });

  it("but the secret scan of the tree reads every file, docs and CI files included", async () => {
    const [before, after] = [await allCiExecKeys(name, {}), await allCiExecKeys(name, NOT_TOOL_INPUTS["README.md"]!)];
    const changed = after.filter((key) => !before.includes(key));
    expect(changed.length).toBe(1);
    expect(isTreeSecretScan(changed[0]!)).toBe(true);
  });

  it("change when a source file does, except the dependency install's (its inputs are the manifests)", async () => {
    const path = SOURCE_FILE[name];
    const edited = `${readFileSync(join(examplePath(name), path), "utf8")}\n${path.endsWith(".py") ? "#" : "//"} edited\n`;
    const [before, after] = [await ciExecKeys(name, {}), await ciExecKeys(name, { [path]: edited })];
    const kept = after.filter((key) => before.includes(key));
    expect(after.filter((key) => !before.includes(key)).length).toBeGreaterThanOrEqual(4);
    expect(kept.length).toBeGreaterThan(0);
    // What still hits copied the manifests alone.
    for (const key of kept) {
      const copies = (JSON.parse(key) as Step[]).filter((step) => step.field === "withDirectory");
      expect(copies.every((copy) => Array.isArray(copy.args["include"]))).toBe(true);
    }
  });
});

describe("toolInputs", () => {
  it("keeps Markdown in test folders: a fixture edit there changes the test execs' keys", async () => {
    for (const fixture of ["internal/semver/testdata/cases.md", "test/fixtures/README.md"]) {
      const before = await ciExecKeys("go-service", { [fixture]: "# Cases\n" });
      const after = await ciExecKeys("go-service", { [fixture]: "# Cases\n\n- 1.2.3\n" });
      expect(after, fixture).not.toEqual(before);
    }
  });

  it("takes pipeline.yaml's exclude instead of the defaults: with none, a README edit reaches the tools", async () => {
    const config = `${CONFIG}toolInputs:\n  exclude: []\n`;
    const before = await ciExecKeys("go-service", { "pipeline.yaml": config });
    const after = await ciExecKeys("go-service", { "pipeline.yaml": config, "README.md": "# Rewritten\n" });
    expect(after).not.toEqual(before);
  });

  it("leaves out what pipeline.yaml's exclude names, and nothing it does not", async () => {
    const config = `${CONFIG}toolInputs:\n  exclude: [notes]\n`;
    const base = await ciExecKeys("go-service", { "pipeline.yaml": config, "notes/todo.txt": "a\n" });
    expect(await ciExecKeys("go-service", { "pipeline.yaml": config, "notes/todo.txt": "b\n" })).toEqual(base);
    // The defaults no longer apply.
    expect(await ciExecKeys("go-service", { "pipeline.yaml": config, "notes/todo.txt": "a\n", "README.md": "# Rewritten\n" })).not.toEqual(base);
  });
});

describe("this repository's own pipeline.yaml", () => {
  it("gives its tools the files its tests read: the docs, the CI files, pipeline.yaml and its schema", () => {
    const loaded = loadConfig(readFileSync(join(REPO, "pipeline.yaml"), "utf8"));
    if (!loaded.ok) throw new Error("pipeline.yaml is invalid");
    const kept = pathFilter([], loaded.config.toolInputs.exclude);
    for (const path of ["README.md", "ci/README.md", ".github/workflows/ci.yml", ".gitlab-ci.yml", "pipeline.yaml", "pipeline.schema.json"]) {
      expect(kept(path, false), path).toBe(true);
    }
  });
});
