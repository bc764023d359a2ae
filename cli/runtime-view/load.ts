import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { runtimeView } from "./view.js";

/** The module's main file, as plan and the graph tests use it. */
export type ModuleMain = typeof import("../../pipeline/src/index.js");

/**
 * Imports a file of the module from the runtime's view of it (see view.ts),
 * never from the repository: an import that would fail on an engine (a file
 * outside the module source, a package the runtime does not install) fails here
 * too. The recording engine's callers (plan, the graph tests) load the module so.
 */
export async function importFromRuntimeView<T = ModuleMain>(file = "src/index.ts", repoRoot?: string): Promise<T> {
  return (await import(pathToFileURL(join(runtimeView(repoRoot).modulePath, file)).href)) as T;
}
