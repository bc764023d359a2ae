import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { GitCommit } from "../../../pipeline/modules/git/metadata.js";
import { formatConventionalHeader, parseConventional, renderReleaseNotes } from "../../../pipeline/modules/release/conventional.js";

const commit = (subject: string, body = "", sha = "a".repeat(40)): GitCommit => ({ sha, subject, body, author: "A <a@example.com>", time: "2026-01-01T00:00:00Z" });

describe("conventional commits", () => {
  it("round-trips a header", () => {
    const header = fc.record({
      type: fc.stringMatching(/^[a-z]{1,8}$/),
      scope: fc.option(fc.stringMatching(/^[a-z0-9-]{1,10}$/), { nil: undefined }),
      breaking: fc.boolean(),
      description: fc.stringMatching(/^\S[^\r\n]{0,40}$/).map((s) => s.trim()).filter((s) => s.length > 0),
    });
    fc.assert(
      fc.property(header, (h) => {
        const parsed = parseConventional(formatConventionalHeader(h));
        expect(parsed).toMatchObject({ type: h.type, scope: h.scope, breaking: h.breaking, description: h.description });
      }),
    );
  });

  it("reads breaking changes from ! and from the footer, and refuses what is not conventional", () => {
    expect(parseConventional("feat(api)!: drop v1")).toMatchObject({ type: "feat", scope: "api", breaking: true, breakingNote: "drop v1" });
    expect(parseConventional("fix: x", "Longer text.\n\nBREAKING CHANGE: the config key moved\nRefs: #12")).toMatchObject({ breaking: true, breakingNote: "the config key moved" });
    expect(parseConventional("fix: x", "BREAKING-CHANGE: also this spelling")).toMatchObject({ breaking: true });
    for (const subject of ["Update README", "feat:no space", "feat(): empty scope", ": nothing", "WIP"]) expect(parseConventional(subject), subject).toBeUndefined();
  });

  it("renders breaking changes first, then features and fixes, leaving chores out", () => {
    const notes = renderReleaseNotes({
      tag: "v1.3.0",
      previousTag: "v1.2.0",
      webUrl: "https://github.com/acme/app",
      commits: [commit("chore: bump deps", "", "1".repeat(40)), commit("fix(parser): handle tabs", "", "2".repeat(40)), commit("feat!: new config", "", "3".repeat(40)), commit("feat: add --json", "", "4".repeat(40))],
    });
    const order = ["### ⚠ Breaking changes", "new config", "### Features", "add --json", "### Bug fixes", "**parser:** handle tabs", "**Full changelog:** https://github.com/acme/app/compare/v1.2.0...v1.3.0"];
    let at = -1;
    for (const piece of order) {
      const next = notes.indexOf(piece, at + 1);
      expect(next, piece).toBeGreaterThan(at);
      at = next;
    }
    expect(notes).not.toContain("bump deps");
    expect(notes).toContain("[3333333](https://github.com/acme/app/commit/3333333333333333333333333333333333333333)");
  });

  it("lists the commits as they are when most are not conventional", () => {
    const notes = renderReleaseNotes({ tag: "v0.2.0", previousTag: undefined, commits: [commit("Fix the thing"), commit("Add stuff"), commit("feat: one")] });
    expect(notes).toContain("### Commits\n\n- Fix the thing (aaaaaaa)\n- Add stuff (aaaaaaa)\n- feat: one (aaaaaaa)");
  });
});
