/**
 * The CLI compiled file by file with tsc, the alternative to the esbuild
 * bundle that issue 11 asks to measure: one .js per source file, imports left
 * to Node (packages from the repository's node_modules). The module seam
 * (cli/module/current.ts) is replaced as the build replaces it, by the
 * signature and languages read from the bundle's module-build.json, so both
 * outputs do the same work at start-up and only the loading differs. Only
 * what `--version` and `validate` run is needed: `loadModule` is left out.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MODULE_FACTS_FILE } from "../cli/build/module-plugin.js";

const SEAM = `import { readFileSync } from "node:fs";

const facts = JSON.parse(readFileSync(new URL("./${MODULE_FACTS_FILE}", import.meta.url), "utf8"));

export function moduleSignature() {
  return facts.signature;
}

export function moduleLanguages() {
  return facts.languages;
}

export async function loadModule() {
  throw new Error("the tsc comparison build does not load the module");
}
`;

/** Compiles the CLI into a temp folder and returns its bin (start.js) and how long tsc took. */
export function buildTscOutput(repo: string): { bin: string; files: number; buildMs: number } {
  const out = mkdtempSync(join(tmpdir(), "pipeline-tsc-cli-"));
  const tsconfig = join(out, "tsconfig.json");
  writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: join(repo, "tsconfig.json"),
      compilerOptions: { typeRoots: [join(repo, "node_modules/@types")], noEmit: false, allowImportingTsExtensions: false, noCheck: true, rootDir: repo, outDir: out, sourceMap: false, declaration: false },
      files: [join(repo, "cli/start.ts")],
      include: [],
    }),
  );
  const tsc = join(createRequire(import.meta.url).resolve("typescript/package.json"), "../bin/tsc");
  const started = performance.now();
  execFileSync("node", [tsc, "-p", tsconfig], { stdio: "inherit" });
  const buildMs = performance.now() - started;
  // What tsc does not emit: the vendored packages' JavaScript, package.json (the version), the module facts.
  mkdirSync(join(out, "pipeline/vendor"), { recursive: true });
  for (const file of readdirSync(join(repo, "pipeline/vendor")).filter((f) => f.endsWith(".js"))) copyFileSync(join(repo, "pipeline/vendor", file), join(out, "pipeline/vendor", file));
  copyFileSync(join(repo, "package.json"), join(out, "package.json"));
  writeFileSync(join(out, "cli/module/current.js"), SEAM);
  copyFileSync(join(repo, "dist", MODULE_FACTS_FILE), join(out, "cli/module", MODULE_FACTS_FILE));
  const files = (readdirSync(out, { recursive: true }) as string[]).filter((f) => f.endsWith(".js")).length;
  symlinkSync(join(repo, "node_modules"), join(out, "node_modules"));
  return { bin: join(out, "cli/start.js"), files, buildMs };
}
