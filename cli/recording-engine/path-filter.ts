/**
 * Minimal doublestar glob: `**` spans folders, `*` and `?` stay within one,
 * `{a,b}` alternates. A comma outside braces and an unbalanced brace are
 * literal characters, so every alternation sits in a group the anchors enclose.
 */
export function globToRegExp(pattern: string): RegExp {
  const groups = braceGroups(pattern);
  const open: number[] = []; // braces of the groups we are inside
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*" && pattern[i + 1] === "*") {
      const slash = pattern[i + 2] === "/";
      out += slash ? "(?:.*/)?" : ".*";
      i += slash ? 2 : 1;
    } else if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else if (c === "{" && groups.has(i)) {
      open.push(i);
      out += "(?:";
    } else if (c === "}" && open.length && groups.get(open[open.length - 1]!) === i) {
      open.pop();
      out += ")";
    } else if (c === "," && open.length) out += "|";
    else out += c.replace(/[.+^$(){}|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${out}$`);
}

/** Opening brace index → its closing brace, for the balanced pairs only. */
function braceGroups(pattern: string): Map<number, number> {
  const groups = new Map<number, number>();
  const stack: number[] = [];
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === "{") stack.push(i);
    else if (pattern[i] === "}" && stack.length) groups.set(stack.pop()!, i);
  }
  return groups;
}

/** Whether a path (slash-separated, relative to the directory; "" is the directory itself) is part of it. */
export type PathFilter = (path: string, isDirectory: boolean) => boolean;

/**
 * The `include`/`exclude` of `host.directory(path, {...})`, with the
 * .dockerignore rules the engine applies on upload: a path is left out when it
 * or a parent folder matches an exclude pattern, unless a later `!pattern`
 * matches; with includes, only paths matching one (or under a match) are in.
 * A folder stays when a pattern that keeps something may match below it.
 */
export function pathFilter(include: readonly string[] = [], exclude: readonly string[] = []): PathFilter {
  const includes = include.map(clean);
  const excludes = exclude.map((p) => ({ negated: p.startsWith("!"), pattern: clean(p.replace(/^!/, "")) }));
  const matchers = new Map([...includes, ...excludes.map((e) => e.pattern)].map((p) => [p, globToRegExp(p)]));
  const matches = (pattern: string, lineage: readonly string[]) => lineage.some((p) => matchers.get(pattern)!.test(p));
  return (path, isDirectory) => {
    if (path === "") return true;
    const parts = path.split("/");
    const lineage = parts.map((_, i) => parts.slice(0, i + 1).join("/"));
    const below = (pattern: string) => isDirectory && mayMatchBelow(pattern, parts);
    if (includes.length && !includes.some((p) => matches(p, lineage) || below(p))) return false;
    let excluded = false;
    for (const { negated, pattern } of excludes) {
      if (matches(pattern, lineage)) excluded = !negated;
      else if (negated && below(pattern)) excluded = false;
    }
    return !excluded;
  };
}

/** Whether a pattern can match something inside the folder whose path segments are `parts`. */
function mayMatchBelow(pattern: string, parts: readonly string[]): boolean {
  const segments = pattern.split("/");
  for (let i = 0; i < parts.length; i++) {
    const segment = segments[i];
    if (segment === undefined) return false;
    if (segment.includes("**")) return true;
    if (!globToRegExp(segment).test(parts[i]!)) return false;
  }
  return segments.length > parts.length;
}

function clean(pattern: string): string {
  return pattern.replace(/^(\.?\/)+/, "").replace(/\/+$/, "");
}
