import type { Directory } from "@dagger.io/dagger";

/** Where every toolchain puts the project in its container, and runs its tools. */
export const WORKDIR = "/src";

/** The project a toolchain works on. */
export interface Project {
  /**
   * The project's folder (pipeline.yaml's `workdir` applied), whole: what the
   * pipeline itself reads (manifests, test-file globs, the baseline) and what a
   * release builds its Dockerfile from.
   */
  source: Directory;
  /**
   * What the tool containers get of it: the source without the files no tool
   * reads (pipeline.yaml's `toolInputs.exclude`), so that editing the docs, the
   * CI files or pipeline.yaml keeps every lint, test and bench exec cached.
   */
  toolInputs: Directory;
  /** Names at the project's root; folders end with `/`. */
  entries: readonly string[];
}

/**
 * What the tool containers leave out by default, relative to the project
 * folder (Dagger's include/exclude patterns: later ones win, `!` keeps).
 * Only what linters, compilers and test runners do not read: leaving out a
 * file a tool reads breaks a build, keeping one in costs a cache miss.
 */
export const TOOL_INPUT_EXCLUDES = [
  // Documentation. Markdown in test folders stays: tests read fixtures.
  "**/*.md",
  "!**/test/**",
  "!**/tests/**",
  "!**/__tests__/**",
  "!**/testdata/**",
  "!**/fixtures/**",
  "!**/__fixtures__/**",
  // CI configuration: the CI runs the tools, they do not read it.
  ".github",
  ".gitlab",
  ".gitlab-ci.yml",
  // The pipeline's own configuration, which it reads from the whole source.
  "pipeline.yaml",
  "pipeline.schema.json",
  // Editor settings.
  ".vscode",
  ".idea",
];

export function hasFile(project: Project, ...names: string[]): boolean {
  return names.some((name) => project.entries.includes(name));
}

/** Whether `path` may exist, judged from the root entries alone: false needs no round trip to the engine. */
export function mayExist(entries: readonly string[], path: string): boolean {
  const top = path.split("/")[0]!;
  return entries.includes(top) || entries.includes(`${top}/`);
}

/** Reads a file of the project, `undefined` when it does not exist. */
export async function readProjectFile(project: Project, path: string): Promise<string | undefined> {
  if (!mayExist(project.entries, path)) return undefined;
  // A root entry without a slash is a file: read it at once, one round trip fewer on every stage's way to its exec.
  if (!path.includes("/")) return project.entries.includes(path) ? project.source.file(path).contents() : undefined;
  if (!(await project.source.exists(path))) return undefined;
  return project.source.file(path).contents();
}

/** Once per project, shared by the stages that run concurrently: each read is a round trip before their execs. */
export function oncePerProject<T>(compute: (project: Project) => Promise<T>): (project: Project) => Promise<T> {
  const cache = new WeakMap<Project, Promise<T>>();
  return (project) => {
    let value = cache.get(project);
    if (!value) cache.set(project, (value = compute(project)));
    return value;
  };
}
