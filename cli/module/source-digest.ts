import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { moduleSource, runtimeSourceFiles } from "../runtime-view/source-files.js";

/** What a build of the module is made from, besides the copied files: they shape the runtime's view too. */
const MODULE_CONFIG = ["package.json", "tsconfig.json"];

/**
 * A digest of the module source at `root`: every file the runtime copies, and
 * the source's package.json and tsconfig.json. The build records it; the
 * compiled CLI compares it before running the module, so a build older than
 * pipeline/ is refused instead of planning code that is no longer there.
 */
export function moduleSourceDigest(root: string): string {
  const sourceDir = join(root, moduleSource(root));
  const hash = createHash("sha256");
  for (const file of [...runtimeSourceFiles(sourceDir), ...MODULE_CONFIG]) {
    hash.update(`\0${file}\0`);
    try {
      hash.update(readFileSync(join(sourceDir, file)));
    } catch {
      hash.update("\0absent");
    }
  }
  return hash.digest("hex");
}
