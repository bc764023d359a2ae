import { statSync } from "node:fs";
import { CliError } from "./errors.js";

/** "other" is a FIFO, socket or device: reading one can block forever, so commands refuse it. */
export type PathKind = "file" | "directory" | "missing" | "other" | "no-access";

/**
 * What is at `path`, following symlinks, so a command can name the problem
 * before a read fails with EISDIR, ENOENT or ENOTDIR (or hangs on a FIFO).
 * Any other failure (a symlink loop, a name too long) is a CliError naming
 * the path: it is a problem with the user's filesystem, not a bug.
 */
export function pathKind(path: string): PathKind {
  try {
    const stats = statSync(path);
    return stats.isDirectory() ? "directory" : stats.isFile() ? "file" : "other";
  } catch (error) {
    const failure = systemError(error);
    if (failure?.code === "ENOENT" || failure?.code === "ENOTDIR") return "missing";
    if (failure?.code === "EACCES" || failure?.code === "EPERM") return "no-access";
    if (!failure) throw error;
    const fix =
      failure.code === "ELOOP"
        ? `make the symlink point at a real file or folder (ls -l ${path} shows where it points)`
        : "check the path, and that its file system is mounted and healthy";
    throw new CliError("PATH_UNUSABLE", `${path}: ${failure.reason}.\n  Fix: ${fix}.`);
  }
}

/**
 * The errno code and what it means ("permission denied (EACCES)") when
 * `error` is a failed system call; undefined for anything else, which is a bug.
 */
export function systemError(error: unknown): { code: string; reason: string } | undefined {
  const { code, syscall, message } = (error ?? {}) as NodeJS.ErrnoException;
  if (typeof code !== "string" || typeof syscall !== "string") return undefined;
  // Node words it "EACCES: permission denied, open 'x'"; keep the words, the caller names the path.
  const words = String(message).replace(/^\w+: /, "").replace(/, \w+ '.*'$/s, "");
  return { code, reason: `${words} (${code})` };
}
