import { describe, expect, it } from "vitest";
import { formatProblem, loadConfig } from "../../pipeline/src/config/load.js";
import { detectLanguage } from "../../pipeline/src/config/detect.js";
import { IMAGES } from "../../pipeline/modules/pins.js";

function problems(text: string) {
  const result = loadConfig(text, "pipeline.yaml");
  if (result.ok) throw new Error("expected the config to be rejected");
  return result.problems;
}

describe("pipeline.yaml defaults", () => {
  it("gives a working pipeline for a missing or empty file", () => {
    for (const text of [undefined, "", "# only a comment\n"]) {
      const result = loadConfig(text);
      expect(result.ok).toBe(true);
      if (!result.ok) continue;
      expect(result.config.stages.test.coverageThreshold).toBe(80);
      expect(result.config.stages.propertyTest.iterations).toBeGreaterThanOrEqual(100);
      expect(result.config.stages.bench).toMatchObject({ count: 6, regressionThreshold: 10, alpha: 0.05 });
      expect(result.config.images).toEqual(IMAGES);
      expect(result.config.language).toBeUndefined();
    }
  });

  it("keeps defaults for the keys a partial stage leaves out", () => {
    const result = loadConfig("stages:\n  bench:\n    count: 10\n");
    expect(result.ok && result.config.stages.bench).toEqual({
      enabled: true,
      count: 10,
      regressionThreshold: 10,
      alpha: 0.05,
      baseline: ".pipeline/bench-baseline.json",
      withoutBaseline: "once",
      ifNothingRuns: "skip",
    });
    // lint and the unit tests fail ci when they find nothing to run; the optional kinds of tests do not.
    const stages = result.ok ? result.config.stages : undefined;
    expect([stages?.lint.ifNothingRuns, stages?.test.ifNothingRuns, stages?.integration.ifNothingRuns, stages?.propertyTest.ifNothingRuns]).toEqual(["fail", "fail", "skip", "skip"]);
  });

  it.each([
    ["a section key with nothing under it", "stages:\n"],
    ["a stage whose keys are all commented out", "stages:\n  test:\n    # coverageThreshold: 90\n  bench:\n"],
    ["empty images and release", "images:\nrelease:\n"],
    ["lists whose items are all commented out", "stages:\n  lint:\n    commands:\n      # - [npm, run, lint]\nrelease:\n  platforms:\n    # - linux/arm64\n"],
  ])("reads %s (YAML null) as absent, so the defaults apply", (_, text) => {
    const result = loadConfig(text);
    const defaults = loadConfig(undefined);
    expect(result.ok && defaults.ok).toBe(true);
    if (result.ok && defaults.ok) expect(result.config).toEqual(defaults.config);
  });

  it("still rejects a scalar key left empty: null is no number", () => {
    const [problem] = problems("stages:\n  test:\n    coverageThreshold:\n");
    expect(problem).toMatchObject({ path: "stages.test.coverageThreshold", message: "expected number, got null", fix: "write a number here" });
  });

  it("pins every default image by tag", () => {
    for (const image of Object.values(IMAGES)) expect(image).toMatch(/:[\w.-]+$/);
    for (const image of Object.values(IMAGES)) expect(image).not.toMatch(/:latest$/);
  });
});

describe("pipeline.yaml errors", () => {
  it("names file:line:column, the key path and a did-you-mean for an unknown key", () => {
    const [problem, ...rest] = problems("stages:\n  test:\n    coverageTreshold: 70\n");
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ code: "CONFIG_UNKNOWN_KEY", line: 3, column: 5, path: "stages.test.coverageTreshold" });
    expect(formatProblem(problem!)).toMatchInlineSnapshot(`
      "pipeline.yaml:3:5 stages.test.coverageTreshold: unknown key "coverageTreshold" (did you mean "coverageThreshold"?)
        Fix: rename it to "coverageThreshold""
    `);
  });

  it("lists the allowed keys when nothing is close", () => {
    const [problem] = problems("stagez: {}\nzzz: 1\n").filter((p) => p.path === "zzz");
    expect(problem?.fix).toBe("remove it; the keys allowed here are: $schema, version, language, workdir, images, toolInputs, stages, services, image, release, deploy, projects, ci");
    const [typo] = problems("stagez: {}\n");
    expect(typo?.message).toContain('did you mean "stages"');
  });

  it("says what was expected, what was found and how to fix a wrong value", () => {
    const [language] = problems("language: rust\n");
    expect(formatProblem(language!)).toMatchInlineSnapshot(`
      "pipeline.yaml:1:11 language: expected one of "go", "node", "python", got "rust"
        Fix: use one of "go", "node", "python""
    `);
    const [count] = problems("stages:\n  bench:\n    count: 0\n");
    expect(count).toMatchObject({ code: "CONFIG_INVALID_VALUE", line: 3, column: 12, path: "stages.bench.count", fix: "use a value of at least 4" });
    const [type] = problems("stages:\n  test:\n    race: maybe\n");
    expect(type).toMatchObject({ path: "stages.test.race", message: 'expected boolean, got string "maybe"', fix: "write a boolean here" });
  });

  it("words numbers, lists and types as a YAML author reads them", () => {
    const pretty = (text: string) => problems(text).map(formatProblem).join("\n");
    expect(pretty("stages:\n  propertyTest:\n    iterations: 1.5\n")).toMatchInlineSnapshot(`
      "pipeline.yaml:3:17 stages.propertyTest.iterations: expected a whole number, got 1.5
        Fix: write a whole number here"
    `);
    expect(pretty("stages:\n  test:\n    coverageThreshold: .nan\n")).toMatchInlineSnapshot(`
      "pipeline.yaml:3:24 stages.test.coverageThreshold: expected number, got .nan, which is not a finite number
        Fix: write a finite number here"
    `);
    expect(pretty("stages:\n  test:\n    coverageThreshold: -.inf\n")).toContain("got -.inf, which is not a finite number");
    expect(pretty("release:\n  platforms: []\n")).toMatchInlineSnapshot(`
      "pipeline.yaml:2:14 release.platforms: expected at least 1 item, got an empty list
        Fix: list at least 1 item"
    `);
    expect(pretty("stages: [lint]\n")).toMatchInlineSnapshot(`
      "pipeline.yaml:1:9 stages: expected object, got array
        Fix: write an object here"
    `);
    expect(pretty("stages:\n  bench:\n    alpha: 0\n")).toMatchInlineSnapshot(`
      "pipeline.yaml:3:12 stages.bench.alpha: expected a value greater than 0, got 0
        Fix: use a value greater than 0"
    `);
    expect(pretty("stages:\n  bench:\n    count: 101\n")).toMatchInlineSnapshot(`
      "pipeline.yaml:3:12 stages.bench.count: expected a value of at most 100, got 101
        Fix: use a value of at most 100"
    `);
    expect(pretty("release:\n  platforms: [linux]\n")).toMatchInlineSnapshot(`
      "pipeline.yaml:2:15 release.platforms.0: expected os/arch, like linux/amd64, got "linux"
        Fix: write the platform as os/arch or os/arch/variant, e.g. linux/amd64 or linux/arm/v7"
    `);
  });

  it("names a required key left out, and the section to add it to", () => {
    expect(problems("image:\n  healthcheck:\n    interval: 10s\n").map(formatProblem).join("\n")).toMatchInlineSnapshot(`
      "pipeline.yaml:3:5 image.healthcheck.command: missing key "command", which takes an array
        Fix: add command (an array) to image.healthcheck"
    `);
    expect(problems("ci:\n  notify: {}\n")).toMatchObject([{ path: "ci.notify.webhook", message: 'missing key "webhook", which takes a string', fix: "add webhook (a string) to ci.notify" }]);
  });

  it("rejects unpinned images and paths that leave the repository", () => {
    const [image] = problems("images:\n  go: golang\n");
    expect(image).toMatchObject({ path: "images.go", line: 2, column: 7 });
    expect(image?.fix).toContain("pin images.go to a version tag or a digest");
    const [workdir] = problems("workdir: ../elsewhere\n");
    expect(workdir?.message).toContain('leaves it through ".."');
  });

  it("locates items inside argv arrays", () => {
    const [problem] = problems("stages:\n  lint:\n    commands:\n      - [npm, run, lint]\n      - []\n");
    expect(problem).toMatchObject({ path: "stages.lint.commands.1", line: 5, column: 9 });
  });

  it("reports YAML syntax errors with their position", () => {
    const [problem] = problems("stages:\n  test: [\n");
    expect(problem).toMatchObject({ code: "CONFIG_SYNTAX", line: 3 });
  });

  it("says a second document was started, in the author's words, not the parser's API", () => {
    expect(problems("language: go\n---\nworkdir: .\n")).toEqual([
      expect.objectContaining({ code: "CONFIG_SYNTAX", line: 2, message: "a second YAML document starts here (---)" }),
    ]);
  });

  it("lists problems in file order", () => {
    const found = problems("stages:\n  bench: { count: 1 }\n  test: { coverageThreshold: 120 }\nlanguage: cobol\nimages: { go: golang }\n");
    expect(found.length).toBeGreaterThanOrEqual(4);
    const positions = found.map((p) => [p.line, p.column] as const);
    expect(positions).toEqual([...positions].sort((a, b) => a[0] - b[0] || a[1] - b[1]));
    expect(found[0]!.line).toBe(2);
  });
});

describe("language detection", () => {
  it.each([
    [["go.mod", "go.sum", "main.go"], "go"],
    [["package.json", "src/"], "node"],
    [["pyproject.toml"], "python"],
    [["requirements.txt", "app.py"], "python"],
    [["go.mod", "package.json"], "go"],
    [["README.md"], undefined],
  ])("%j is %s", (entries, language) => {
    expect(detectLanguage(entries)).toBe(language);
  });
});

describe("pipeline.yaml that parses but cannot become data", () => {
  it("reports an alias to an undefined anchor as a problem, not a crash (found by a property test)", () => {
    const [problem] = problems("*!");
    expect(problem).toMatchObject({ code: "CONFIG_SYNTAX", line: 1 });
    expect(problem?.message).toContain("Unresolved alias");
  });
});
