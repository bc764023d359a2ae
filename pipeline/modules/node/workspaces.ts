/**
 * npm, yarn and pnpm workspaces: which folders are the monorepo's packages,
 * and the command that runs a script in each package that defines it. No
 * Dagger import.
 */
import { globMatcher, type PackageJson, type PackageManager } from "./args.js";

/** One package of the monorepo: its folder (relative, no trailing slash), name and scripts. */
export interface Workspace {
  dir: string;
  name: string | undefined;
  scripts: Record<string, string>;
}

/**
 * The workspace globs: package.json `workspaces` (a list, or yarn's `{
 * packages: [...] }`), or pnpm-workspace.yaml's `packages` list; `undefined`
 * when the project is no monorepo.
 */
export function workspacePatterns(pkg: PackageJson, pnpmWorkspaceYaml?: string): string[] | undefined {
  const declared = pkg.workspaces;
  const list = Array.isArray(declared) ? declared : isRecord(declared) && Array.isArray(declared["packages"]) ? declared["packages"] : undefined;
  if (list) return list.filter((p): p is string => typeof p === "string");
  return pnpmWorkspaceYaml === undefined ? undefined : pnpmPackages(pnpmWorkspaceYaml);
}

/**
 * The `packages:` list of pnpm-workspace.yaml, read line by line: the file
 * is a flat list of quoted or bare globs, and the module has no YAML parser
 * of its own (none but typescript may be a dependency).
 */
export function pnpmPackages(yaml: string): string[] {
  const out: string[] = [];
  let inPackages = false;
  for (const line of yaml.split(/\r?\n/)) {
    if (/^packages\s*:/.test(line)) {
      inPackages = true;
      continue;
    }
    if (!inPackages || /^\s*(#|$)/.test(line)) continue;
    const item = /^\s+-\s*(["']?)(.*?)\1\s*(#.*)?$/.exec(line);
    if (!item) break;
    out.push(item[2]!);
  }
  return out;
}

/** The folders of `packageJsonPaths` (from a `**\/package.json` glob) that the globs make workspaces; `!` globs exclude. */
export function workspaceDirs(packageJsonPaths: readonly string[], patterns: readonly string[]): string[] {
  const include = patterns.filter((p) => !p.startsWith("!")).map((p) => globMatcher(trimSlash(p)));
  const exclude = patterns.filter((p) => p.startsWith("!")).map((p) => globMatcher(trimSlash(p.slice(1))));
  return packageJsonPaths
    .filter((p) => p.endsWith("/package.json") && !p.split("/").includes("node_modules"))
    .map((p) => p.slice(0, -"/package.json".length))
    .filter((dir) => include.some((m) => m(dir)) && !exclude.some((m) => m(dir)))
    .sort();
}

/**
 * The command(s) running `script` in every workspace that defines it, none
 * when no workspace does. npm and pnpm skip the packages without it
 * themselves; yarn 1's `workspaces run` fails on them, so yarn gets one
 * `yarn workspace <name> run` per package (the same in yarn 1 and 2+).
 */
export function workspaceScriptArgs(manager: PackageManager, script: string, workspaces: readonly Workspace[]): string[][] {
  const defining = workspaces.filter((w) => typeof w.scripts[script] === "string");
  if (defining.length === 0) return [];
  switch (manager) {
    case "npm":
      return [["npm", "run", script, "--workspaces", "--if-present"]];
    case "pnpm":
      return [["corepack", "pnpm", "--recursive", "--if-present", "run", script]];
    case "yarn":
      // A package without a name cannot be addressed by yarn: it is not a workspace yarn knows.
      return defining.filter((w) => w.name !== undefined).map((w) => ["corepack", "yarn", "workspace", w.name!, "run", script]);
  }
}

function trimSlash(glob: string): string {
  return glob.replace(/^\.\//, "").replace(/\/+$/, "");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
