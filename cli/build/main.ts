/**
 * `npm run build`, which `prepare` runs on `npm ci` and before `npm pack`:
 * compiles the CLI into dist/ as one esbuild bundle split into chunks (each
 * command loads only its own), with the Dagger module compiled in from the
 * runtime's view of it, the module's signature as data, the public API's type
 * declarations and the bundled packages' notices. The bundle needs no
 * package at run time: dist/, pipeline/, ci/ and dagger.json are the CLI.
 */
import { chmodSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import * as esbuild from "esbuild";
import { LANGUAGES } from "../../pipeline/src/config/schema.js";
import { extractModuleSignature } from "../module/extract-signature.js";
import { moduleSourceDigest } from "../module/source-digest.js";
import { PACKAGE_ROOT } from "../package-root.js";
import { runtimeView } from "../runtime-view/view.js";
import { writeDeclarations } from "./declarations.js";
import { thirdPartyNotices } from "./licenses.js";
import { MODULE_FACTS_FILE, modulePlugin } from "./module-plugin.js";
import { daggerSdkPlugin } from "./sdk-plugin.js";

export interface BuildOptions {
  /** The package root, whose pipeline/ is compiled in. */
  root?: string;
  /** Where the build goes; replaced whole. */
  outDir?: string;
}

/** What nothing in the bundle may contain: start-up must never load a compiler, tsx or the OpenTelemetry Node SDK. */
const FORBIDDEN_PACKAGES = ["typescript", "tsx", "esbuild", "@opentelemetry/sdk-node", "@grpc/grpc-js"];

export async function buildCli({ root = PACKAGE_ROOT, outDir = join(root, "dist") }: BuildOptions = {}): Promise<void> {
  // An editor saving pipeline/ mid-build would leave a build of neither version: build again.
  for (let attempt = 1; attempt <= 3; attempt++) if (await buildOnce(root, outDir)) return;
  throw new Error(`${join(root, "pipeline")} kept changing during the build: run it again once it is saved`);
}

/** One build; false (nothing written) when pipeline/ changed while it ran. */
async function buildOnce(root: string, outDir: string): Promise<boolean> {
  const sourceDigest = moduleSourceDigest(root);
  const view = runtimeView(root);
  const signature = extractModuleSignature(view.entry);
  mkdirSync(join(outDir, ".."), { recursive: true });
  // Built aside and moved into place, so a CLI running from dist/ never sees half a build.
  const staging = mkdtempSync(`${outDir}.staging-`);
  chmodSync(staging, 0o755);
  try {
    const { metafile } = await esbuild.build({
      absWorkingDir: PACKAGE_ROOT,
      entryPoints: { bin: join(PACKAGE_ROOT, "cli/start.ts"), index: join(PACKAGE_ROOT, "cli/index.ts") },
      outdir: staging,
      bundle: true,
      splitting: true,
      format: "esm",
      platform: "node",
      target: "node20",
      // Bundled CommonJS packages (commander) call require() for Node's own modules.
      banner: { js: 'import { createRequire as __pipelineCreateRequire } from "node:module";\nconst require = __pipelineCreateRequire(import.meta.url);' },
      plugins: [daggerSdkPlugin(), modulePlugin(view)],
      metafile: true,
      logLevel: "warning",
    });
    const bundled = bundledInputs(metafile);
    const forbidden = bundled.filter((input) => FORBIDDEN_PACKAGES.some((name) => input.includes(`node_modules/${name}/`)));
    if (forbidden.length) throw new Error(`the bundle would load ${forbidden.slice(0, 3).join(", ")}: find the import that brings it in and keep it out of the CLI`);
    if (moduleSourceDigest(root) !== sourceDigest) return false;
    writeFileSync(join(staging, MODULE_FACTS_FILE), `${JSON.stringify({ sourceDigest, signature, languages: LANGUAGES }, null, 2)}\n`);
    writeFileSync(join(staging, "THIRD-PARTY-NOTICES.txt"), thirdPartyNotices(PACKAGE_ROOT, bundled));
    writeDeclarations(PACKAGE_ROOT, "cli/index.ts", join(staging, "types"));
    const previous = `${staging}.previous`;
    try {
      renameSync(outDir, previous);
    } catch {
      // no previous build
    }
    renameSync(staging, outDir);
    rmSync(previous, { recursive: true, force: true });
    return true;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** The inputs whose code is in the output: the metafile's `inputs` also lists what tree-shaking dropped. */
function bundledInputs(metafile: esbuild.Metafile): string[] {
  const kept = new Set<string>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) if (bytesInOutput > 0) kept.add(input);
  }
  return [...kept].sort();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // --root and --out build another module source elsewhere (the tests' failing builds; a frozen copy while pipeline/ is being edited).
  const { values } = parseArgs({ options: { root: { type: "string" }, out: { type: "string" } } });
  const root = resolve(values.root ?? PACKAGE_ROOT);
  const outDir = resolve(values.out ?? join(root, "dist"));
  const started = performance.now();
  await buildCli({ root, outDir });
  console.log(`built ${relative(process.cwd(), outDir) || "."} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
