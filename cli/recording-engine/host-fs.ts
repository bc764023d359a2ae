import { createHash } from "node:crypto";
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync, type Stats } from "node:fs";
import { basename, isAbsolute, join, relative, resolve, sep } from "node:path";
import { globToRegExp, pathFilter, type PathFilter } from "./path-filter.js";
import { argText, type ArgValue, type Step } from "./query.js";

// test/unit's property tests import the glob matcher from here.
export { globToRegExp };

/** Where a chain points on the host, when it is a plain read of a host directory or file. */
export interface HostTarget {
  /** The host directory (or file) the chain starts from: nothing outside it is read. */
  root: string;
  /** The root's include/exclude: what the engine would have uploaded. */
  keeps: PathFilter;
  path: string;
  kind: "directory" | "file";
}

/** Follows `host.directory(path, {include, exclude})` or `host.file(path)`, then `directory(...)`/`file(...)` steps; anything else is not a host read. */
export function hostTarget(steps: readonly Step[]): HostTarget | undefined {
  const start = steps[1];
  if (steps[0]?.field !== "host" || (start?.field !== "directory" && start?.field !== "file")) return undefined;
  const root = resolve(argText(start.args["path"]));
  const keeps = start.field === "directory" ? pathFilter(strings(start.args["include"]), strings(start.args["exclude"])) : () => true;
  let target: HostTarget = { root, keeps, path: root, kind: start.field };
  for (const step of steps.slice(2)) {
    if (target.kind === "file" || (step.field !== "directory" && step.field !== "file")) return undefined;
    target = { ...target, path: join(target.path, argText(step.args["path"])), kind: step.field };
  }
  return target;
}

/** Whether `path` is `root` or inside it, symlinks resolved: what a host read may touch. */
export function isInside(root: string, path: string): boolean {
  const inside = (from: string, to: string) => {
    const rel = relative(from, to);
    return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
  };
  if (!inside(root, path)) return false;
  try {
    return inside(realpathSync(root), realpathSync(path));
  } catch {
    return true; // nothing there to resolve: lexically inside is all there is
  }
}

/** Answers a leaf read of a host target from the real filesystem; `undefined` when the leaf is not a read. */
export function readHost(target: HostTarget, leaf: Step): { value: unknown } | { error: string } | undefined {
  const sub = (p: unknown) => (typeof p === "string" && p !== "" ? join(target.path, p) : target.path);
  const at = (path: string, want: "file" | "directory") => locate(target, path, want);
  switch (leaf.field) {
    case "entries": {
      const dir = at(sub(leaf.args["path"]), "directory");
      return "error" in dir ? dir : { value: entries(target, dir.path) };
    }
    case "glob": {
      const dir = at(target.path, "directory");
      return { value: "error" in dir ? [] : glob(target, dir.path, argText(leaf.args["pattern"])) };
    }
    case "exists": {
      const type = leaf.args["expectedType"];
      const found = locate(target, sub(leaf.args["path"]), type === "DIRECTORY_TYPE" ? "directory" : type === "REGULAR_TYPE" ? "file" : undefined);
      if ("error" in found) return { value: false };
      return { value: type === "SYMLINK_TYPE" ? lstatSync(found.path).isSymbolicLink() : true };
    }
    case "contents": {
      const file = at(target.path, "file");
      return "error" in file ? file : { value: readFileSync(file.path, "utf8") };
    }
    case "size": {
      const file = at(target.path, "file");
      return "error" in file ? file : { value: file.stats.size };
    }
    case "name":
      return { value: basename(target.path) };
    case "digest": {
      const file = target.kind === "file" ? at(target.path, "file") : undefined;
      if (file && "error" in file) return file;
      const data = file ? readFileSync(file.path) : Buffer.from(target.path);
      return { value: `sha256:${createHash("sha256").update(data).digest("hex")}` };
    }
    default:
      return undefined;
  }
}

/** A path the chain may see: inside its root (symlinks resolved), kept by the filters, and of the wanted kind. */
function locate(target: HostTarget, path: string, want?: "file" | "directory"): { path: string; stats: Stats } | { error: string } {
  if (!isInside(target.root, path)) return { error: `${path} resolves outside the host directory ${target.root}` };
  const stats = statSync(path, { throwIfNoEntry: false });
  if (!stats || !target.keeps(relativePosix(target.root, path), stats.isDirectory())) {
    return { error: `lstat ${path}: no such file or directory` };
  }
  if (want === "directory" && !stats.isDirectory()) return { error: `${path}: not a directory` };
  if (want === "file" && stats.isDirectory()) return { error: `read ${path}: is a directory` };
  return { path, stats };
}

function entries(target: HostTarget, dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => target.keeps(relativePosix(target.root, join(dir, d.name)), d.isDirectory()))
    .map((d) => (d.isDirectory() ? `${d.name}/` : d.name))
    .sort();
}

/** Matches paths relative to `dir`; symlinked folders are not followed, so the walk stays inside the root. */
function glob(target: HostTarget, dir: string, pattern: string): string[] {
  const matcher = globToRegExp(pattern);
  const found: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const full = join(folder, entry.name);
      if (!target.keeps(relativePosix(target.root, full), entry.isDirectory())) continue;
      const rel = relativePosix(dir, full);
      if (matcher.test(rel)) found.push(entry.isDirectory() ? `${rel}/` : rel);
      if (entry.isDirectory()) walk(full);
    }
  };
  walk(dir);
  return found.sort();
}

function relativePosix(from: string, to: string): string {
  return relative(from, to).split(sep).join("/");
}

function strings(value: ArgValue | undefined): string[] {
  return Array.isArray(value) ? value.map((v) => argText(v)) : [];
}
