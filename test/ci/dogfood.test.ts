import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { planFunction } from "../../cli/commands/plan.js";
import type { Exec } from "../../cli/plan/document.js";
import { writeWrappers } from "../../cli/commands/wrappers.js";
import { WRAPPER_FILES, PROVIDERS } from "../../cli/wrappers/templates.js";
import { IMAGES } from "../../pipeline/modules/pins.js";
import { REPO, tempDir } from "../helpers/examples.js";

/** This repository runs on its own pipeline, through the wrappers it generates. */
describe("dogfooding", () => {
  it.each(PROVIDERS)("this repository's %s CI files are exactly the generated wrappers", (provider) => {
    // A folder holding this module's dagger.json is this module's repository: plain `dagger call`, no --module.
    const out = tempDir("dogfood-");
    copyFileSync(join(REPO, "dagger.json"), join(out, "dagger.json"));
    // Its pipeline.yaml too: it has no image, so no release file (the module is released by its tag alone).
    copyFileSync(join(REPO, "pipeline.yaml"), join(out, "pipeline.yaml"));
    writeWrappers({ provider, outDir: out, force: false });
    const fix = `regenerate with node cli/bin.js wrappers --provider ${provider} --out . --force`;
    for (const { target } of WRAPPER_FILES[provider]) {
      const read = (dir: string) => (existsSync(join(dir, target)) ? readFileSync(join(dir, target), "utf8") : "(absent)");
      expect(read(REPO), `${target}: ${fix}`).toBe(read(out));
    }
  });

  it("plans ci on the repository root as its own lint, type-check, tests with coverage, property tests and benchmarks", async () => {
    const { document: plan } = await planFunction({ fn: "ci", source: REPO });
    const runs = plan.groups.flatMap((g) => g.containers);
    // Node for the stages; the scanners' own images (osv-scanner for the lockfile); git reads the checkout's history.
    expect(new Set(runs.map((r) => r.image))).toEqual(new Set([IMAGES.node, IMAGES.gitleaks, IMAGES.osvScanner, IMAGES.semgrep, IMAGES.trivy, IMAGES.hadolint, IMAGES.git]));
    const shown = (exec: Exec | undefined) => (exec ? exec.argv.join(" ") + (exec.exitCode === "read" ? "  (exit code read, not thrown)" : "") : "");
    const stageExecs = runs.map((r) => shown(r.execs[r.execs.length - 1]));
    expect(stageExecs).toEqual(
      expect.arrayContaining([
        "npm run lint  (exit code read, not thrown)",
        "npm run typecheck  (exit code read, not thrown)",
        "npm run bench  (exit code read, not thrown)",
        // Its own test script (lint, typecheck, build, then vitest run): vitest's report flags go after it, to its last command.
        expect.stringMatching(/^npm run test -- --coverage\.enabled --coverage\.reporter=cobertura .*--outputFile\.junit=/),
        expect.stringMatching(/^npx --no vitest run test\/unit\/engine\.property\.test\.ts (\S+\.property\.test\.ts )*--reporter=default /),
      ]),
    );
    // The four Node stages, six scanners (gitleaks twice: tree and history) and the git reader in one concurrent group, then the benchmarks alone, each Node one after one shared `npm ci` and the lifecycle scripts it skipped (prepare builds dist/).
    expect(plan.groups.map((g) => g.containers.length)).toEqual([4 + 6 + 1, 1]);
    expect(shown(plan.groups[1]!.containers[0]!.execs.at(-1))).toBe("npm run bench  (exit code read, not thrown)");
    for (const run of runs.filter((r) => r.image === IMAGES.node)) expect(run.execs.slice(0, 3).map((e) => e.argv.join(" "))).toEqual(["npm ci --ignore-scripts --no-audit --no-fund", "npm rebuild", "npm run --if-present prepare"]);
  });
});
