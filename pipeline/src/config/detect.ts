import type { Language } from "./schema.js";

/** Marker files, in precedence order: a Go service with a package.json for tooling is still Go. */
const MARKERS: ReadonlyArray<{ file: string; language: Language }> = [
  { file: "go.mod", language: "go" },
  { file: "pyproject.toml", language: "python" },
  { file: "requirements.txt", language: "python" },
  { file: "setup.py", language: "python" },
  { file: "package.json", language: "node" },
];

/** Detects the project language from the names of the files at its root. */
export function detectLanguage(rootEntries: readonly string[]): Language | undefined {
  const names = new Set(rootEntries.map((e) => e.replace(/\/$/, "")));
  return MARKERS.find((m) => names.has(m.file))?.language;
}

export const LANGUAGE_MARKERS: readonly string[] = MARKERS.map((m) => m.file);

/** The manifest a toolchain cannot run without: go.mod for Go, package.json for Node (Python can run bare). */
export const REQUIRED_MANIFEST: Readonly<Partial<Record<Language, string>>> = { go: "go.mod", node: "package.json" };
