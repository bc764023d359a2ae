import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { dag } from "@dagger.io/dagger";
import { describe, expect, it } from "vitest";
import { recordRun } from "../../cli/recording-engine/run.js";
import { importFromRuntimeView } from "../../cli/runtime-view/load.js";
import { allTagsArgs, commitsSinceArgs } from "../../pipeline/modules/git/args.js";
import { IMAGES } from "../../pipeline/modules/pins.js";
import { renderReleaseNotes } from "../../pipeline/modules/release/conventional.js";
import { parseReleaseTag, previousReleaseTag } from "../../pipeline/modules/release/semver.js";
import { tempDir } from "../helpers/examples.js";
import { GIT_ARGUMENT_EXCLUDE, gitIn, realGitOutcomes } from "../helpers/git.js";

/**
 * Release notes from a real history: a repository made here with real git
 * commits (conventional and not) and tags, read through the module's git
 * reader (readGitHistory, its commitsSince), the real git answering the
 * exact argv the reader runs in its container; then the release's own
 * choice of the previous tag and the notes renderer.
 */

const WEB = "https://github.com/acme/ranges";

/** A repository whose commits are given as [message, tag?], oldest first; returns each message's full SHA. */
async function history(commits: [message: string, tag?: string][]): Promise<{ repo: string; sha: Map<string, string> }> {
  const repo = tempDir("release-notes-");
  await gitIn(repo, "init", "-q", "-b", "main");
  const sha = new Map<string, string>();
  for (const [i, [message, tag]] of commits.entries()) {
    // A file per commit: each commit changes the tree, as real ones do.
    writeFileSync(join(repo, `change-${i}.txt`), `${message}\n`);
    await gitIn(repo, "add", "-A");
    await gitIn(repo, "commit", "-q", "-m", message);
    sha.set(message.split("\n")[0]!, await gitIn(repo, "rev-parse", "HEAD"));
    if (tag) await gitIn(repo, "tag", tag);
  }
  return { repo, sha };
}

/** The notes `release --tag <tag>` writes: tags and commits read by the module's reader, the previous release found among the tags. */
async function notesFor(repo: string, tag: string, expectedPrevious: string | undefined) {
  const version = parseReleaseTag(tag);
  // The reader's argv answered by the real git on `repo`; an argv the reader did not announce here gets no answer, and the test fails.
  const execOutcome = await realGitOutcomes(repo, [allTagsArgs(), commitsSinceArgs(expectedPrevious)]);
  const run = await recordRun(async () => {
    const { readGitHistory } = await importFromRuntimeView<typeof import("../../pipeline/modules/git/read.js")>("modules/git/read.ts");
    const read = await readGitHistory({ checkout: dag.host().directory(repo, { exclude: GIT_ARGUMENT_EXCLUDE }), image: IMAGES.git });
    if (!read) throw new Error("no history");
    const previous = previousReleaseTag(version, read.allTags);
    return { tags: read.allTags, previous, commits: await read.commitsSince(previous) };
  }, { execOutcome });
  if (run.error) throw run.error as Error;
  const { tags, previous, commits } = run.result!;
  return { tags, previous, commits, notes: renderReleaseNotes({ tag, previousTag: previous, commits, webUrl: WEB }) };
}

describe("release notes from a real git history, through the module's git reader", () => {
  it("covers the commits since the previous release (not its prerelease): breaking changes first, then features, fixes, performance; docs left out", async () => {
    const { repo, sha } = await history([
      ["chore: initial import", "v1.0.0"],
      ["feat: parse ranges", "v1.1.0"],
      ["fix(parser): accept tabs between comparators"],
      ["Update README"],
      ["feat(api)!: answer 422 for bad ranges\n\nBREAKING CHANGE: clients must handle 422 where they got 400."],
      ["perf: cache compiled ranges", "v1.2.0-rc.1"],
      ["docs: document /compare"],
      ["feat: add /compare endpoint\n\nCloses #12"],
    ]);
    const { tags, previous, commits, notes } = await notesFor(repo, "v1.2.0", "v1.1.0");
    expect(tags).toEqual(["v1.0.0", "v1.1.0", "v1.2.0-rc.1"]);
    expect(previous).toBe("v1.1.0");
    // Newest first, with bodies (the breaking footer) and authors as git stored them.
    expect(commits.map((c) => c.subject)).toEqual(["feat: add /compare endpoint", "docs: document /compare", "perf: cache compiled ranges", "feat(api)!: answer 422 for bad ranges", "Update README", "fix(parser): accept tabs between comparators"]);
    expect(commits[0]).toMatchObject({ body: "Closes #12", author: "Ann Dev", authorEmail: "ann@example.com", time: "2026-12-03T08:20:00Z" });
    const link = (subject: string) => `[${sha.get(subject)!.slice(0, 7)}](${WEB}/commit/${sha.get(subject)!})`;
    expect(notes).toBe(
      [
        "## v1.2.0",
        "",
        "### ⚠ Breaking changes",
        "",
        `- **api:** clients must handle 422 where they got 400. (${link("feat(api)!: answer 422 for bad ranges")})`,
        "",
        "### Features",
        "",
        `- add /compare endpoint (${link("feat: add /compare endpoint")})`,
        `- **api:** answer 422 for bad ranges (${link("feat(api)!: answer 422 for bad ranges")})`,
        "",
        "### Bug fixes",
        "",
        `- **parser:** accept tabs between comparators (${link("fix(parser): accept tabs between comparators")})`,
        "",
        "### Performance",
        "",
        `- cache compiled ranges (${link("perf: cache compiled ranges")})`,
        "",
        "### Other commits",
        "",
        `- Update README (${link("Update README")})`,
        "",
        `**Full changelog:** ${WEB}/compare/v1.1.0...v1.2.0`,
        "",
      ].join("\n"),
    );
  });

  it("lists the commits as they are when most are not conventional, and a prerelease counts from the one before it", async () => {
    const { repo, sha } = await history([["Initial commit", "v0.1.0"], ["Add range parser", "v0.2.0-rc.1"], ["Fix tab handling"], ["feat: compare endpoint"], ["Tidy up"]]);
    const { previous, notes } = await notesFor(repo, "v0.2.0-rc.2", "v0.2.0-rc.1");
    expect(previous).toBe("v0.2.0-rc.1");
    const short = (subject: string) => `[${sha.get(subject)!.slice(0, 7)}](${WEB}/commit/${sha.get(subject)!})`;
    expect(notes).toBe(
      [
        "## v0.2.0-rc.2",
        "",
        "### Commits",
        "",
        `- Tidy up (${short("Tidy up")})`,
        `- feat: compare endpoint (${short("feat: compare endpoint")})`,
        `- Fix tab handling (${short("Fix tab handling")})`,
        "",
        `**Full changelog:** ${WEB}/compare/v0.2.0-rc.1...v0.2.0-rc.2`,
        "",
      ].join("\n"),
    );
  });

  it("takes the whole history for a first release, and says so when nothing changed since the previous one", async () => {
    const first = await history([["chore: scaffold"], ["feat: first endpoint"]]);
    const { previous, commits, notes } = await notesFor(first.repo, "v1.0.0", undefined);
    expect(previous).toBeUndefined();
    expect(commits.map((c) => c.subject)).toEqual(["feat: first endpoint", "chore: scaffold"]);
    expect(notes).toContain("### Features\n\n- first endpoint (");
    expect(notes).not.toContain("Full changelog");

    await gitIn(first.repo, "tag", "v1.0.0");
    const again = await notesFor(first.repo, "v1.0.1", "v1.0.0");
    expect(again.commits).toEqual([]);
    expect(again.notes).toBe("## v1.0.1\n\nNo changes since v1.0.0.\n\n**Full changelog:** https://github.com/acme/ranges/compare/v1.0.0...v1.0.1\n");
  });
});
