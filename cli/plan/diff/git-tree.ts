import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { execa } from "execa";
import { CliError, EXIT } from "../../errors.js";

export interface CheckedOutTree {
  /** A temporary folder holding the source as it was at the commit. */
  dir: string;
  commit: string;
  remove: () => void;
}

/**
 * Writes the source folder `source` as it was at `ref` into a temporary
 * folder, from git's objects alone: the checkout, its index and its
 * worktrees are never touched. Only what git tracks is there (the working
 * tree's untracked files are not); a submodule is an empty folder.
 */
export async function checkOutTree(source: string, ref: string): Promise<CheckedOutTree> {
  if (ref.startsWith("-") || ref.trim() === "") {
    throw new CliError("DIFF_REF_INVALID", `--diff ${JSON.stringify(ref)} is not a git ref.\n  Fix: name a commit, branch or tag, like --diff HEAD or --diff main.`, EXIT.usage);
  }
  const git = (args: string[], input?: string) => execa("git", ["-C", source, ...args], { reject: false, stripFinalNewline: false, encoding: "buffer", ...(input !== undefined ? { input } : {}) });
  const prefix = await git(["rev-parse", "--show-prefix"]);
  if (prefix.exitCode !== 0) {
    throw new CliError("DIFF_NOT_A_REPOSITORY", `--diff ${ref}: ${source} is not in a git repository.\n  Fix: compare with another folder instead: --diff-source <dir>.`, EXIT.usage);
  }
  const commit = await git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  if (commit.exitCode !== 0) {
    throw new CliError("DIFF_REF_UNKNOWN", `--diff ${ref}: no such commit in the repository of ${source}.\n  Fix: git log --oneline lists the commits; a branch or tag name works too.`, EXIT.usage);
  }
  const sha = text(commit.stdout).trim();
  const subtree = text(prefix.stdout).trim().replace(/\/$/, "");
  const listing = await git(["ls-tree", "-r", "-z", subtree ? `${sha}:${subtree}` : `${sha}^{tree}`]);
  const dir = mkdtempSync(join(tmpdir(), "pipeline-diff-base-"));
  try {
    // A folder that did not exist at the commit is an empty source there.
    const entries = listing.exitCode === 0 ? parseTree(text(listing.stdout)) : [];
    const blobs = entries.filter((e) => e.type === "blob");
    const contents = blobs.length ? splitBatch(Buffer.from((await git(["cat-file", "--batch"], blobs.map((b) => b.object).join("\n") + "\n")).stdout)) : [];
    blobs.forEach((entry, i) => writeEntry(dir, entry, contents[i]!));
    for (const entry of entries.filter((e) => e.type === "commit")) mkdirSync(join(dir, entry.path), { recursive: true });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return { dir, commit: sha, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

interface TreeEntry {
  mode: string;
  type: string;
  object: string;
  path: string;
}

/** `git ls-tree -z` lines: `<mode> <type> <object>\t<path>`, NUL-terminated. */
function parseTree(output: string): TreeEntry[] {
  return output
    .split("\0")
    .filter(Boolean)
    .map((line) => {
      const tab = line.indexOf("\t");
      const [mode, type, object] = line.slice(0, tab).split(" ") as [string, string, string];
      return { mode, type, object, path: line.slice(tab + 1) };
    });
}

/** `git cat-file --batch` output: for each object, `<oid> <type> <size>\n<contents>\n`. */
function splitBatch(output: Buffer): Buffer[] {
  const objects: Buffer[] = [];
  let at = 0;
  while (at < output.length) {
    const eol = output.indexOf(0x0a, at);
    const size = Number(output.subarray(at, eol).toString("utf8").split(" ")[2]);
    objects.push(output.subarray(eol + 1, eol + 1 + size));
    at = eol + 1 + size + 1;
  }
  return objects;
}

function writeEntry(root: string, entry: TreeEntry, contents: Buffer): void {
  const path = join(root, entry.path);
  mkdirSync(dirname(path), { recursive: true });
  if (entry.mode === "120000") {
    symlinkSync(contents.toString("utf8"), path);
    return;
  }
  writeFileSync(path, contents);
  if (entry.mode === "100755") chmodSync(path, 0o755);
}

function text(output: unknown): string {
  return Buffer.from(output as Uint8Array).toString("utf8");
}
