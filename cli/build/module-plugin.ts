import { join } from "node:path";
import type { Plugin } from "esbuild";
import type { RuntimeView } from "../runtime-view/view.js";
import { SRC_DIR } from "../runtime-view/runtime-source.js";

/** The source-mode file the build replaces (see its own comment). */
export const MODULE_SEAM = new URL("../module/current.ts", import.meta.url).pathname;
const BUILD_CHECK = new URL("../module/build-check.ts", import.meta.url).pathname;

/** Written beside the chunks: the module's signature, the config's languages and the digest of the source it was built from. */
export const MODULE_FACTS_FILE = "module-build.json";

const ENTRY = "pipeline-module:entry";
const RESOLVING = Symbol("module-plugin: resolving");

/**
 * Compiles the module into the CLI from the runtime's view of it, never from
 * the repository: esbuild resolves each import as the view lays it out, so an
 * import that would fail on an engine (a file outside the module source, a
 * package the runtime does not install, a name the SDK's generated library
 * does not export, such as ExecError) fails the build. Like the runtime's
 * entrypoint, the entry imports every .ts file under src/.
 *
 * The seam (cli/module/current.ts) becomes: the signature read from
 * module-build.json, and the module as a chunk loaded when plan runs, after
 * checking that pipeline/ is still what it was built from.
 */
export function modulePlugin(view: RuntimeView): Plugin {
  const srcFiles = view.sourceFiles.filter((f) => f.startsWith(`${SRC_DIR}/`) && /\.m?ts$/.test(f) && !f.endsWith(".d.ts"));
  return {
    name: "pipeline-module",
    setup(build) {
      build.onResolve({ filter: /\/current\.(js|ts)$/ }, async (args) => {
        if (args.pluginData === RESOLVING) return undefined;
        const resolved = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: RESOLVING });
        return resolved.path === MODULE_SEAM ? { path: MODULE_SEAM, namespace: "pipeline-module" } : undefined;
      });
      build.onLoad({ filter: /.*/, namespace: "pipeline-module" }, () => ({
        contents: seamSource(),
        loader: "js",
        resolveDir: new URL("../module/", import.meta.url).pathname,
      }));
      build.onResolve({ filter: new RegExp(`^${ENTRY}$`) }, () => ({ path: ENTRY, namespace: "pipeline-module-entry" }));
      build.onLoad({ filter: /.*/, namespace: "pipeline-module-entry" }, () => ({
        contents: [...srcFiles.map((f) => `import ${JSON.stringify(join(view.modulePath, f))};`), `export * from ${JSON.stringify(view.entry)};`].join("\n"),
        loader: "js",
        resolveDir: join(view.modulePath, SRC_DIR),
      }));
    },
  };
}

function seamSource(): string {
  return `import { readFileSync } from "node:fs";
import { assertCurrentBuild } from ${JSON.stringify(BUILD_CHECK)};

const facts = JSON.parse(readFileSync(new URL("./${MODULE_FACTS_FILE}", import.meta.url), "utf8"));

export function moduleSignature() {
  return facts.signature;
}

export function moduleLanguages() {
  return facts.languages;
}

export async function loadModule() {
  assertCurrentBuild(facts.sourceDigest);
  return import(${JSON.stringify(ENTRY)});
}
`;
}

