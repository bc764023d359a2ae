import { readdirSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { REQUIRED_MANIFEST } from "../../pipeline/src/config/detect.js";
import type { Language } from "../../pipeline/src/config/schema.js";
import { CliError } from "../errors.js";

/**
 * What init says of a project its toolchain could not run yet: Go code with
 * no go.mod, Node code with no package.json. A pipeline.yaml naming the
 * language would not help (`pipeline plan` and `dagger call ci` refuse a
 * language whose manifest is missing), so the fix is the command that
 * creates the manifest, runnable as printed.
 */

const SOURCE_EXTENSIONS: Readonly<Record<Language, readonly string[]>> = {
  go: [".go"],
  node: [".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".jsx", ".tsx"],
  python: [".py"],
};

/** Folders that hold others' code or none: their files say nothing of the project's language. */
const NOT_THE_PROJECT = new Set(["node_modules", "vendor", ".git", "dist", "build", ".venv", "venv"]);

/** How deep and how much of the tree is read for its source files: enough for cmd/<name>/main.go, little time on a large tree. */
const SCAN_DEPTH = 3;
const SCAN_FILES = 2000;

/** The language most of the source files down to SCAN_DEPTH are written in, if any. */
export function languageOfSources(dir: string): Language | undefined {
  const names: string[] = [];
  let folders: { path: string; depth: number }[] = [{ path: dir, depth: 1 }];
  while (folders.length > 0 && names.length < SCAN_FILES) {
    const { path, depth } = folders.shift()!;
    let entries;
    try {
      entries = readdirSync(path, { withFileTypes: true });
    } catch {
      // A folder this user cannot list only leaves its files uncounted.
      continue;
    }
    for (const entry of entries) {
      if (entry.isFile()) names.push(entry.name);
      else if (entry.isDirectory() && depth < SCAN_DEPTH && !NOT_THE_PROJECT.has(entry.name) && !entry.name.startsWith(".")) {
        folders = [...folders, { path: join(path, entry.name), depth: depth + 1 }];
      }
    }
  }
  const counts = (Object.keys(SOURCE_EXTENSIONS) as Language[]).map((language) => ({
    language,
    files: names.filter((name) => SOURCE_EXTENSIONS[language].some((ext) => name.endsWith(ext))).length,
  }));
  // Ties go to the first, in the markers' precedence (Go before Node), as detection does.
  const best = counts.reduce((a, b) => (b.files > a.files ? b : a));
  return best.files > 0 ? best.language : undefined;
}

/** The refusal for `language` in `dir` when its required manifest is missing; undefined when it has one or needs none. */
export function missingManifest(dir: string, language: Language, entries: readonly string[], given: "--language" | "sources"): CliError | undefined {
  const manifest = REQUIRED_MANIFEST[language];
  if (!manifest || entries.includes(manifest)) return undefined;
  const why = given === "--language" ? `--language ${language}, but ${dir} has no ${manifest}` : `${dir} holds ${LANGUAGE_NAME[language]} code but no ${manifest}`;
  return new CliError(
    "INIT_NO_MANIFEST",
    `${why}: the ${LANGUAGE_NAME[language]} toolchain needs one, so \`pipeline plan\` and \`dagger call ci\` would refuse this project.\n` +
      `  Fix: run \`${createCommand(dir, language)}\`${language === "go" ? " (any module path will do; your repository's is usual)" : ""}, then pipeline init again.`,
  );
}

const LANGUAGE_NAME: Readonly<Record<Language, string>> = { go: "Go", node: "Node", python: "Python" };

/** The shell line that writes the manifest in `dir`, as a user would paste it. */
function createCommand(dir: string, language: Language): string {
  const command = language === "go" ? `go mod init example.com/${modulePathElement(basename(resolve(dir)))}` : "npm init -y";
  return resolve(dir) === process.cwd() ? command : `cd ${shellWord(dir)} && ${command}`;
}

/** A folder name as a Go module path element: lower-case letters, digits, `-`, `.`, `_`; never empty. */
function modulePathElement(name: string): string {
  const element = name.toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[-.]+|[-.]+$/g, "");
  return element || "app";
}

function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}
