import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { onTestFinished } from "vitest";

/** The repository root (this file is test/helpers/examples.ts). */
export const REPO = new URL("../../", import.meta.url).pathname;

export type ExampleName = "go-service" | "node-service" | "python-service";

/** Absolute path of an example project. */
export function examplePath(name: ExampleName): string {
  return join(REPO, "examples", name);
}

/** Small projects made for one behaviour's tests, under test/projects/ (the examples are whole services). */
export type TestProjectName =
  | "node-mocha"
  | "node-workspaces"
  | "node-prepare-build"
  | "node-jest-ignores"
  | "python-black-precommit"
  | "python-tox-groups"
  | "go-nested"
  | "go-work";

export function testProjectPath(name: TestProjectName): string {
  return join(REPO, "test", "projects", name);
}

/** What never belongs in a copy: installed dependencies and tool caches. */
const NOT_COPIED = new Set(["node_modules", ".venv", "__pycache__", ".pytest_cache", ".hypothesis", ".benchmarks", "coverage"]);

/**
 * Copies an example into a fresh temp folder (without installed dependencies
 * or caches) and writes `files` over it, e.g. a pipeline.yaml.
 */
export function copyExample(name: ExampleName, files: Record<string, string> = {}): string {
  return copyProject(examplePath(name), files);
}

/** Like copyExample, for a project of test/projects/. */
export function copyTestProject(name: TestProjectName, files: Record<string, string> = {}): string {
  return copyProject(testProjectPath(name), files);
}

function copyProject(path: string, files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), `${basename(path)}-`));
  cpSync(path, root, { recursive: true, filter: (src) => !NOT_COPIED.has(basename(src)) });
  removeWhenDone(root);
  for (const [file, contents] of Object.entries(files)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), contents);
  }
  return root;
}

/** A fresh temp folder, removed when the test ends. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  removeWhenDone(dir);
  return dir;
}

/** Removes a temp folder when the current test ends, or when the test file's process exits (a copy made in beforeAll). */
export function removeWhenDone(path: string): void {
  const remove = () => rmSync(path, { recursive: true, force: true });
  try {
    onTestFinished(remove);
  } catch {
    process.once("exit", remove);
  }
}
