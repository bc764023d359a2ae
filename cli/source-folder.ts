import { resolve } from "node:path";
import { CliError, EXIT } from "./errors.js";
import { pathKind } from "./path-kind.js";

/**
 * The `--source` folder, absolute. Anything else (a file, a missing path, a
 * folder this user cannot read) is a usage error naming what is there, so a
 * typo fails before a plan or an engine session starts. `use` ends the fix:
 * "pass the folder of the repository to <use>".
 */
export function sourceFolder(source: string, use: string): string {
  const root = resolve(source);
  const kind = pathKind(root);
  if (kind === "directory") return root;
  const what = kind === "missing" ? "no such directory" : kind === "file" ? "a file, not a directory" : "not a directory this user can read";
  throw new CliError("SOURCE_NOT_A_DIRECTORY", `--source ${source}: ${what}.\n  Fix: pass the folder of the repository to ${use}.`, EXIT.usage);
}
