import { appendFileSync, cpSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join } from "node:path";
import * as esbuild from "esbuild";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { buildCli } from "../../cli/build/main.js";
import { extractModuleSignature } from "../../cli/module/extract-signature.js";
import { moduleSourceDigest } from "../../cli/module/source-digest.js";
import { examplePath, REPO, tempDir } from "../helpers/examples.js";

const DIST = join(REPO, "dist");
const STALE = "dist/ is older than pipeline/: run npm run build";

/** A folder with this repository's module (dagger.json, pipeline/ without its generated sdk/), for a build of an edited copy. */
function moduleCopy(): string {
  const root = tempDir("module-copy-");
  cpSync(join(REPO, "dagger.json"), join(root, "dagger.json"));
  cpSync(join(REPO, "pipeline"), join(root, "pipeline"), { recursive: true, filter: (src) => !/\/pipeline\/(sdk|node_modules)(\/|$)/.test(src) });
  return root;
}

describe("the build: the CLI compiled, the module compiled in from the runtime's view, its signature as data", () => {
  it("holds the signature of pipeline/src/index.ts as it is now, and the digest of the pipeline/ it was built from", () => {
    const facts = JSON.parse(readFileSync(join(DIST, "module-build.json"), "utf8"));
    expect(facts.signature, STALE).toEqual(extractModuleSignature(join(REPO, "pipeline/src/index.ts")));
    expect(facts.sourceDigest, STALE).toBe(moduleSourceDigest(REPO));
  });

  // The test above is only as good as its comparison: each edit the build must follow has to change what it compares.
  it.each([
    ["a parameter added", /async ci\(rerun\?: string, /, "async ci(rerun?: string, verbose?: boolean, "],
    ["a parameter's JSDoc reworded", /@param tag The release tag/, "@param tag The tag to release"],
    ["a function added", /^export class Pipeline \{$/m, "export class Pipeline {\n  /** Probes. */\n  @func()\n  async probe(): Promise<void> {}\n"],
  ])("would fail on %s and the build not run again: the extract and the digest both differ from the build's", (_edit, pattern, replacement) => {
    const facts = JSON.parse(readFileSync(join(DIST, "module-build.json"), "utf8"));
    const root = moduleCopy();
    const index = join(root, "pipeline/src/index.ts");
    expect(extractModuleSignature(index)).toEqual(facts.signature);
    const text = readFileSync(index, "utf8");
    expect(text).toMatch(pattern);
    writeFileSync(index, text.replace(pattern, replacement));
    expect(extractModuleSignature(index)).not.toEqual(facts.signature);
    expect(moduleSourceDigest(root)).not.toBe(facts.sourceDigest);
  });

  it("is refused by the compiled CLI once its pipeline/ is edited, so a plan never describes code that is not there", async () => {
    const pkg = tempDir("package-copy-");
    for (const entry of ["dist", "dagger.json", "package.json"]) cpSync(join(REPO, entry), join(pkg, entry), { recursive: true });
    cpSync(join(REPO, "pipeline"), join(pkg, "pipeline"), { recursive: true, filter: (src) => !/\/pipeline\/sdk(\/|$)/.test(src) });
    const plan = () => execa("node", [join(pkg, "dist/bin.js"), "plan", "lint", "--source", examplePath("go-service")], { reject: false });
    expect((await plan()).exitCode).toBe(0);
    appendFileSync(join(pkg, "pipeline/src/index.ts"), "\n// edited after the build\n");
    const stale = await plan();
    expect(stale.exitCode).toBe(1);
    expect(stale.stderr).toBe(
      `error: the compiled module in ${join(pkg, "dist")} was built from another ${join(pkg, "pipeline")} than the one there now.\n  Fix: run npm run build in ${pkg}.`,
    );
  });

  it("imports no package at run time: Node's modules and its own chunks only, so nothing can load TypeScript or tsx at start-up", async () => {
    // esbuild reads the built files as a bundler does: every import, static, dynamic or require(), that leaves them.
    const entryPoints = readdirSync(DIST).filter((f) => f.endsWith(".js")).map((f) => join(DIST, f));
    const { metafile } = await esbuild.build({ entryPoints, bundle: true, write: false, outdir: tempDir("dist-imports-"), platform: "node", format: "esm", packages: "external", metafile: true, logLevel: "silent" });
    const external = Object.values(metafile.inputs).flatMap((input) => input.imports.filter((i) => i.external).map((i) => i.path));
    expect(external).toContain("node:fs");
    expect([...new Set(external.filter((spec) => !spec.startsWith("node:") && !builtinModules.includes(spec)))]).toEqual([]);
  });

  it("fails when the module imports a file outside pipeline/, as it would fail on an engine", async () => {
    const root = moduleCopy();
    const index = join(root, "pipeline/src/index.ts");
    writeFileSync(index, `import "../../cli/errors.js";\n${readFileSync(index, "utf8")}`);
    await expect(buildCli({ root, outDir: join(root, "dist") })).rejects.toThrow(/Could not resolve "\.\.\/\.\.\/cli\/errors\.js"/);
  });

  it("fails when the module imports what the runtime's SDK library does not export (ExecError)", async () => {
    const root = moduleCopy();
    const index = join(root, "pipeline/src/index.ts");
    writeFileSync(index, `import { ExecError } from "@dagger.io/dagger";\nexport const probe = ExecError;\n${readFileSync(index, "utf8")}`);
    await expect(buildCli({ root, outDir: join(root, "dist") })).rejects.toThrow(/No matching export in "[^"]*sdk\/index\.ts" for import "ExecError"/);
  });
});
