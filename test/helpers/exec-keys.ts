import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { CallRecord } from "../../cli/recording-engine/engine.js";
import { pathFilter } from "../../cli/recording-engine/path-filter.js";
import { argText, isChainRef, type ArgValue, type Step } from "../../cli/recording-engine/query.js";

/**
 * The cache key of every exec a recorded run made, as the Dagger engine
 * derives it: the exec's whole container chain, where each host directory or
 * file is its content rather than its path. A directory counts as the files
 * the chain lets through: the upload's include/exclude, `directory(path)`,
 * `filter(...)` and the copy's own include/exclude. So two copies of a project
 * get the same keys exactly when every exec would be a cache hit.
 */
export function execKeys(records: readonly CallRecord[]): string[] {
  const keys = new Set<string>();
  for (const { steps } of records) {
    steps.forEach((step, i) => {
      if (step.field === "withExec") keys.add(JSON.stringify(contentSteps(steps.slice(0, i + 1))));
    });
  }
  return [...keys].sort();
}

function contentSteps(steps: readonly Step[]): Step[] {
  return steps.map((step) => ({
    field: step.field,
    args: Object.fromEntries(Object.entries(step.args).map(([name, value]) => [name, contentOf(value, step)])),
  }));
}

function contentOf(value: ArgValue, step: Step): ArgValue {
  if (isChainRef(value)) {
    const chain = value.$chain;
    if (chain[0]?.field !== "host") return { $chain: contentSteps(chain) };
    const files = visibleFiles(chain);
    // withDirectory's include/exclude narrow what it copies.
    const keep = pathFilter(strings(step.args["include"]), strings(step.args["exclude"]));
    return { $content: digest([...files].filter(([path]) => path === "" || keep(path, false))) };
  }
  if (Array.isArray(value)) return value.map((v) => contentOf(v, step));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, contentOf(v, step)]));
  return value;
}

/** Files (relative path → contents) a host-rooted chain holds; a single file is keyed "". */
function visibleFiles(chain: readonly Step[]): Map<string, Buffer> {
  const [, start, ...rest] = chain;
  const root = argText(start!.args["path"]);
  if (start!.field === "file") return new Map([["", readFileSync(root)]]);
  const uploaded = pathFilter(strings(start!.args["include"]), strings(start!.args["exclude"]));
  let files = new Map(walk(root).filter((path) => uploaded(path, false)).map((path) => [path, readFileSync(join(root, path))]));
  for (const step of rest) {
    const path = argText(step.args["path"]).replace(/^\.\/?|\/$/g, "");
    if (step.field === "directory") {
      const prefix = path === "" ? "" : `${path}/`;
      files = new Map([...files].filter(([p]) => p.startsWith(prefix)).map(([p, data]) => [p.slice(prefix.length), data]));
    } else if (step.field === "filter") {
      const keep = pathFilter(strings(step.args["include"]), strings(step.args["exclude"]));
      files = new Map([...files].filter(([p]) => keep(p, false)));
    } else if (step.field === "file") {
      const data = files.get(path);
      if (data === undefined) throw new Error(`exec keys: ${path} is not in ${root}`);
      files = new Map([["", data]]);
    } else {
      // A step this model does not know would make keys that agree by accident: refuse instead.
      throw new Error(`exec keys: cannot follow ${step.field}(...) on a host directory`);
    }
  }
  return files;
}

function walk(root: string, dir = ""): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = dir === "" ? entry.name : `${dir}/${entry.name}`;
    return entry.isDirectory() ? walk(root, path) : [path];
  });
}

function digest(files: readonly [string, Buffer][]): string {
  const hash = createHash("sha256");
  for (const [path, data] of [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    hash.update(`${path}\0${createHash("sha256").update(data).digest("hex")}\0`);
  }
  return `sha256:${hash.digest("hex")}`;
}

function strings(value: ArgValue | undefined): string[] {
  return Array.isArray(value) ? value.map((v) => argText(v)) : [];
}
