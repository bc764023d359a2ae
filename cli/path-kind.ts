import { statSync } from "node:fs";

export type PathKind = "file" | "directory" | "missing" | "other" | "no-access";

/**
 * What is at `path`, following symlinks, so a command can name the problem
 * before a read fails with EISDIR, ENOENT or ENOTDIR.
 */
export function pathKind(path: string): PathKind {
  try {
    const stats = statSync(path);
    return stats.isDirectory() ? "directory" : stats.isFile() ? "file" : "other";
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return "missing";
    if (code === "EACCES" || code === "EPERM") return "no-access";
    throw error;
  }
}
