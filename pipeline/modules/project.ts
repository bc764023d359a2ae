import type { Directory } from "@dagger.io/dagger";

/** Where every toolchain puts the project in its container, and runs its tools. */
export const WORKDIR = "/src";

/** The project a toolchain works on. */
export interface Project {
  /** The project's folder (pipeline.yaml's `workdir` applied). */
  source: Directory;
  /** Names at the project's root; folders end with `/`. */
  entries: readonly string[];
}

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
