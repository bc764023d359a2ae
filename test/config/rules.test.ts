import { describe, expect, it } from "vitest";
import { formatProblem, loadConfig } from "../../pipeline/src/config/load.js";
import { compareBenchmarks, MIN_SAMPLES } from "../../pipeline/modules/report/bench.js";
import { mannWhitneyU } from "../../pipeline/modules/report/stats.js";
import { IMAGES } from "../../pipeline/modules/pins.js";

/** The YAML for one key path set to a value, e.g. `stages.bench.baseline`. */
function yamlAt(path: string, value: string): string {
  return path
    .split(".")
    .map((key, depth, keys) => `${"  ".repeat(depth)}${key}:${depth === keys.length - 1 ? ` ${JSON.stringify(value)}` : ""}`)
    .join("\n");
}

function problemsAt(path: string, value: string) {
  const result = loadConfig(`${yamlAt(path, value)}\n`);
  return result.ok ? [] : result.problems;
}

const DIGEST = `sha256:${"0123456789abcdef".repeat(4)}`;

describe("paths stay inside the repository", () => {
  const keys = ["workdir", "stages.bench.baseline", "release.dockerfile"];

  it.each(keys.flatMap((key) => ["../x", "a/../../x", "..", "/etc/x", "C:\\x", "..\\x", "\\\\server\\x"].map((value) => [key, value])))(
    "%s rejects %j, naming the key in the fix",
    (key, value) => {
      const [problem, ...rest] = problemsAt(key, value);
      expect(rest).toEqual([]);
      expect(problem).toMatchObject({ code: "CONFIG_INVALID_VALUE", path: key });
      expect(problem?.message).toMatch(/^expected a path inside the (repository|project folder), got .*, which (is absolute|leaves it through "..")$/);
      expect(problem?.fix).toContain(`write ${key} relative to`);
    },
  );

  it.each(keys.flatMap((key) => ["services/api", "./Dockerfile", "a..b/c", ".pipeline/bench-baseline.json", "x/.."].map((value) => [key, value])))(
    "%s accepts %j unless it climbs out",
    (key, value) => {
      const problems = problemsAt(key, value);
      // "x/.." ends inside the folder, but the rule is simple on purpose: no ".." segment at all.
      expect(problems.length).toBe(value === "x/.." ? 1 : 0);
    },
  );

  it("says where the path is relative to and gives an example", () => {
    const [baseline] = problemsAt("stages.bench.baseline", "../bench.json");
    expect(formatProblem(baseline!)).toMatchInlineSnapshot(`
      "pipeline.yaml:3:15 stages.bench.baseline: expected a path inside the project folder, got "../bench.json", which leaves it through ".."
        Fix: write stages.bench.baseline relative to the project folder (workdir), without a leading "/" or "..", e.g. .pipeline/bench-baseline.json"
    `);
    const [workdir] = problemsAt("workdir", "/srv/app");
    expect(formatProblem(workdir!)).toMatchInlineSnapshot(`
      "pipeline.yaml:1:10 workdir: expected a path inside the repository, got "/srv/app", which is absolute
        Fix: write workdir relative to the repository root, without a leading "/" or "..", e.g. services/api"
    `);
  });
});

describe("tool images are pinned", () => {
  it.each([
    ["golang", /has no tag, so it means golang:latest/],
    ["golang:latest", /the image behind "latest" changes with every release/],
    ["ghcr.io/acme/go:stable", /a tag without a version number \("stable"\) moves/],
    ["node:lts-slim", /a tag without a version number \("lts-slim"\) moves/],
    ["localhost:5000/golang", /has no tag/],
    ["Golang:1.23", `expected an image pinned by a version tag or a digest, like ${IMAGES.go}, got "Golang:1.23"`],
    // A digest is 64 hex digits: a short or uppercase one is a typo, not a pin.
    [`golang:1.26.9-bookworm@sha256:${"0123456789abcdef".repeat(2)}`, /^expected an image pinned by a version tag or a digest/],
    [`golang@${DIGEST.toUpperCase().replace("SHA256", "sha256")}`, /^expected an image pinned by a version tag or a digest/],
  ])("rejects %j", (image, message) => {
    const [problem, ...rest] = problemsAt("images.go", image);
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ path: "images.go", fix: `pin images.go to a version tag or a digest (@sha256:...), e.g. ${IMAGES.go}` });
    if (typeof message === "string") expect(problem?.message).toBe(message);
    else expect(problem?.message).toMatch(message);
  });

  it.each(["golang:1.23.4-bookworm", "golang:1", `golang@${DIGEST}`, `golang:latest@${DIGEST}`, `golang:1.26.9-bookworm@${DIGEST}`, "localhost:5000/tools/go:1.23", `localhost:5000/tools/go:1.23@${DIGEST}`])(
    "accepts %j",
    (image) => expect(problemsAt("images.go", image)).toEqual([]),
  );

  it.each(Object.entries(IMAGES))("accepts the default %s pin, tag and digest together, in its own key", (key, image) => {
    expect(image).toMatch(/:[\w.-]+@sha256:[a-f0-9]{64}$/);
    expect(problemsAt(`images.${key}`, image)).toEqual([]);
  });

  it("suggests each key's own default pin", () => {
    const [problem] = problemsAt("images.node", "node:latest");
    expect(formatProblem(problem!)).toMatchInlineSnapshot(`
      "pipeline.yaml:2:9 images.node: "node:latest" is not pinned: the image behind "latest" changes with every release
        Fix: pin images.node to a version tag or a digest (@sha256:...), e.g. node:24.21.0-bookworm-slim@sha256:2fe369e969550cde8e867afc3fe370b260140cab4a23d467074295b42163d553"
    `);
  });
});

describe("stages.bench.count", () => {
  it(`needs at least ${MIN_SAMPLES} samples, and says why`, () => {
    const result = loadConfig("stages:\n  bench:\n    count: 3\n");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map(formatProblem)).toMatchInlineSnapshot(`
      [
        "pipeline.yaml:3:12 stages.bench.count: expected at least 4 samples per benchmark, got 3: with fewer on either side the comparison counts every change as insignificant (a Mann-Whitney U test cannot reach p < 0.05), so the regression gate could never fail
        Fix: use a value of at least 4",
      ]
    `);
    expect(loadConfig(`stages:\n  bench:\n    count: ${MIN_SAMPLES}\n`).ok).toBe(true);
  });

  it("agrees with the comparison's own minimum (modules/report/bench.ts)", () => {
    const samples = (n: number, from: number) => ({ name: "BenchmarkX", unit: "ns/op", samples: Array.from({ length: n }, (_, i) => from + i) });
    const verdict = (n: number) => compareBenchmarks([samples(n, 100)], [samples(n, 1000)], { thresholdPercent: 10 })[0]?.verdict;
    // The clearest possible slowdown: every new sample slower than every old one.
    expect(verdict(MIN_SAMPLES - 1)).toBe("insignificant");
    expect(verdict(MIN_SAMPLES)).toBe("regression");
    expect(mannWhitneyU(samples(MIN_SAMPLES - 1, 100).samples, samples(MIN_SAMPLES - 1, 1000).samples).p).toBeGreaterThanOrEqual(0.05);
  });
});
