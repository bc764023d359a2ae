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

interface Problem {
  text: string;
  fix: string;
}

/**
 * Checks that every target can be read as a file if it exists: the nearest
 * existing folder above it (`outDir`, a folder on the way, or above `outDir`)
 * is a folder, and the target itself is not one. Run before reading anything,
 * so EISDIR or ENOTDIR never escape as a bug.
 */
export function checkTargetPaths(outDir: string, targets: readonly string[]): void {
  const problems: Problem[] = [];
  for (const target of targets) {
    const file = join(outDir, target);
    const holder = nearestExisting(file);
    const holderKind = kind(holder);
    const fileKind = kind(file);
    if (holderKind === "no-access" || fileKind === "no-access") {
      const folder = holderKind === "no-access" ? dirname(holder) : holder;
      problems.push({ text: `${folder} cannot be searched (permission denied)`, fix: `make it accessible (chmod u+rx ${folder}), or pass another --out` });
    } else if (holderKind !== "directory") {
      const above = relative(outDir, holder);
      problems.push(
        above === "" || above.startsWith("..")
          ? { text: `--out ${outDir}${above === "" ? "" : `: ${holder}`} is a file, not a folder`, fix: "pass --out the repository's root folder" }
          : { text: `${holder} is a file, not a folder`, fix: `move ${holder} away, then run again` },
      );
    } else if (fileKind !== "file" && fileKind !== "missing") {
      problems.push({ text: `${file} is a folder or a special file, not a file`, fix: `move ${file} away, then run again` });
    } else if (fileKind === "file" && !allowed(file, constants.R_OK)) {
      problems.push({ text: `${file} is not readable`, fix: `make it readable (chmod u+r ${file})` });
    }
  }
  fail(problems);
}

/**
 * Checks that each file about to be written can be: an existing one is
 * writable, or else the nearest existing folder above it is (the folders
 * below are created). Run before writing the first file, so a failure never
 * leaves half a set.
 */
export function checkWritable(files: readonly string[]): void {
  const problems: Problem[] = [];
  for (const file of files) {
    if (kind(file) === "file") {
      if (!allowed(file, constants.W_OK)) problems.push({ text: `${file} is not writable`, fix: `make it writable (chmod u+w ${file}), or pass another --out` });
      continue;
    }
    const folder = nearestExisting(file);
    if (!allowed(folder, constants.W_OK | constants.X_OK)) {
      problems.push({ text: `${folder} is not writable`, fix: `make it writable (chmod u+w ${folder}), or pass another --out` });
    }
  }
  fail(problems);
}

/** The closest path above `file` that exists (a file there makes everything below it missing). */
function nearestExisting(file: string): string {
  let path = dirname(file);
  while (kind(path) === "missing" && dirname(path) !== path) path = dirname(path);
  return path;
}

function fail(problems: Problem[]): void {
  if (problems.length === 0) return;
  const texts = [...new Set(problems.map((p) => p.text))];
  const fixes = [...new Set(problems.map((p) => p.fix))];
  throw new CliError(
    "WRAPPERS_CANNOT_WRITE",
    `cannot write the CI wrappers; wrote none of them:\n${texts.map((text) => `  ${text}\n`).join("")}` +
      fixes.map((fix) => `  Fix: ${fix}.`).join("\n"),
  );
}
