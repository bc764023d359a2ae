import { join, resolve } from "node:path";
import { CliError } from "../errors.js";
import { PACKAGE_ROOT } from "../package-root.js";
import { moduleSourceDigest } from "./source-digest.js";

/**
 * Refuses to run a compiled module that pipeline/ no longer matches (edited
 * since `npm run build`): its plan would describe code that is not there.
 * Installed packages always match; a checkout may not.
 */
export function assertCurrentBuild(builtFrom: string): void {
  if (moduleSourceDigest(PACKAGE_ROOT) === builtFrom) return;
  throw new CliError(
    "MODULE_BUILD_STALE",
    `the compiled module in ${join(PACKAGE_ROOT, "dist")} was built from another ${join(PACKAGE_ROOT, "pipeline")} than the one there now.\n` +
      `  Fix: run npm run build in ${resolve(PACKAGE_ROOT)}.`,
  );
}
