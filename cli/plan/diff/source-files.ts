import { createHash } from "node:crypto";
import { lstatSync, readFileSync, readdirSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { pathFilter, type PathFilter } from "../../recording-engine/path-filter.js";

/** Files of a source folder by path (slash-separated, relative to it), each with a digest of what a copy of it carries: contents, executable bit, or a symlink's target. */
export type FileDigests = ReadonlyMap<string, string>;

/**
 * Reads and digests the files of `root` that `host.directory(root, { include,
 * exclude })` uploads, once per filter: folders the filter leaves out are
 * not walked (node_modules, .git).
 */
export class SourceFiles {
  private readonly listings = new Map<string, FileDigests>();

  constructor(readonly root: string) {}

  uploaded(include: readonly string[], exclude: readonly string[]): FileDigests {
    const key = JSON.stringify([include, exclude]);
    let listing = this.listings.get(key);
    if (!listing) {
      listing = digestTree(this.root, pathFilter(include, exclude));
      this.listings.set(key, listing);
    }
    return listing;
  }

  /** One file's digest, relative to the root (`host.file(path)`); an absent file digests as absent. */
  digest(path: string): string {
    try {
      return digestFile(join(this.root, path));
    } catch {
      return "absent";
    }
  }
}

function digestTree(root: string, keeps: PathFilter): FileDigests {
  const files = new Map<string, string>();
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = prefix ? `${prefix}/${entry.name}` : entry.name;
      const full = join(dir, entry.name);
      if (!keeps(path, entry.isDirectory())) continue;
      if (entry.isDirectory()) walk(full, path);
      else files.set(path, digestFile(full));
    }
  };
  walk(root, "");
  return files;
}

function digestFile(path: string): string {
  const stats = lstatSync(path);
  const hash = createHash("sha256");
  if (stats.isSymbolicLink()) hash.update(`symlink\0${readlinkSync(path)}`);
  else hash.update(stats.mode & 0o111 ? "executable\0" : "file\0").update(readFileSync(path));
  return hash.digest("hex").slice(0, 16);
}

/** The files of `files` under `dir` (`.` for all), re-rooted there, that pass each filter in turn. */
export function narrow(files: FileDigests, dir: string, filters: readonly PathFilter[]): FileDigests {
  const prefix = dir === "." || dir === "" ? "" : `${dir.replace(/\/+$/, "")}/`;
  const kept = new Map<string, string>();
  for (const [path, digest] of files) {
    if (!path.startsWith(prefix)) continue;
    const relative = path.slice(prefix.length);
    if (filters.every((keeps) => keeps(relative, false))) kept.set(relative, digest);
  }
  return kept;
}
