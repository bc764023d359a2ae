import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { copyExample, REPO, tempDir } from "../helpers/examples.js";

const TSC = join(REPO, "node_modules/typescript/bin/tsc");

/** What a user of the package writes: the documented API, typed by the package's own declarations. */
const CONSUMER = `import { PLAN_SCHEMA_VERSION, planFunction, renderPlan, type Exec, type PlanDocument } from "dagger-pipeline";

const { document }: { document: PlanDocument } = await planFunction({ fn: "ci", source: "." });
const version: 1 = PLAN_SCHEMA_VERSION;
const execs: Exec[] = document.groups.flatMap((g) => g.containers).flatMap((c) => c.execs);
export const text: string = renderPlan(document, ".") + String(version) + execs.map((e) => e.argv.join(" ")).join("\\n");
`;

/**
 * The CLI as a user gets it: \`npm pack\` of this repository (dist/ as \`npm run build\` wrote it, so the pack runs no
 * scripts), installed into an empty folder with no registry at all (the package depends on nothing at run time),
 * then \`pipeline plan ci\` on an example from there, its templates and its type declarations used as a user would.
 */
describe("the npm package", () => {
  it("installs into an empty folder without a registry, plans ci on an example, fills its CI templates and types a consumer there", async () => {
    const packed = tempDir("pipeline-pack-");
    const { stdout } = await execa("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", packed], { cwd: REPO });
    const [pack] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    const files = pack!.files.map((f) => f.path);
    // What runs: the bundle, the module `dagger call -m` and the staleness check read, the templates, the schemas.
    expect(new Set(files.map((path) => path.split("/").slice(0, path.startsWith("dist/") || path.startsWith("pipeline/") ? 1 : 2).join("/")))).toEqual(
      new Set(["dist", "pipeline", "ci/github", "ci/gitlab", "dagger.json", "package.json", "README.md", "pipeline.schema.json", "plan.schema.json", "plan-diff.schema.json"]),
    );
    expect(files).toEqual(expect.arrayContaining(["dist/bin.js", "dist/module-build.json", "pipeline/src/index.ts", "pipeline/package.json", "ci/github/ci.yml", "ci/gitlab/.gitlab-ci.yml"]));
    // Nothing a user does not run: the generated SDK, installed packages, tests beside the module's code.
    expect(files.filter((path) => /^pipeline\/(sdk|node_modules)\/|\.test\.ts$/.test(path))).toEqual([]);

    const project = tempDir("pipeline-user-");
    writeFileSync(join(project, "package.json"), '{ "name": "user-project", "private": true, "type": "module" }\n');
    await execa("npm", ["install", "--offline", "--no-audit", "--no-fund", join(packed, pack!.filename)], { cwd: project });
    const bin = join(project, "node_modules/.bin/pipeline");
    expect(existsSync(bin)).toBe(true);

    const plan = await execa(bin, ["plan", "ci", "--source", copyExample("go-service")], { cwd: project, reject: false });
    expect(plan.stderr).toBe("");
    expect(plan.exitCode).toBe(0);
    expect(plan.stdout).toMatch(/^Plan of `dagger call ci` on /);
    expect(plan.stdout).toContain("exec    go test -race");

    // The CI templates ship: `wrappers` fills them from the installed package.
    const wrappers = await execa(bin, ["wrappers", "--provider", "gitlab", "--module", "github.com/acme/pipeline@v1.2.0"], { cwd: project, reject: false });
    expect({ code: wrappers.exitCode, stderr: wrappers.stderr }).toEqual({ code: 0, stderr: "" });
    expect(readFileSync(join(project, ".gitlab-ci.yml"), "utf8")).toContain("github.com/acme/pipeline@v1.2.0");

    // `types` names a real file, and the declarations it reaches type-check a consumer's code under the strictest settings.
    const installed = join(project, "node_modules/dagger-pipeline");
    const { types } = JSON.parse(readFileSync(join(installed, "package.json"), "utf8")) as { types: string };
    expect(existsSync(join(installed, types)), types).toBe(true);
    writeFileSync(join(project, "consumer.ts"), CONSUMER);
    const compilerOptions = { noEmit: true, strict: true, exactOptionalPropertyTypes: true, module: "nodenext", target: "es2022", types: [] };
    writeFileSync(join(project, "tsconfig.json"), JSON.stringify({ compilerOptions, files: ["consumer.ts"] }));
    const check = await execa("node", [TSC, "-p", "."], { cwd: project, reject: false });
    expect(check.stdout + check.stderr).toBe("");
    expect(check.exitCode).toBe(0);
  }, 240_000);
});
