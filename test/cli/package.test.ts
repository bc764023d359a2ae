import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { copyExample, REPO, tempDir } from "../helpers/examples.js";

/**
 * The CLI as a user gets it: `npm pack` of this repository (dist/ as `npm run build` wrote it, so the pack runs no
 * scripts), installed into an empty folder with no registry at all (the package depends on nothing at run time),
 * then `pipeline plan ci` on an example from there.
 */
describe("the npm package", () => {
  it("installs into an empty folder without a registry and plans ci on an example there", async () => {
    const packed = tempDir("pipeline-pack-");
    const { stdout } = await execa("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", packed], { cwd: REPO });
    const [pack] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    const files = pack!.files.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(["dist/bin.js", "dagger.json", "pipeline/src/index.ts", "pipeline.schema.json", "plan.schema.json", "ci/github/ci.yml"]));
    // Nothing a user does not run: tests, examples, the tools' manifests, the generated SDK.
    expect(files.filter((path) => /^(test|examples|tools|bench|scripts|pipeline\/sdk)\//.test(path))).toEqual([]);

    const project = tempDir("pipeline-user-");
    writeFileSync(join(project, "package.json"), '{ "name": "user-project", "private": true }\n');
    await execa("npm", ["install", "--offline", "--no-audit", "--no-fund", join(packed, pack!.filename)], { cwd: project });
    const bin = join(project, "node_modules/.bin/pipeline");
    expect(existsSync(bin)).toBe(true);
    const types = (await import(join(project, "node_modules/dagger-pipeline/package.json"), { with: { type: "json" } })).default.types as string;
    expect(existsSync(join(project, "node_modules/dagger-pipeline", types)), types).toBe(true);

    const plan = await execa(bin, ["plan", "ci", "--source", copyExample("go-service")], { cwd: project, reject: false });
    expect(plan.stderr).toBe("");
    expect(plan.exitCode).toBe(0);
    expect(plan.stdout).toMatch(/^Plan of `dagger call ci` on /);
    expect(plan.stdout).toContain("exec    go test -race");
  }, 240_000);
});
