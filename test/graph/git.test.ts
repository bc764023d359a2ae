import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { dag } from "@dagger.io/dagger";
import { describe, expect, it } from "vitest";
import { argText, isChainRef } from "../../cli/recording-engine/query.js";
import { recordRun } from "../../cli/recording-engine/run.js";
import { importFromRuntimeView } from "../../cli/runtime-view/load.js";
import { GIT_DIR, headArgs, commitsSinceArgs } from "../../pipeline/modules/git/args.js";
import { NON_ROOT_USER } from "../../pipeline/modules/non-root.js";
import { IMAGES } from "../../pipeline/modules/pins.js";
import { copyExample, tempDir } from "../helpers/examples.js";
import { commitAll, GIT_ARGUMENT_EXCLUDE, gitIn, pipelineWithGit, realGitOutcomes } from "../helpers/git.js";
import { chainOf, newFilesOf, wavesOf } from "../helpers/records.js";

type Read = typeof import("../../pipeline/modules/git/read.js");
const read = () => importFromRuntimeView<Read>("modules/git/read.ts");

const TOKEN = "glcbt-64_SECRETjobTOKEN";

/** A Go example as a GitLab CI checkout: committed, tagged, origin with the job token in its URL. */
async function gitlabCheckout(options: { detached?: boolean } = {}) {
  const root = copyExample("go-service");
  const sha = await commitAll(root, "main");
  await gitIn(root, "tag", "v1.4.0");
  await gitIn(root, "remote", "add", "origin", `https://gitlab-ci-token:${TOKEN}@gitlab.example.com/acme/go-service.git`);
  await gitIn(root, "update-ref", "refs/remotes/origin/main", "HEAD");
  if (options.detached) await gitIn(root, "checkout", "-q", "--detach");
  return { root, sha };
}

describe("git metadata, read from the --git checkout in a pinned git container", () => {
  it("runs git on the checkout's .git alone, mounted, as the non-root user, in the pinned image, beside the stages", async () => {
    const { root, sha } = await gitlabCheckout();
    const execOutcome = await realGitOutcomes(root, [headArgs()]);
    const run = await recordRun(async () => (await (await pipelineWithGit(root)).reports()).id(), { execOutcome });
    expect(run.error).toBeUndefined();
    const chain = chainOf(run.engine.records, headArgs());
    expect(chain[0]).toMatchObject({ field: "container" });
    expect(chain.find((s) => s.field === "from")?.args["address"]).toBe(IMAGES.git);
    expect(argText(chain.find((s) => s.field === "withUser")?.args["name"])).toBe(NON_ROOT_USER);
    const mount = chain.find((s) => s.field === "withMountedDirectory")!;
    expect(argText(mount.args["path"])).toBe(GIT_DIR.replace(/\/\.git$/, ""));
    // The mounted folder is the host checkout uploaded as the `git` argument's ignore says: .git and nothing else.
    const source = mount.args["source"];
    expect(isChainRef(source) && source.$chain[1]?.args["exclude"]).toEqual(GIT_ARGUMENT_EXCLUDE);
    expect(chain.some((s) => s.field === "withDirectory")).toBe(false);
    // Its wave is the stages' first: nothing waited for it, and it waited for nothing.
    const executions = await run.engine.executions();
    const [gitWave] = wavesOf(executions, headArgs());
    expect(gitWave).toBe(Math.min(...executions.map((e) => e.wave)));

    const built = run.engine.records.filter((r) => r.leaf === "id" && r.steps[0]?.field === "directory").pop()!;
    const summary = newFilesOf(built.steps)["summary.md"]!;
    expect(summary).toContain(`Commit \`${sha.slice(0, 12)}\` of https://gitlab.example.com/acme/go-service on \`main\`, tagged \`v1.4.0\`, committed 2026-12-03T`);
    expect(JSON.stringify(run.engine.records)).not.toContain(TOKEN);
    expect(summary).not.toContain(TOKEN);
  });

  it("reads a detached HEAD's branch from --git-ref, or from origin's one branch at HEAD; a tag names no branch", async () => {
    const { root, sha } = await gitlabCheckout({ detached: true });
    const { readGitMetadata } = await read();
    const execOutcome = await realGitOutcomes(root, [headArgs()]);
    const checkout = () => dag.host().directory(root, { exclude: GIT_ARGUMENT_EXCLUDE });
    const readWith = async (ref?: string) => (await recordRun(() => readGitMetadata({ checkout: checkout(), ref, image: IMAGES.git }), { execOutcome })).result!;

    const inferred = await readWith(undefined);
    // A tag at HEAD means a tag build: origin's branch there says nothing of what was built.
    expect(inferred.metadata).toEqual({ sha, shortSha: sha.slice(0, 12), tags: ["v1.4.0"], commitTime: "2026-12-03T08:20:00Z", remoteUrl: "https://gitlab.example.com/acme/go-service", shallow: false });
    expect((await readWith("refs/heads/release/1.4")).metadata?.branch).toBe("release/1.4");
    expect((await readWith("main")).metadata?.branch).toBe("main");
    expect((await readWith("v1.4.0")).metadata?.branch).toBeUndefined();
    const bad = await readWith("main; rm -rf /");
    expect(bad.metadata?.branch).toBeUndefined();
    expect(bad.notes.join("\n")).toContain('--git-ref "main; rm -rf /" is ignored');

    await gitIn(root, "tag", "-d", "v1.4.0");
    const untagged = await realGitOutcomes(root, [headArgs()]);
    const guessed = await recordRun(() => readGitMetadata({ checkout: checkout(), image: IMAGES.git }), { execOutcome: untagged });
    expect(guessed.result?.metadata).toMatchObject({ branch: "main", tags: [] });
  });

  it("says why there is no metadata, and how to give it: no checkout, no .git, a worktree's .git file, no commit", async () => {
    const { readGitMetadata } = await read();
    const notesOf = async (folder: string | undefined) =>
      (await recordRun(() => readGitMetadata({ checkout: folder === undefined ? undefined : dag.host().directory(folder, { exclude: GIT_ARGUMENT_EXCLUDE }), image: IMAGES.git }))).result!;

    const none = await notesOf(undefined);
    expect(none.metadata).toBeUndefined();
    expect(none.notes[0]).toMatch(/no checkout history[\s\S]*Fix: .*--git=\./);

    const plain = tempDir("not-a-checkout-");
    writeFileSync(join(plain, "go.mod"), "module x\n");
    expect((await notesOf(plain)).notes[0]).toMatch(/has no \.git \(not a git checkout, or --git named the \.git folder itself\)/);

    const worktree = tempDir("worktree-");
    writeFileSync(join(worktree, ".git"), "gitdir: /elsewhere/.git/worktrees/x\n");
    expect((await notesOf(worktree)).notes[0]).toMatch(/\.git is a file, not a folder \(a git worktree or submodule/);

    const empty = tempDir("no-commit-");
    await gitIn(empty, "init", "-q", "-b", "main");
    const execOutcome = await realGitOutcomes(empty, [headArgs()]);
    const noCommit = await recordRun(() => readGitMetadata({ checkout: dag.host().directory(empty, { exclude: GIT_ARGUMENT_EXCLUDE }), image: IMAGES.git }), { execOutcome });
    expect(noCommit.result?.metadata).toBeUndefined();
    expect(noCommit.result?.notes[0]).toMatch(/git could not read HEAD \(fatal: .*HEAD.*\); a repository without commits has none/);
  });

  it("lists the commits since a base ref, and says what to do when the base is not in the history", async () => {
    const { root } = await gitlabCheckout();
    await gitIn(root, "commit", "-q", "--allow-empty", "-m", "feat: after the tag", "-m", "with a body");
    const { commitsSince } = await read();
    const checkout = dag.host().directory(root, { exclude: GIT_ARGUMENT_EXCLUDE });
    const execOutcome = await realGitOutcomes(root, [commitsSinceArgs("v1.4.0"), commitsSinceArgs("v0.1.0")]);
    const since = await recordRun(() => commitsSince({ checkout, image: IMAGES.git }, "v1.4.0"), { execOutcome });
    expect(since.result?.map((c) => [c.subject, c.body])).toEqual([["feat: after the tag", "with a body"]]);
    const missing = await recordRun(() => commitsSince({ checkout, image: IMAGES.git }, "v0.1.0"), { execOutcome });
    expect(String((missing.error as Error).message)).toMatch(/cannot list the commits since v0\.1\.0: fatal: .*\n {2}Fix: check that v0\.1\.0 exists/);
    const option = await recordRun(() => commitsSince({ checkout, image: IMAGES.git }, "--output=/etc/passwd"));
    expect(String((option.error as Error).message)).toMatch(/starts with "-"/);
    expect(option.engine.executedCommands()).toEqual([]);
  });
});
