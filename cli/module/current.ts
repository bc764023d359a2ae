import { join } from "node:path";
import { LANGUAGES, type Language } from "../../pipeline/src/config/schema.js";
import { PACKAGE_ROOT } from "../package-root.js";
import { importFromRuntimeView, type ModuleMain } from "../runtime-view/load.js";
import { moduleSource } from "../runtime-view/source-files.js";
import { extractModuleSignature } from "./extract-signature.js";
import type { ModuleSignature } from "./signature.js";

/**
 * The Dagger module (pipeline/) as the CLI uses it: its functions' signature,
 * and its code, loaded from the runtime's view of it, never from the
 * repository (see runtime-view/load.ts).
 *
 * This file serves the TypeScript sources (the tests, `tsx`): it parses the
 * signature with the TypeScript compiler and loads the view's TypeScript. The
 * build (cli/build/module-plugin.ts) replaces it with the same exports over
 * what it prepared: the signature as data and the view's code bundled, so
 * the compiled CLI neither parses nor transpiles anything at start-up (nor
 * loads the config schema, whose language list `init --language` offers).
 */

let signature: ModuleSignature | undefined;

export function moduleSignature(): ModuleSignature {
  return (signature ??= extractModuleSignature(join(PACKAGE_ROOT, moduleSource(PACKAGE_ROOT), "src/index.ts")));
}

export function loadModule(): Promise<ModuleMain> {
  return importFromRuntimeView();
}

export function moduleLanguages(): readonly Language[] {
  return LANGUAGES;
}
