import type { GitCommit } from "./metadata.js";

/**
 * The git commands the pipeline runs and the readers of what they print,
 * pure so tests run the same argv with the real git on a real repository.
 * Every user-given value (a base ref) is checked first, then passed after
 * `--end-of-options`, in an argv array: no shell, and nothing taken for an option.
 */

/** Where the checkout's .git is mounted in the git container (read-only). */
export const GIT_DIR = "/repo/.git";

/** Options every command gets: the mount's owner is not the user git runs as, and no pager, colour or signature check. */
function git(gitDir: string, ...rest: string[]): string[] {
  return ["git", "-c", "safe.directory=*", "-c", "color.ui=false", "-c", "log.showSignature=false", `--git-dir=${gitDir}`, ...rest];
}

/** Separates the fields of a record: git never prints a NUL inside a commit message's fields. */
const FIELD = "%x00";

/** HEAD's SHA, committer time (Unix seconds), and the tags and origin's branches pointing at it, one per line. */
export function headArgs(gitDir = GIT_DIR): string[] {
  return git(gitDir, "log", "-1", "--format=%H%n%ct%n%D", "--decorate-refs=refs/tags/", "--decorate-refs=refs/remotes/origin/", "--end-of-options", "HEAD");
}

/** What headArgs prints, read. */
export interface Head {
  sha: string;
  commitTime: string;
  tags: string[];
  /** origin's branches at HEAD, as CI checkouts fetch them (GitLab: origin/<branch> at a detached HEAD). */
  originBranches: string[];
}

/** Reads headArgs' output; undefined when it is not one (git printed nothing, or an error). */
export function parseHead(stdout: string): Head | undefined {
  const [sha = "", seconds = "", decorations = ""] = stdout.split("\n");
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(sha) || !/^\d+$/.test(seconds)) return undefined;
  // Ref names cannot hold a space, so ", " only ever separates two of them.
  const refs = decorations.split(", ").filter((d) => d !== "");
  const tags = refs.filter((d) => d.startsWith("tag: ")).map((d) => d.slice("tag: ".length));
  // origin/HEAD is the remote's default branch pointer, not a branch of its own.
  const originBranches = refs.filter((d) => d.startsWith("origin/") && d !== "origin/HEAD").map((d) => d.slice("origin/".length));
  return { sha, commitTime: isoSeconds(Number(seconds)), tags: tags.sort(), originBranches: originBranches.sort() };
}

/** Unix seconds as ISO 8601 UTC without milliseconds: 2026-12-03T08:30:52Z. */
export function isoSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * Every commit reachable from HEAD but not from `base`, newest first, as
 * NUL-separated fields (`-z` puts a NUL between records too); without a
 * base, the whole history. `base` must pass refNameProblem first.
 */
export function commitsSinceArgs(base: string | undefined, gitDir = GIT_DIR): string[] {
  if (base !== undefined) {
    const problem = refNameProblem(base);
    if (problem) throw new Error(`base ref ${JSON.stringify(base)} ${problem}`);
  }
  return git(gitDir, "log", "-z", `--format=%H${FIELD}%an${FIELD}%ae${FIELD}%ct${FIELD}%s${FIELD}%b`, "--end-of-options", base === undefined ? "HEAD" : `${base}..HEAD`);
}

/** Every tag of the repository, one per line (what a release compares its version with). */
export function allTagsArgs(gitDir = GIT_DIR): string[] {
  return git(gitDir, "for-each-ref", "--format=%(refname:strip=2)", "refs/tags/");
}

/** Reads allTagsArgs' output. */
export function parseRefNames(stdout: string): string[] {
  return stdout
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .sort();
}

const COMMIT_FIELDS = 6;

/** Reads commitsSinceArgs' output. */
export function parseCommits(stdout: string): GitCommit[] {
  const fields = stdout.split("\0");
  const commits: GitCommit[] = [];
  for (let i = 0; i + COMMIT_FIELDS <= fields.length; i += COMMIT_FIELDS) {
    const [sha = "", author = "", email = "", seconds = "", subject = "", body = ""] = fields.slice(i, i + COMMIT_FIELDS);
    const id = sha.replace(/^\n/, "");
    if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(id)) continue;
    commits.push({ sha: id, subject, body: body.replace(/\n+$/, ""), author, authorEmail: email, time: isoSeconds(Number(seconds)) });
  }
  return commits;
}

/**
 * Why `ref` is not a ref name or commit git would take as one, or undefined
 * when it is (git check-ref-format's rules, plus: no leading "-", so it can
 * never read as an option even without `--end-of-options`).
 */
export function refNameProblem(ref: string): string | undefined {
  if (ref === "") return "is empty";
  if (ref.length > 255) return "is longer than 255 characters";
  if (ref.startsWith("-")) return 'starts with "-"';
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(ref)) return "holds a space, a control character or one of ~ ^ : ? * [ \\";
  if (ref.includes("..") || ref.includes("@{") || ref.includes("//")) return 'holds "..", "@{" or "//"';
  if (ref.startsWith("/") || ref.endsWith("/") || ref.endsWith(".") || ref.endsWith(".lock") || ref === "@") return 'starts or ends with "/", ends with "." or ".lock", or is "@"';
  if (ref.split("/").some((part) => part.startsWith("."))) return 'has a part starting with "."';
  return undefined;
}

/** The branch `.git/HEAD` is on ("ref: refs/heads/main"), undefined when HEAD is detached (a commit SHA). */
export function branchFromHeadFile(text: string): string | undefined {
  const match = /^ref: refs\/heads\/(\S+)\s*$/.exec(text);
  return match?.[1];
}

/**
 * A branch from a ref CI names (`--git-ref`): refs/heads/x or a bare name is
 * a branch; a tag (refs/tags/..., or a name among HEAD's tags), a pull or
 * merge request ref and a SHA are not.
 */
export function branchFromRef(ref: string, tags: readonly string[]): string | undefined {
  if (ref.startsWith("refs/heads/")) return ref.slice("refs/heads/".length) || undefined;
  if (ref.startsWith("refs/") || tags.includes(ref) || /^[0-9a-f]{40}$/.test(ref)) return undefined;
  return ref;
}

/**
 * The `origin` remote's URL in a .git/config, as written (no include or
 * insteadOf applied): the `url` of the `[remote "origin"]` section.
 */
export function originUrlFromConfig(config: string): string | undefined {
  let inOrigin = false;
  for (const raw of config.split(/\r?\n/)) {
    const line = raw.trim();
    const section = /^\[\s*([^\]\s"]+)(?:\s+"([^"]*)")?\s*\]/.exec(line);
    if (section) {
      inOrigin = section[1]!.toLowerCase() === "remote" && section[2] === "origin";
      continue;
    }
    const entry = inOrigin ? /^url\s*=\s*(.*)$/i.exec(line) : null;
    if (entry) return entry[1]!.replace(/^"(.*)"$/, "$1").trim() || undefined;
  }
  return undefined;
}

/**
 * A remote URL as the https address of the repository, never with credentials:
 * GitLab CI's origin carries its job token (https://gitlab-ci-token:TOKEN@host/...),
 * and scp-like SSH remotes (git@github.com:acme/api.git) become https too.
 * Undefined for what is not a host's repository (a local path, a file:// URL).
 */
export function publicRemoteUrl(url: string): string | undefined {
  const scp = /^(?:[^@/\s]+@)?([A-Za-z0-9.-]+\.[A-Za-z]{2,}):(?!\/)(.+)$/.exec(url);
  let host: string;
  let path: string;
  if (scp) {
    [, host = "", path = ""] = scp;
  } else {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return undefined;
    }
    if (!["https:", "http:", "ssh:", "git:"].includes(parsed.protocol) || parsed.hostname === "") return undefined;
    // An SSH port is no https port; an explicit https one is kept.
    host = parsed.protocol === "https:" && parsed.port ? `${parsed.hostname}:${parsed.port}` : parsed.hostname;
    path = decodeURIComponent(parsed.pathname);
  }
  const clean = path.replace(/^\/+/, "").replace(/\/+$/, "").replace(/\.git$/, "");
  if (clean === "" || clean.split("/").some((part) => part === "" || part === "." || part === "..")) return undefined;
  return `https://${host.toLowerCase()}/${clean}`;
}
