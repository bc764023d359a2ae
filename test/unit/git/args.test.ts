import { readFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import * as git from "../../../pipeline/modules/git/args.js";
import { tempDir } from "../../helpers/examples.js";
import { runLocally } from "../../helpers/run-locally.js";

/**
 * The git commands the module runs, run here with the real git on a real
 * repository (the argv exactly as built, with the repository's .git where the
 * container mounts it), and their real output read by the real parsers.
 */

const COMMITTED = { first: 1_796_286_000, second: 1_796_290_000, third: 1_796_299_999 };

async function sh(cwd: string, argv: string[], env: Record<string, string> = {}) {
  const identity = { GIT_AUTHOR_NAME: "Ann Dev", GIT_AUTHOR_EMAIL: "ann@example.com", GIT_COMMITTER_NAME: "Ann Dev", GIT_COMMITTER_EMAIL: "ann@example.com" };
  return execa(argv[0]!, argv.slice(1), { cwd, env: { GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_SYSTEM: "/dev/null", ...identity, ...env } });
}

async function commit(repo: string, message: string[], at: number, author = "Ann Dev <ann@example.com>") {
  const [name, email] = [author.replace(/ <.*$/, ""), author.replace(/^.*<(.*)>$/, "$1")];
  const date = `@${at} +0100`;
  await sh(repo, ["git", "commit", "-q", "--allow-empty", ...message.flatMap((m) => ["-m", m])], {
    GIT_AUTHOR_NAME: name,
    GIT_AUTHOR_EMAIL: email,
    GIT_COMMITTER_NAME: name,
    GIT_COMMITTER_EMAIL: email,
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_DATE: date,
  });
}

let repo: string;
let gitDir: string;
const run = (argv: string[]) => runLocally(argv, repo, { GIT_CONFIG_GLOBAL: "/dev/null", PATH: process.env["PATH"] ?? "" });

beforeAll(async () => {
  repo = tempDir("git-args-");
  gitDir = join(repo, ".git");
  await sh(repo, ["git", "init", "-q", "-b", "main"]);
  await commit(repo, ["feat: the first"], COMMITTED.first);
  await sh(repo, ["git", "tag", "v1.0.0"]);
  await commit(repo, ["fix: a bug"], COMMITTED.second, "Bo Li <bo@example.com>");
  await commit(repo, ["feat!: über change", "A body line,\nand a second one.\n\nBREAKING CHANGE: the API moved"], COMMITTED.third);
  await sh(repo, ["git", "tag", "-a", "v2.0.0", "-m", "an annotated tag"]);
  await sh(repo, ["git", "tag", "release/2,final"]);
  await sh(repo, ["git", "remote", "add", "origin", "https://gitlab-ci-token:glcbt-SECRET-abc@gitlab.example.com/acme/api.git"]);
  await sh(repo, ["git", "update-ref", "refs/remotes/origin/main", "HEAD"]);
  await sh(repo, ["git", "symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/main"]);
}, 60_000);

describe("git's output, read", () => {
  it("reads HEAD's SHA, commit time (UTC) and every tag at it, whatever the tag's kind or name", async () => {
    const out = await run(git.headArgs(gitDir));
    expect(out.exitCode, out.stderr).toBe(0);
    const sha = (await sh(repo, ["git", "rev-parse", "HEAD"])).stdout.trim();
    expect(git.parseHead(out.stdout)).toEqual({
      sha,
      commitTime: new Date(COMMITTED.third * 1000).toISOString().replace(".000Z", "Z"),
      tags: ["release/2,final", "v2.0.0"],
      originBranches: ["main"],
    });
  });

  it("reads a commit without tags, and a detached HEAD, the same way (branches come from .git/HEAD, not from here)", async () => {
    const first = (await sh(repo, ["git", "rev-list", "--max-parents=0", "HEAD"])).stdout.trim();
    await sh(repo, ["git", "checkout", "-q", "--detach", "HEAD~1"]);
    try {
      const head = git.parseHead((await run(git.headArgs(gitDir))).stdout);
      expect(head?.tags).toEqual([]);
      expect(head?.originBranches).toEqual([]);
      expect(git.branchFromHeadFile(readFileSync(join(gitDir, "HEAD"), "utf8"))).toBeUndefined();
      expect(head?.sha).not.toBe(first);
    } finally {
      await sh(repo, ["git", "checkout", "-q", "main"]);
    }
    expect(git.branchFromHeadFile(readFileSync(join(gitDir, "HEAD"), "utf8"))).toBe("main");
  });

  it("says nothing of a repository without commits: git fails, and nothing parses", async () => {
    const empty = tempDir("git-args-empty-");
    await sh(empty, ["git", "init", "-q", "-b", "main"]);
    const out = await runLocally(git.headArgs(join(empty, ".git")), empty, { GIT_CONFIG_GLOBAL: "/dev/null", PATH: process.env["PATH"] ?? "" });
    expect(out.exitCode).toBe(128);
    expect(git.parseHead(out.stdout)).toBeUndefined();
  });

  it("lists the commits since a tag, newest first, with multi-line bodies and non-ASCII intact", async () => {
    const out = await run(git.commitsSinceArgs("v1.0.0", gitDir));
    expect(out.exitCode, out.stderr).toBe(0);
    const commits = git.parseCommits(out.stdout);
    expect(commits.map((c) => c.subject)).toEqual(["feat!: über change", "fix: a bug"]);
    expect(commits[0]).toMatchObject({
      body: "A body line,\nand a second one.\n\nBREAKING CHANGE: the API moved",
      author: "Ann Dev",
      authorEmail: "ann@example.com",
      time: new Date(COMMITTED.third * 1000).toISOString().replace(".000Z", "Z"),
    });
    expect(commits[1]).toMatchObject({ body: "", author: "Bo Li", authorEmail: "bo@example.com" });
    for (const c of commits) expect(c.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(git.parseCommits((await run(git.commitsSinceArgs("HEAD", gitDir))).stdout)).toEqual([]);
  });

  it("fails on a base git does not know, without taking it for an option", async () => {
    const out = await run(git.commitsSinceArgs("v9.9.9", gitDir));
    expect(out.exitCode).toBe(128);
    expect(out.stderr).toMatch(/v9\.9\.9/);
    expect(() => git.commitsSinceArgs("--output=/tmp/x", gitDir)).toThrow(/starts with "-"/);
  });

  it("finds origin's URL in the .git/config git wrote, and never returns its credentials", () => {
    const url = git.originUrlFromConfig(readFileSync(join(gitDir, "config"), "utf8"));
    expect(url).toBe("https://gitlab-ci-token:glcbt-SECRET-abc@gitlab.example.com/acme/api.git");
    expect(git.publicRemoteUrl(url!)).toBe("https://gitlab.example.com/acme/api");
  });
});

describe("remote URLs as public https addresses", () => {
  it.each([
    ["https://github.com/acme/api.git", "https://github.com/acme/api"],
    ["https://x-access-token:ghs_abc@github.com/acme/api", "https://github.com/acme/api"],
    ["git@github.com:acme/api.git", "https://github.com/acme/api"],
    ["ssh://git@gitlab.example.com:2222/group/sub/api.git", "https://gitlab.example.com/group/sub/api"],
    ["https://git.example.com:8443/acme/api.git/", "https://git.example.com:8443/acme/api"],
    ["HTTPS://GitHub.com/Acme/API.git", "https://github.com/Acme/API"],
  ])("%s → %s", (url, expected) => {
    expect(git.publicRemoteUrl(url)).toBe(expected);
  });

  it.each(["/srv/git/api.git", "file:///srv/git/api.git", "../api", "https://github.com/", "ftp://example.com/acme/api", "not a url"])("%s is no host's repository", (url) => {
    expect(git.publicRemoteUrl(url)).toBeUndefined();
  });

  it("reads only the origin section of a config, quoted or not", () => {
    const config = '[core]\n\turl = nope\n[remote "upstream"]\n\turl = https://a.example/x\n[remote "origin"]\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n\turl = "git@b.example:y/z.git"\n';
    expect(git.originUrlFromConfig(config)).toBe("git@b.example:y/z.git");
    expect(git.originUrlFromConfig("[core]\n\tbare = false\n")).toBeUndefined();
  });
});

describe("ref names", () => {
  it("accepts what git check-ref-format accepts, and rejects the rest, before any ref reaches git", async () => {
    const names = ["main", "feature/x-1", "v1.2.0", "release/2,final", "a", "-x", "a..b", "a b", "a~1", "a^", "a:b", "a?", "a*", "a[", "a\\b", "/a", "a/", "a.", "a.lock", "@", "a@{1}", ".hidden", "x/.y", "a//b", "a\tb"];
    for (const name of names) {
      const ours = git.refNameProblem(name) === undefined;
      const real = (await execa("git", ["check-ref-format", "--allow-onelevel", name], { reject: false })).exitCode === 0 && !name.startsWith("-");
      expect(ours, name).toBe(real);
    }
  });

  it("reads CI's refs as branches, and tags, pull refs and SHAs as none", () => {
    expect(git.branchFromRef("refs/heads/feature/x", [])).toBe("feature/x");
    expect(git.branchFromRef("main", [])).toBe("main");
    expect(git.branchFromRef("v1.2.0", ["v1.2.0"])).toBeUndefined();
    expect(git.branchFromRef("refs/tags/v1.2.0", [])).toBeUndefined();
    expect(git.branchFromRef("refs/pull/12/merge", [])).toBeUndefined();
    expect(git.branchFromRef("0123456789abcdef0123456789abcdef01234567", [])).toBeUndefined();
  });
});
