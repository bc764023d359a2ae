import { readProjectFile, type Project } from "../project.js";
import { goModulePath } from "./args.js";

/**
 * The Go modules of a project. `go test ./...` (and vet, lint) stops at a
 * nested go.mod, in a workspace too: each module below the root is a tree of
 * its own, which runs in its own folder or not at all.
 */

export interface GoModule {
  /** Its folder, relative to the project: "." for the root. */
  dir: string;
  /** The module path its go.mod declares, which prefixes its files in a coverprofile. */
  modulePath: string | undefined;
}

/** Folders `./...` leaves out (go's own rules: vendor, testdata, and names starting with . or _). */
const IGNORED_FOLDER = /^(vendor|testdata|[._].*)$/;

/** The folders `use` lists in a go.work (a line of its own, or a `use ( ... )` block), normalized: ".", "api". */
export function workspaceUses(goWork: string): string[] {
  const uses: string[] = [];
  let inBlock = false;
  for (const raw of goWork.split("\n")) {
    const line = raw.replace(/\/\/.*$/, "").trim();
    if (inBlock) {
      if (line === ")") inBlock = false;
      else if (line) uses.push(line);
      continue;
    }
    const single = /^use\s+(.+)$/.exec(line);
    if (!single) continue;
    if (single[1] === "(") inBlock = true;
    else uses.push(single[1]!);
  }
  return [...new Set(uses.map((use) => normalizeDir(use.replace(/^"|"$/g, ""))))].sort(rootFirst);
}

/** The folders of the go.mod files found (paths relative to the project), without those go ignores: the root first. */
export function moduleDirs(goModPaths: readonly string[]): string[] {
  const dirs = goModPaths
    .filter((path) => path === "go.mod" || path.endsWith("/go.mod"))
    .map((path) => normalizeDir(path.slice(0, -"go.mod".length)))
    .filter((dir) => dir === "." || !dir.split("/").some((part) => IGNORED_FOLDER.test(part)));
  return [...new Set(dirs)].sort(rootFirst);
}

/** A file name for what one module's run writes: "coverage.out" for the root, "coverage-api-v2.out" for api/v2. */
export function perModuleName(dir: string, base: string, extension: string): string {
  return dir === "." ? `${base}${extension}` : `${base}-${dir.replace(/[^A-Za-z0-9_.-]+/g, "-")}${extension}`;
}

function normalizeDir(dir: string): string {
  const clean = dir.replace(/^\.\//, "").replace(/\/+$/, "");
  return clean === "" || clean === "." ? "." : clean;
}

function rootFirst(a: string, b: string): number {
  return a === "." ? -1 : b === "." ? 1 : a.localeCompare(b);
}

/** The project's modules: go.work's `use` list when there is one (go runs nothing else there), else every go.mod. */
export async function goModules(project: Project): Promise<GoModule[]> {
  const goWork = await readProjectFile(project, "go.work");
  const dirs = goWork === undefined ? moduleDirs(["go.mod", ...(await project.source.glob("**/go.mod"))]) : workspaceUses(goWork);
  return Promise.all(
    dirs.map(async (dir) => {
      const goMod = await readProjectFile(project, dir === "." ? "go.mod" : `${dir}/go.mod`);
      return { dir, modulePath: goMod === undefined ? undefined : goModulePath(goMod) };
    }),
  );
}
