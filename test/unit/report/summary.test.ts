import { describe, expect, it } from "vitest";
import { failureExcerpt, formatDuration, pickErrorLines, renderSummaryMarkdown } from "../../../pipeline/modules/report/summary.js";
import { describeFixtures, readFixture } from "../../helpers/fixtures.js";

describe("pickErrorLines", () => {
  it("keeps short output whole, minus blank lines and colours", () => {
    expect(pickErrorLines("\u001b[31mFAIL\u001b[0m x\n\n  detail  \n")).toEqual(["FAIL x", "  detail"]);
  });

  it("keeps only error-looking lines of long output, in order", () => {
    const text = [...Array.from({ length: 30 }, (_, i) => `line ${i}`), "panic: boom", "not ok 3 - thing", "Exception in thread", "some Error here"].join("\n");
    expect(pickErrorLines(text)).toEqual(["panic: boom", "not ok 3 - thing", "Exception in thread", "some Error here"]);
  });

  it("caps at 20 error lines with a trailing ellipsis", () => {
    const lines = pickErrorLines(Array.from({ length: 25 }, (_, i) => `error ${i}`).join("\n"));
    expect(lines).toHaveLength(21);
    expect(lines.at(19)).toBe("error 19");
    expect(lines.at(20)).toBe("...");
  });

  it("falls back to the last lines when nothing looks like an error", () => {
    const lines = pickErrorLines(Array.from({ length: 30 }, (_, i) => `step ${i}`).join("\n"));
    expect(lines).toEqual(["...", ...Array.from({ length: 20 }, (_, i) => `step ${i + 10}`)]);
  });
});

describe("failureExcerpt", () => {
  it("keeps the lines that look like errors, at most three", () => {
    const jest = "Error: expect(received).toBe(expected)\n\nExpected: 15\nReceived: 10\n    at Object.<anonymous> (clamp.test.js:4:20)";
    expect(failureExcerpt(jest)).toEqual(["Error: expect(received).toBe(expected)"]);
    expect(failureExcerpt("error 1\nerror 2\nerror 3\nerror 4")).toEqual(["error 1", "error 2", "error 3"]);
  });

  it("takes the last line otherwise: Go's failure comes after the test's log lines", () => {
    expect(failureExcerpt("calc_test.go:6: checking the sum\ncalc_test.go:7: want 2, got 3\n")).toEqual(["calc_test.go:7: want 2, got 3"]);
    expect(failureExcerpt("")).toEqual([]);
  });
});

describeFixtures("pickErrorLines on real failing output", () => {
  it("picks pytest's failure lines out of its console output", () => {
    const lines = pickErrorLines(readFixture("python/pytest-fail.stdout.txt"));
    expect(lines.length).toBeLessThanOrEqual(21);
    expect(lines).toContain("FAILED tests/test_fail_demo.py::test_clamp_wrong_expectation - assert 10 == 15");
    expect(lines.every((l) => l === "..." || /fail|error|panic|not ok|exception/i.test(l))).toBe(true);
  });
});

describe("renderSummaryMarkdown", () => {
  it("renders the stage table, details and the failing stage's error lines in a fence", () => {
    const md = renderSummaryMarkdown([
      { name: "lint", status: "passed", durationSeconds: 3.21, details: ["go vet ./...: clean"] },
      { name: "test", status: "failed", durationSeconds: 125.4, details: ["6 tests: 4 passed, 1 failed, 1 skipped"], errorLines: ["FAIL example.com/gosample TestJoinFails: fail_test.go:10: Join = \"a-b\", want \"a--b\"", "```not a fence end"] },
      { name: "bench", status: "skipped", details: ["disabled in pipeline.yaml (stages.bench.enabled)"], errorLines: ["ignored when not failed"] },
    ]);
    expect(md).toMatchInlineSnapshot(`
      "# Pipeline summary

      **❌ Failed**: test (1 of 3 stages)

      Skipped: bench (disabled in pipeline.yaml (stages.bench.enabled))

      | Stage | Status | Duration |
      | --- | --- | ---: |
      | lint | ✅ passed | 3.2s |
      | test | ❌ failed | 2m 05s |
      | bench | ⏭ skipped | – |

      ## ✅ lint

      - go vet ./...: clean

      ## ❌ test

      - 6 tests: 4 passed, 1 failed, 1 skipped

      \`\`\`\`text
      FAIL example.com/gosample TestJoinFails: fail_test.go:10: Join = "a-b", want "a--b"
      \`\`\`not a fence end
      \`\`\`\`

      ## ⏭ bench

      - disabled in pipeline.yaml (stages.bench.enabled)
      "
    `);
  });

  it("says all passed, takes a title, and copes with no stages", () => {
    const md = renderSummaryMarkdown([{ name: "lint", status: "passed", details: [] }], { title: "CI for v1.2.0" });
    expect(md.split("\n").slice(0, 3)).toEqual(["# CI for v1.2.0", "", "**✅ Passed**: 1 of 1 stages passed"]);
    expect(renderSummaryMarkdown([])).toContain("No stages ran.");
  });

  it("never says passed when no stage passed: nothing ran, and the skipped stages with their reasons", () => {
    const md = renderSummaryMarkdown([
      { name: "test", status: "skipped", details: ["nothing ran: no tests found by go test ./... (stages.test.ifNothingRuns: skip)"] },
      { name: "bench", status: "skipped", details: ["disabled in pipeline.yaml (stages.bench.enabled)"] },
    ]);
    expect(md).not.toContain("Passed");
    expect(md.split("\n").slice(2, 5)).toEqual([
      "**⏭ Nothing ran**: all 2 stages skipped, none passed",
      "",
      "Skipped: test (nothing ran: no tests found by go test ./... (stages.test.ifNothingRuns: skip)); bench (disabled in pipeline.yaml (stages.bench.enabled))",
    ]);
    expect(renderSummaryMarkdown([])).toContain("**⏭ Nothing ran**: no stages, none passed");
  });

  it("shows at most 20 error lines plus the ellipsis line", () => {
    const errorLines = Array.from({ length: 40 }, (_, i) => `error ${i}`);
    const md = renderSummaryMarkdown([{ name: "t", status: "failed", details: [], errorLines }]);
    expect(md).toContain("error 20");
    expect(md).not.toContain("error 21");
  });
});

describe("formatDuration", () => {
  it("formats seconds and minutes without a 60s carry bug", () => {
    expect([formatDuration(0.44), formatDuration(59.94), formatDuration(119.6), formatDuration(undefined)]).toEqual(["0.4s", "59.9s", "2m 00s", "–"]);
  });
});

describe("the summary's limits, at their edges", () => {
  const numbered = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix} ${i}`);

  it("keeps output of exactly 20 lines whole, and picks from 21", () => {
    expect(pickErrorLines(numbered("step", 20).join("\n"))).toEqual(numbered("step", 20));
    expect(pickErrorLines(numbered("step", 21).join("\n"))).toEqual(["...", ...numbered("step", 21).slice(1)]);
  });

  it("keeps exactly 20 error lines of long output without an ellipsis", () => {
    const text = [...numbered("error", 20), ...numbered("step", 10)].join("\n");
    expect(pickErrorLines(text)).toEqual(numbered("error", 20));
  });

  it("drops trailing spaces and CR line ends, and keeps the indentation", () => {
    expect(pickErrorLines("  FAIL a  \r\nb\t\r\n")).toEqual(["  FAIL a", "b"]);
  });

  it("excerpts a failure's lines trimmed, and its last line alone when none looks like an error", () => {
    expect(failureExcerpt("   Error: boom   \n  at x")).toEqual(["Error: boom"]);
    expect(failureExcerpt("first\nsecond\n  want 2, got 3  \n")).toEqual(["want 2, got 3"]);
  });

  it("puts the notes under the title, before the verdict", () => {
    const md = renderSummaryMarkdown([{ name: "lint", status: "passed", details: [] }], { notes: ["commit abc123"] });
    expect(md.split("\n").slice(0, 5)).toEqual(["# Pipeline summary", "", "commit abc123", "", "**✅ Passed**: 1 of 1 stages passed"]);
    expect(renderSummaryMarkdown([], { notes: [] }).split("\n").slice(0, 3)).toEqual(["# Pipeline summary", "", "**⏭ Nothing ran**: no stages, none passed"]);
  });

  it("says a skipped stage gave no reason when it has no detail, and lists only skipped stages there", () => {
    const md = renderSummaryMarkdown([
      { name: "bench", status: "skipped", details: [] },
      { name: "lint", status: "passed", details: ["clean"] },
    ]);
    expect(md).toContain("\nSkipped: bench (no reason given)\n");
  });

  it("gives a stage a section for its details or its error lines, and none without either", () => {
    const md = renderSummaryMarkdown(
      [
        { name: "lint", status: "passed", details: [] },
        { name: "test", status: "failed", details: [], errorLines: ["boom"] },
      ],
      { headingLevel: 2 },
    );
    expect(md).not.toContain("### ✅ lint");
    expect(md).toContain("### ❌ test\n\n\n```text\nboom\n```\n");
  });

  it("strips colours from the error lines it fences", () => {
    const md = renderSummaryMarkdown([{ name: "test", status: "failed", details: [], errorLines: ["\u001b[31mFAIL\u001b[0m x"] }]);
    expect(md).toContain("```text\nFAIL x\n```");
  });

  it("formats a minute as minutes, and an unknown or infinite duration as –", () => {
    expect([formatDuration(59.9), formatDuration(60), formatDuration(65), formatDuration(NaN), formatDuration(Infinity)]).toEqual(["59.9s", "1m 00s", "1m 05s", "–", "–"]);
  });
});
