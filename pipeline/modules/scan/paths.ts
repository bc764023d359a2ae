/**
 * Paths as reports need them: relative to the repository root, with forward
 * slashes, whatever the tool printed (an absolute container path, "./x",
 * a path relative to the project folder).
 */

/**
 * `path` as the tool printed it, run in `root` (a container folder) on the
 * project at `folder` (pipeline.yaml `workdir`, "." for the repository root).
 * Undefined for a path outside `root` (a Go module cache file, /usr/lib...):
 * no repository line to annotate.
 */
export function repositoryPath(path: string, options: { root: string; folder: string }): string | undefined {
  let p = path.replace(/\\/g, "/").trim();
  if (p === "") return undefined;
  p = p.replace(/^file:\/\//, "");
  const root = options.root.replace(/\/+$/, "");
  if (p.startsWith("/")) {
    if (p !== root && !p.startsWith(`${root}/`)) return undefined;
    p = p.slice(root.length + 1);
  }
  const parts: string[] = [];
  for (const part of p.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(part);
  }
  if (parts.length === 0) return undefined;
  const folder = normalizeFolder(options.folder);
  return folder === "" ? parts.join("/") : `${folder}/${parts.join("/")}`;
}

function normalizeFolder(folder: string): string {
  return folder
    .replace(/\\/g, "/")
    .split("/")
    .filter((part) => part !== "" && part !== ".")
    .join("/");
}

/**
 * A doublestar glob as a RegExp over repository paths: `**` spans folders,
 * `*` and `?` stay within one, `{a,b}` alternates; anything else is literal.
 */
export function globToRegExp(pattern: string): RegExp {
  let out = "";
  let depth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*" && pattern[i + 1] === "*") {
      const slash = pattern[i + 2] === "/";
      out += slash ? "(?:.*/)?" : ".*";
      i += slash ? 2 : 1;
    } else if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else if (c === "{" && pattern.indexOf("}", i) > i) {
      depth++;
      out += "(?:";
    } else if (c === "}" && depth > 0) {
      depth--;
      out += ")";
    } else if (c === "," && depth > 0) out += "|";
    else out += c.replace(/[.+^$(){}|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${out}$`);
}
