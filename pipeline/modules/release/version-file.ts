/**
 * The project's own version, read from the file its ecosystem keeps it in,
 * so a tag can be checked against it before anything is built. Pure: the
 * caller reads the files.
 */

export const VERSION_FILES = ["package.json", "pyproject.toml", "VERSION"] as const;

export class VersionFileError extends Error {
  override readonly name = "VersionFileError";
  readonly code = "RELEASE_VERSION_MISMATCH";
}

/** The version a file declares; `undefined` when it declares none (a pyproject with a dynamic version). */
export function readDeclaredVersion(path: string, text: string): string | undefined {
  const base = path.slice(path.lastIndexOf("/") + 1);
  if (base === "package.json") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new VersionFileError(`${path} is not valid JSON (${(error as Error).message}).\n  Fix: repair ${path}; its version is checked against the release tag.`);
    }
    const version = (parsed as { version?: unknown } | null)?.version;
    return typeof version === "string" ? version : undefined;
  }
  if (base === "pyproject.toml") return pyprojectVersion(text);
  return text.split(/\r?\n/).map((l) => l.trim()).find((l) => l !== "" && !l.startsWith("#"))?.replace(/^v/, "");
}

/** `version = "..."` in pyproject.toml's [project] table (PEP 621), or [tool.poetry] for Poetry projects. */
export function pyprojectVersion(text: string): string | undefined {
  let table = "";
  const found: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s+#.*$/, "").trim();
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      table = header[1]!.trim();
      continue;
    }
    const match = /^version\s*=\s*(?:"([^"]*)"|'([^']*)')$/.exec(line);
    if (match && (table === "project" || table === "tool.poetry")) found[table] ??= match[1] ?? match[2]!;
  }
  return found["project"] ?? found["tool.poetry"];
}

/**
 * Refuses a tag whose version differs from the project's. Python versions
 * are compared by PEP 440's normal form of the prerelease (1.2.0rc1 is
 * v1.2.0-rc.1), since a pyproject cannot hold SemVer's spelling.
 */
export function checkTagAgainstVersion(tagVersion: string, path: string, declared: string | undefined): void {
  if (declared === undefined) return;
  const python = path.endsWith("pyproject.toml");
  if (normalize(declared, python) === normalize(tagVersion, python)) return;
  throw new VersionFileError(
    `the tag says ${tagVersion} but ${path} says ${declared}.\n` +
      `  Fix: set the version in ${path} to ${python ? pep440(tagVersion) : tagVersion} and commit it before tagging, or tag v${declared.replace(/^v/, "")}.`,
  );
}

function normalize(version: string, python: boolean): string {
  const v = version.trim().replace(/^v/, "").replace(/\+.*$/, "");
  return python ? pep440(v) : v;
}

/** SemVer `1.2.0-rc.1` as PEP 440 `1.2.0rc1` (a, b, rc, dev, post; other prereleases unchanged). */
export function pep440(version: string): string {
  const match = /^(\d+\.\d+\.\d+)(?:[-.]?(alpha|a|beta|b|rc|c|dev|post)[.-]?(\d+)?)?$/i.exec(version.trim());
  if (!match) return version.trim().toLowerCase();
  const [, core, label, n] = match;
  if (!label) return core!;
  const short = { alpha: "a", a: "a", beta: "b", b: "b", rc: "rc", c: "rc", dev: ".dev", post: ".post" }[label.toLowerCase()]!;
  return `${core}${short}${n ?? "0"}`;
}
