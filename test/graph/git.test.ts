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
import * as goArgs from "../../pipeline/modules/go/args.js";
import { copyExample, tempDir } from "../helpers/examples.js";
import { haveFixtures, readFixture } from "../helpers/fixtures.js";
import { commitAll, GIT_ARGUMENT_EXCLUDE, gitIn, pipelineWithGit, realGitOutcomes } from "../helpers/git.js";
import { pipelineOn, reportFiles, stageSummary } from "../helpers/pipeline.js";
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

/** How often `needle` occurs in `text`. */
const count = (text: string, needle: string) => text.split(needle).length - 1;

/** Real passing outputs of the Go test stage, so a release's gates pass. */
const passingGo = () => ({
  execOutcome: (argv: readonly string[]) =>
    argv.join(" ") === goArgs.unitTestArgs({ race: true }).join(" ") ? { exitCode: 0, stdout: readFixture("go/test-race-cover.jsonl") } : undefined,
  fileContents: (path: string) => (path === goArgs.COVERPROFILE ? readFixture("go/cover.out") : undefined),
});

describe("without git metadata, said once where the commit matters", () => {
  const WHY = "no git metadata: the call was given no checkout history.";

  it("is no line of the stages' summaries: a check reads no git at all, and ci's summary leaves it to the history scan", async () => {
    const root = copyExample("go-service");
    const lint = await recordRun(() => stageSummary(root, "lint"));
    expect(lint.error).toBeUndefined();
    expect(lint.result).not.toMatch(/git metadata|--git/);
    const files = await reportFiles(root, {});
    expect(files["summary.md"]).not.toContain("git metadata");
    // The history scan is what the missing .git costs ci: its note, once, with the fix.
    expect(count(Object.values(files).join("\n"), "history not scanned: no .git was given (with --source=., pass --git=. too")).toBe(1);
    // A single stage's check does not even read the commit, given one.
    await commitAll(root);
    const { runStages } = await importFromRuntimeView<typeof import("../../pipeline/src/run/stages.js")>("src/run/stages.ts");
    const checkout = () => dag.host().directory(root, { exclude: GIT_ARGUMENT_EXCLUDE });
    const withCheckout = await recordRun(() => runStages(dag.host().directory(root, { exclude: ["**/.git"] }), ["lint"], { gitSource: { checkout: checkout() } }));
    expect(withCheckout.error).toBeUndefined();
    expect(withCheckout.engine.executedCommands().filter((argv) => argv.includes("--decorate-refs=refs/tags/"))).toEqual([]);
  });

  it.skipIf(!haveFixtures)("says in the image build and the release notes what went without the commit, and why, once each", async () => {
    const root = copyExample("go-service", { "pipeline.yaml": "release:\n  image: ghcr.io/acme/go-service\nstages:\n  test: { coverageThreshold: 30 }\n" });
    const { result, error } = await recordRun(async () => (await pipelineOn(root)).release("v1.2.0", dag.secret("env://REGISTRY_TOKEN"), "ci-bot"), passingGo());
    expect(error).toBeUndefined();
    const text = String(result);
    expect(count(text, WHY)).toBe(2);
    expect(text).toContain(`- ⚠️ no sha-<short> tag, no revision, created or source label: ${WHY} Fix: pass the checkout to the call with its .git: \`dagger call --git=. ...\``);
    expect(text).toContain(`### Release notes\n\n- ⚠️ none written: ${WHY}`);
    // The gates' summary, printed first, says nothing of it.
    expect(text.slice(0, text.indexOf("## 🚀"))).not.toContain("git metadata");
    expect(text).not.toContain("First release.");
  });

  it("fails a publish with nothing to tag by naming the missing commit and the fix, not a branch to publish from", async () => {
    const root = copyExample("go-service", { "pipeline.yaml": "image:\n  name: ghcr.io/acme/go-service\n  policy: { disable: [{ rule: labels, reason: the test builds without git }] }\n" });
    const { error, engine } = await recordRun(async () => (await pipelineOn(root)).publish(dag.secret("env://REGISTRY_TOKEN")));
    expect(String((error as Error).message)).toMatch(new RegExp(`^nothing to tag the image with: ${WHY.replace(/[.]/g, "\\.")} Fix: pass the checkout`));
    expect(engine.records.filter((r) => r.leaf === "publish")).toEqual([]);
  });
});
