#!/usr/bin/env node
// Bundles the module's run-time libraries (yaml, zod) into pipeline/vendor/, so
// pipeline/package.json keeps typescript as its only dependency and the Dagger
// runtime skips its install step (DESIGN.md, install facts). Rerun after
// upgrading yaml or zod in the root package.json: `npm run vendor`.
// test/layout/vendor.test.ts fails when the committed bundles drift from this output.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The vendored packages: what each bundle re-exports. */
export const VENDORED = ["yaml", "zod"];

/** The bundle text for one package at the version installed in the root node_modules. */
export async function bundle(name) {
  const { version, license } = JSON.parse(readFileSync(join(repo, "node_modules", name, "package.json"), "utf8"));
  const result = await build({
    stdin: { contents: `export * from "${name}";\n`, resolveDir: repo, loader: "js" },
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    legalComments: "inline",
    write: false,
    logLevel: "silent",
  });
  const header = `// ${name}@${version} (${license}), bundled by scripts/vendor-module-deps.mjs: do not edit.\n`;
  return header + result.outputFiles[0].text;
}

/** Type declarations: the installed package's own, so the module type-checks against the real API. */
export const declarations = (name) => `// Types of the bundled ${name}: the package's own (a root devDependency).\nexport * from "${name}";\n`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const name of VENDORED) {
    writeFileSync(join(repo, "pipeline/vendor", `${name}.js`), await bundle(name));
    writeFileSync(join(repo, "pipeline/vendor", `${name}.d.ts`), declarations(name));
  }
}
