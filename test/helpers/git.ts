import { join } from "node:path";
import { dag } from "@dagger.io/dagger";
import { execa } from "execa";
import type { ExecOutcome } from "../../cli/recording-engine/engine.js";
import { importFromRuntimeView } from "../../cli/runtime-view/load.js";
import { GIT_DIR } from "../../pipeline/modules/git/args.js";
import { runLocally } from "./run-locally.js";

/** How `dagger call` uploads the constructor's `git` argument: the folder, of which only .git (as its own `ignore` says). */
export const GIT_ARGUMENT_EXCLUDE = ["*", "!.git"];

/** A fixed identity and no user or system config: the same repository on every machine. */
const GIT_ENV = {
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_CONFIG_SYSTEM: "/dev/null",
  GIT_AUTHOR_NAME: "Ann Dev",
  GIT_AUTHOR_EMAIL: "ann@example.com",
  GIT_COMMITTER_NAME: "Ann Dev",
  GIT_COMMITTER_EMAIL: "ann@example.com",
  GIT_AUTHOR_DATE: "@1796286000 +0000",
  GIT_COMMITTER_DATE: "@1796286000 +0000",
};

/** Runs git in `repo` with the fixed identity. */
export async function gitIn(repo: string, ...args: string[]): Promise<string> {
  return (await execa("git", args, { cwd: repo, env: GIT_ENV })).stdout;
}

/** Makes `root` a repository with everything in it committed on `branch`. */
export async function commitAll(root: string, branch = "main", message = "initial"): Promise<string> {
  await gitIn(root, "init", "-q", "-b", branch);
  await gitIn(root, "add", "-A");
  await gitIn(root, "commit", "-q", "-m", message);
  return gitIn(root, "rev-parse", "HEAD");
}

/**
 * The recording engine's answer to a git exec of the module: the same argv
 * run here by the real git on `repo` (its .git where the container mounts
 * it), so the module reads real git output.
 */
export async function realGitOutcomes(repo: string, argvs: readonly string[][]): Promise<(args: readonly string[]) => ExecOutcome | undefined> {
  const answers = new Map<string, ExecOutcome>();
  for (const argv of argvs) {
    const local = argv.map((a) => a.replace(GIT_DIR, join(repo, ".git")));
    const ran = await runLocally(local, repo, { ...GIT_ENV, PATH: process.env["PATH"] ?? "" });
    answers.set(JSON.stringify(argv), { exitCode: ran.exitCode, stdout: ran.stdout, stderr: ran.stderr });
  }
  return (args) => answers.get(JSON.stringify(args));
}

/** The module object as `dagger call --source=<root> --git=<gitRoot> [--git-ref=<ref>]` builds it (call inside recordRun). */
export async function pipelineWithGit(root: string, gitRoot: string | undefined = root, gitRef?: string) {
  const { Pipeline } = await importFromRuntimeView();
  const git = gitRoot === undefined ? undefined : dag.host().directory(gitRoot, { exclude: GIT_ARGUMENT_EXCLUDE });
  return new Pipeline(dag.host().directory(root, { exclude: ["**/.git"] }), git, gitRef);
}
