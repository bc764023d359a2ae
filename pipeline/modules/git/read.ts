import { dag, type Container, type Directory } from "@dagger.io/dagger";
import { NON_ROOT_HOME, NON_ROOT_USER } from "../non-root.js";
import { runTool } from "../stage.js";
import * as args from "./args.js";
import type { GitCommit, GitMetadata } from "./metadata.js";

/**
 * Git metadata, read the Dagger way: the checkout's `.git` reaches the module
 * as a Directory argument (never a git call on the host), and git runs on it
 * in a pinned image, as a non-root user, read-only.
 */

/** What the pipeline was given of the checkout's history. */
export interface GitSource {
  /** A folder holding the checkout's `.git` (the module's `--git`), undefined when none was given. */
  checkout?: Directory | undefined;
  /** The ref CI built (`--git-ref`: refs/heads/main, main, a tag), for a detached HEAD. */
  ref?: string | undefined;
  /** The git image (pipeline.yaml `images.git`). */
  image: string;
}

export type GitReading =
  | { metadata: GitMetadata; notes: string[] }
  | { metadata: undefined; notes: string[] };

const FIX_NO_GIT =
  "pass the checkout to the call with its .git: `dagger call --git=. ...` (a published module: `dagger -m <module> call --source=. --git=. ...`)";

/**
 * The commit the pipeline runs on; when there is none to read, `metadata` is
 * undefined and `notes` says why and how to give it (consumers fall back:
 * no sha- tag, no revision label, no history scan).
 */
export async function readGitMetadata(source: GitSource): Promise<GitReading> {
  const located = await locateGitDir(source.checkout);
  if ("problem" in located) return { metadata: undefined, notes: [located.problem] };
  const { checkout } = located;
  const [run, headFile, config, shallow] = await Promise.all([
    runTool(gitContainer(checkout, source.image), args.headArgs()),
    checkout.file(".git/HEAD").contents(),
    readIfExists(checkout, ".git/config"),
    checkout.exists(".git/shallow"),
  ]);
  const head = run.exitCode === 0 ? args.parseHead(run.stdout) : undefined;
  if (!head) {
    const said = `${run.stderr}\n${run.stdout}`.trim().split("\n")[0] ?? "";
    return { metadata: undefined, notes: [`no git metadata: git could not read HEAD (${said || `exit code ${run.exitCode}`}); a repository without commits has none`] };
  }
  const notes: string[] = [];
  const ref = source.ref?.trim() || undefined;
  // HEAD's own branch; CI checkouts are detached (GitLab always, GitHub for pull requests and tags): then the
  // ref CI passed, else the one branch of origin's at HEAD (a tag build has none, or several: no guess).
  let branch = args.branchFromHeadFile(headFile);
  if (branch === undefined && ref !== undefined) {
    const problem = args.refNameProblem(ref);
    if (problem) notes.push(`--git-ref ${JSON.stringify(ref)} is ignored: it ${problem}`);
    else branch = args.branchFromRef(ref, head.tags);
  }
  if (branch === undefined && ref === undefined && head.tags.length === 0 && head.originBranches.length === 1) branch = head.originBranches[0];
  const origin = config === undefined ? undefined : args.originUrlFromConfig(config);
  const remoteUrl = origin === undefined ? undefined : args.publicRemoteUrl(origin);
  if (shallow) notes.push("the checkout is shallow: history ranges stop at its cut (fetch the whole history: actions/checkout fetch-depth: 0, GitLab GIT_DEPTH: 0)");
  const metadata: GitMetadata = {
    sha: head.sha,
    shortSha: head.sha.slice(0, 12),
    ...(branch === undefined ? {} : { branch }),
    tags: head.tags,
    commitTime: head.commitTime,
    ...(remoteUrl === undefined ? {} : { remoteUrl }),
    shallow,
  };
  return { metadata, notes };
}

/** Raised by commitsSince when the history cannot answer; its message says what to do. */
export class GitHistoryError extends Error {
  override readonly name = "GitHistoryError";
}

/**
 * The commits since `baseRef` (a tag, branch or SHA, excluded), newest first:
 * what release notes and history scans read. Throws GitHistoryError, saying
 * why and what to do, when there is no checkout or `baseRef` is not in it.
 */
export async function commitsSince(source: GitSource, baseRef: string | undefined): Promise<GitCommit[]> {
  const problem = baseRef === undefined ? undefined : args.refNameProblem(baseRef);
  if (problem) throw new GitHistoryError(`cannot list the commits since ${JSON.stringify(baseRef)}: it ${problem}\n  Fix: give a tag, branch or commit SHA`);
  const argv = args.commitsSinceArgs(baseRef);
  const located = await locateGitDir(source.checkout);
  if ("problem" in located) throw new GitHistoryError(located.problem);
  const [run, shallow] = await Promise.all([runTool(gitContainer(located.checkout, source.image), argv), located.checkout.exists(".git/shallow")]);
  if (run.exitCode !== 0) {
    const said = run.stderr.trim().split("\n")[0] ?? `exit code ${run.exitCode}`;
    const fix = shallow
      ? "the checkout is shallow, so older commits and tags are not in it: fetch the whole history (actions/checkout fetch-depth: 0, GitLab GIT_DEPTH: 0)"
      : `check that ${baseRef ?? "HEAD"} exists in the repository (git fetch --tags for a tag)`;
    throw new GitHistoryError(`cannot list the commits ${baseRef === undefined ? "of HEAD" : `since ${baseRef}`}: ${said}\n  Fix: ${fix}`);
  }
  return args.parseCommits(run.stdout);
}

/** What a release reads of the history: every tag, and the commits since one (the whole history without one). */
export interface GitHistory {
  allTags: readonly string[];
  commitsSince(base: string | undefined): Promise<GitCommit[]>;
}

/** The checkout's history, or undefined when the call gave none (then readGitMetadata's notes say why). */
export async function readGitHistory(source: GitSource): Promise<GitHistory | undefined> {
  const located = await locateGitDir(source.checkout);
  if ("problem" in located) return undefined;
  const run = await runTool(gitContainer(located.checkout, source.image), args.allTagsArgs());
  if (run.exitCode !== 0) throw new GitHistoryError(`cannot list the tags: ${run.stderr.trim().split("\n")[0] ?? `exit code ${run.exitCode}`}`);
  return { allTags: args.parseRefNames(run.stdout), commitsSince: (base) => commitsSince(source, base) };
}

/** The pinned git image with the checkout's .git mounted read-only, as the non-root user the toolchains use. */
function gitContainer(checkout: Directory, image: string): Container {
  return dag
    .container()
    .from(image)
    .withEnvVariable("HOME", NON_ROOT_HOME)
    .withUser(NON_ROOT_USER)
    .withMountedDirectory(args.GIT_DIR.slice(0, -"/.git".length), checkout)
    .withWorkdir(NON_ROOT_HOME);
}

async function locateGitDir(checkout: Directory | undefined): Promise<{ checkout: Directory } | { problem: string }> {
  if (checkout === undefined) return { problem: `no git metadata: the call was given no checkout history.\n  Fix: ${FIX_NO_GIT}` };
  const entries = await checkout.entries();
  if (entries.includes(".git/")) return { checkout };
  if (entries.includes(".git")) {
    return {
      problem:
        "no git metadata: .git is a file, not a folder (a git worktree or submodule, whose history lives in another checkout).\n" +
        "  Fix: run the pipeline from the main checkout, or pass it: --git=<path of the main checkout>",
    };
  }
  return { problem: `no git metadata: the folder given as the checkout has no .git (not a git checkout, or --git named the .git folder itself).\n  Fix: ${FIX_NO_GIT}` };
}

async function readIfExists(dir: Directory, path: string): Promise<string | undefined> {
  return (await dir.exists(path)) ? dir.file(path).contents() : undefined;
}
