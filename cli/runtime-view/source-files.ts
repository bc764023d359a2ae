import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { readDaggerJson } from "../dagger-version.js";
import { EXCLUDED_FROM_SOURCE } from "./runtime-source.js";

/** dagger.json's `source` (the module's source folder, relative to it), `.` when absent. */
export function moduleSource(repoRoot: string): string {
  const declared = readDaggerJson(join(repoRoot, "dagger.json"))?.["source"];
  return typeof declared === "string" ? declared : ".";
}

/**
 * The files of the module source the runtime copies into its container: all of
 * `<source>/` but the config files, `sdk` and `node_modules` at its root
 * (rt:config.go:540-551). Nothing outside `<source>/` (rt:config.go:144): dagger.json
 * `include` adds files to the module's context, not to this view.
 */
export function runtimeSourceFiles(sourceDir: string): string[] {
  const excluded = new Set<string>(EXCLUDED_FROM_SOURCE);
  return readdirSync(sourceDir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() || entry.isSymbolicLink())
    .map((entry) => relative(sourceDir, join(entry.parentPath, entry.name)))
    .filter((path) => !excluded.has(path.split("/")[0]!))
    .sort();
}
