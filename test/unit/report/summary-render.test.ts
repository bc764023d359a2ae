import { describe, expect, it } from "vitest";
import { headline, renderSummaryMarkdown, type SummaryStage } from "../../../pipeline/modules/report/summary.js";

const stage = (name: string, status: SummaryStage["status"], extra: Partial<SummaryStage> = {}): SummaryStage => ({ name, status, details: [], ...extra });

describe("renderSummaryMarkdown's parts", () => {
  it("lists skipped stages only when some stage was skipped", () => {
    expect(renderSummaryMarkdown([stage("lint", "passed")])).not.toContain("Skipped:");
    expect(renderSummaryMarkdown([stage("lint", "passed"), stage("bench", "skipped", { details: ["no benchmarks"] })])).toContain("Skipped: bench (no benchmarks)\n");
  });

  it("gives a failed stage without error lines its section for its details, and no code fence", () => {
    const markdown = renderSummaryMarkdown([stage("test", "failed", { details: ["3 tests"] })]);
    expect(markdown).toContain("## ❌ test\n\n- 3 tests\n");
    expect(markdown).not.toContain("```");
  });

  it("escapes a '|' in a stage name so the table keeps its columns", () => {
    expect(renderSummaryMarkdown([stage("a|b", "passed")])).toContain("| a\\|b | ✅ passed | – |");
  });
});

describe("headline", () => {
  it("names every failed stage, separated by commas, and counts them", () => {
    expect(headline([stage("lint", "failed"), stage("test", "failed"), stage("build", "passed")])).toBe("**❌ Failed**: lint, test (2 of 3 stages)");
  });
});
