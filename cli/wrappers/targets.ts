import { accessSync, constants } from "node:fs";
import { dirname, join, relative } from "node:path";
import { CliError } from "../errors.js";
import { pathKind as kind } from "../path-kind.js";

function allowed(path: string, mode: number): boolean {
  try {
    accessSync(path, mode);
    return true;
  } catch {
    return false;
  }
}

/** Why one target cannot be written as asked, and how to fix it. */
export interface TargetProblem {
  /** The target the problem stops, as outDir joined with it. */
  file: string;
  text: string;
  fix: string;
}

/**
 * The targets that cannot be read as a file if they exist: the nearest
 * existing folder above one (`outDir`, a folder on the way, or above `outDir`)
 * is no folder, or the target itself is one. Run before reading anything,
 * so EISDIR or ENOTDIR never escape as a bug.
 */
export function targetPathProblems(outDir: string, targets: readonly string[]): TargetProblem[] {
  const problems: TargetProblem[] = [];
  for (const target of targets) {
    const file = join(outDir, target);
    const holder = nearestExisting(file);
    const holderKind = kind(holder);
    const fileKind = kind(file);
    if (holderKind === "no-access" || fileKind === "no-access") {
      const folder = holderKind === "no-access" ? dirname(holder) : holder;
      problems.push({ file, text: `${folder} cannot be searched (permission denied)`, fix: `make it accessible (chmod u+rx ${folder}), or pass another --out` });
    } else if (holderKind !== "directory") {
      const above = relative(outDir, holder);
      problems.push(
        above === "" || above.startsWith("..")
          ? { file, text: `--out ${outDir}${above === "" ? "" : `: ${holder}`} is a file, not a folder`, fix: "pass --out the repository's root folder" }
          : { file, text: `${holder} is a file, not a folder`, fix: `move ${holder} away, then run again` },
      );
    } else if (fileKind !== "file" && fileKind !== "missing") {
      problems.push({ file, text: `${file} is a folder or a special file, not a file`, fix: `move ${file} away, then run again` });
    } else if (fileKind === "file" && !allowed(file, constants.R_OK)) {
      problems.push({ file, text: `${file} is not readable`, fix: `make it readable (chmod u+r ${file})` });
    }
  }
  return problems;
}

/**
 * The files about to be written that cannot be: an existing one must be
 * writable, or else the nearest existing folder above it (the folders below
 * are created). Checked before the first write, so a failure never leaves
 * half a set.
 */
export function unwritableProblems(files: readonly string[]): TargetProblem[] {
  const problems: TargetProblem[] = [];
  for (const file of files) {
    if (kind(file) === "file") {
      if (!allowed(file, constants.W_OK)) problems.push({ file, text: `${file} is not writable`, fix: `make it writable (chmod u+w ${file}), or pass another --out` });
      continue;
    }
    const folder = nearestExisting(file);
    if (!allowed(folder, constants.W_OK | constants.X_OK)) {
      problems.push({ file, text: `${folder} is not writable`, fix: `make it writable (chmod u+w ${folder}), or pass another --out` });
    }
  }
  return problems;
}

/** The files about to be deleted that cannot be: deleting needs write access to the folder holding one. */
export function unremovableProblems(files: readonly string[]): TargetProblem[] {
  return files.flatMap((file) =>
    allowed(dirname(file), constants.W_OK | constants.X_OK)
      ? []
      : [{ file, text: `${dirname(file)} is not writable, so ${file} cannot be removed`, fix: `make it writable (chmod u+w ${dirname(file)}), or remove ${file} yourself` }],
  );
}

/** The closest path above `file` that exists (a file there makes everything below it missing). */
function nearestExisting(file: string): string {
  let path = dirname(file);
  while (kind(path) === "missing" && dirname(path) !== path) path = dirname(path);
  return path;
}

/**
 * Refuses the whole set when any target has a problem: one line per problem,
 * then each fix once. `WRAPPERS_HAND_EDITED` when hand edits are all that
 * stops it (--force would do), `WRAPPERS_CANNOT_WRITE` otherwise.
 */
export function refuseUnlessClear(problems: readonly TargetProblem[], handEdited: readonly TargetProblem[]): void {
  const all = [...problems, ...handEdited];
  if (all.length === 0) return;
  const texts = [...new Set(all.map((p) => p.text))];
  const fixes = [...new Set(all.map((p) => p.fix))];
  throw new CliError(
    problems.length === 0 ? "WRAPPERS_HAND_EDITED" : "WRAPPERS_CANNOT_WRITE",
    `cannot write the CI wrappers; wrote none of them:\n${texts.map((text) => `  ${text}\n`).join("")}` + fixes.map((fix) => `  Fix: ${fix}.`).join("\n"),
  );
}
