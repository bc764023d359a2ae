import { join } from "node:path";
import { OWN_DAGGER_JSON, readDaggerJson } from "../dagger-version.js";
import { CliError, EXIT } from "../errors.js";

/**
 * A pinned Dagger module reference: a host, at least owner/name (subfolders
 * allowed), then `@` and an exact version, a semver tag or a 40-hex commit.
 * Letters, digits and `._-/@` only: no shell metacharacter or space can reach
 * the generated `run:`/`script:` lines, and no `.`/`..` path segment.
 */
export const MODULE_REF =
  /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}(?:\/(?!\.{1,2}(?:\/|@))[A-Za-z0-9_.-]+){2,}@(?:v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?|[0-9a-f]{40})$/;

const EXAMPLE = "--module github.com/acme/pipeline@v1.2.0";

/**
 * The command line every wrapper step starts with, filled into `{{DAGGER_CALL}}`:
 * - with `module`: the published module, called on the user's checkout
 *   (constructor flags such as `--source` and `--git` go before the function name);
 * - without it, in this module's own repository: plain `dagger call`, which
 *   loads the dagger.json at the root (how this repository's CI runs);
 * - without it elsewhere: a usage error, since `dagger call` would find no module.
 */
export function daggerCallPrefix(outDir: string, module: string | undefined): string {
  if (module !== undefined) {
    if (!MODULE_REF.test(module)) {
      throw new CliError(
        "WRAPPERS_MODULE_INVALID",
        `--module ${JSON.stringify(module)} is not a pinned Dagger module reference (host/owner/name@version).\n` +
          `  Fix: pass the published module at an exact version (a vX.Y.Z tag or a 40-hex commit), like ${EXAMPLE}.`,
        EXIT.usage,
      );
    }
    // --git=. too: a defaultPath of a remote module is its own repository, so the history would be the module's.
    return `dagger -m ${module} call --source=. --git=.`;
  }
  const own = moduleIdentity(OWN_DAGGER_JSON);
  if (own !== undefined && moduleIdentity(join(outDir, "dagger.json")) === own) return "dagger call";
  throw new CliError(
    "WRAPPERS_MODULE_REQUIRED",
    `${outDir} is not this module's own repository (no dagger.json with ${own ?? "this module's name"}), so its CI must call the published module.\n` +
      `  Fix: pass the module's pinned reference, like ${EXAMPLE}.`,
    EXIT.usage,
  );
}

/**
 * What makes a dagger.json this module's: its name, source and include, so a
 * user's own module that happens to share the name is not taken for it (a
 * fork is). Undefined when the file is absent, unreadable or has no name.
 */
function moduleIdentity(daggerJson: string | URL): string | undefined {
  const json = readDaggerJson(daggerJson);
  if (typeof json?.name !== "string") return undefined;
  const include = Array.isArray(json["include"]) ? json["include"].join(", ") : "nothing";
  return `name "${json.name}", source ${JSON.stringify(json["source"] ?? ".")}, include ${include}`;
}
