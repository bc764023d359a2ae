import type { CallRecord } from "../recording-engine/engine.js";
import { argText, isChainRef, type ArgValue, type Step } from "../recording-engine/query.js";

/** One operation of a container's chain, in the order the module applied it. */
export interface PlanOp {
  op: "from" | "workdir" | "user" | "env" | "secret" | "cache" | "mount" | "copy" | "file" | "exec" | "other";
  /** Human-readable; never contains a secret value or an env value. */
  text: string;
}

/** A container the function made the engine evaluate, with everything read from it. */
export interface PlanRun {
  image: string | undefined;
  ops: PlanOp[];
  /** What was read once it ran: exitCode, stdout, files, exports... */
  reads: string[];
}

export interface PlanGroup {
  /** Runs the function asked for together: none waited for another's answer. */
  runs: PlanRun[];
}

export interface Plan {
  /** Reads of the host source (listing, pipeline.yaml, baselines). */
  sourceReads: string[];
  groups: PlanGroup[];
  exports: string[];
  publishes: string[];
}

const HOST_READ_LEAVES = new Set(["entries", "glob", "exists", "contents", "size", "name", "digest"]);

/** Builds the plan from a recording: what ran, in which container, and what ran concurrently. */
export function buildPlan(records: readonly CallRecord[], sourceRoot: string): Plan {
  const sourceReads: string[] = [];
  const exports: string[] = [];
  const publishes: string[] = [];
  const runs = new Map<string, { run: PlanRun; epoch: number }>();

  for (const record of records) {
    if (record.leaf === "id" || record.leaf === "version") continue;
    const object = record.steps.slice(0, -1);
    const leaf = record.steps[record.steps.length - 1]!;
    if (object[0]?.field === "host") {
      if (HOST_READ_LEAVES.has(leaf.field)) sourceReads.push(describeHostRead(object, leaf, sourceRoot));
      continue;
    }
    const containerEnd = lastContainerIndex(object);
    if (containerEnd < 0) continue;
    const container = object.slice(0, containerEnd + 1);
    const key = JSON.stringify(container);
    let entry = runs.get(key);
    if (!entry) {
      entry = { run: describeContainer(container, sourceRoot), epoch: record.epoch };
      runs.set(key, entry);
    }
    const read = describeRead(object.slice(containerEnd + 1), leaf);
    if (!entry.run.reads.includes(read)) entry.run.reads.push(read);
    if (leaf.field === "export") exports.push(argText(leaf.args["path"]));
    if (leaf.field === "publish") publishes.push(argText(leaf.args["address"]));
  }

  return { sourceReads: unique(sourceReads), groups: groupConcurrent([...runs.values()]), exports, publishes };
}

/**
 * Containers grouped by the epoch of their first call (see the engine's
 * waves): those asked for in one epoch run concurrently. Sorted for a stable output.
 */
function groupConcurrent(entries: { run: PlanRun; epoch: number }[]): PlanGroup[] {
  const byEpoch = new Map<number, PlanRun[]>();
  for (const { run, epoch } of entries) byEpoch.set(epoch, [...(byEpoch.get(epoch) ?? []), run]);
  const stableKey = (run: PlanRun) => JSON.stringify(run.ops);
  return [...byEpoch.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, runs]) => ({ runs: runs.sort((a, b) => stableKey(a).localeCompare(stableKey(b))) }));
}

/** A container chain ends where a step stops returning a Container (file, directory, stdout...). */
function lastContainerIndex(steps: readonly Step[]): number {
  if (steps[0]?.field !== "container") return -1;
  let last = 0;
  for (let i = 1; i < steps.length; i++) {
    if (!CONTAINER_STEPS.has(steps[i]!.field)) break;
    last = i;
  }
  return last;
}

const CONTAINER_STEPS = new Set([
  "from", "withExec", "withWorkdir", "withUser", "withEnvVariable", "withoutEnvVariable", "withSecretVariable",
  "withMountedCache", "withMountedDirectory", "withMountedFile", "withMountedSecret", "withMountedTemp",
  "withDirectory", "withFile", "withNewFile", "withLabel", "withExposedPort", "withEntrypoint",
  "withDefaultArgs", "withoutDirectory", "withoutFile", "withServiceBinding", "withRegistryAuth", "sync",
]);

function describeContainer(steps: readonly Step[], root: string): PlanRun {
  const ops: PlanOp[] = [];
  let image: string | undefined;
  for (const step of steps.slice(1)) {
    const a = step.args;
    switch (step.field) {
      case "from":
        image = argText(a["address"]);
        ops.push({ op: "from", text: image });
        break;
      case "withWorkdir":
        ops.push({ op: "workdir", text: argText(a["path"]) });
        break;
      case "withUser":
        ops.push({ op: "user", text: argText(a["name"]) });
        break;
      case "withEnvVariable":
        // Names only: values may be derived from user input and are not the plan's business.
        ops.push({ op: "env", text: argText(a["name"]) });
        break;
      case "withSecretVariable":
        ops.push({ op: "secret", text: `${argText(a["name"])} ← ${describeRef(a["secret"], root)}` });
        break;
      case "withMountedSecret":
        ops.push({ op: "secret", text: `${argText(a["path"])} ← ${describeRef(a["source"], root)}` });
        break;
      case "withMountedCache":
        ops.push({ op: "cache", text: `${argText(a["path"])} ← ${describeRef(a["cache"], root)}` });
        break;
      case "withMountedDirectory":
      case "withMountedFile":
        ops.push({ op: "mount", text: `${argText(a["path"])} ← ${describeRef(a["source"], root)}${filters(a)}` });
        break;
      case "withDirectory":
        ops.push({ op: "copy", text: `${argText(a["path"])} ← ${describeRef(a["source"] ?? a["directory"], root)}${filters(a)}` });
        break;
      case "withFile":
        ops.push({ op: "copy", text: `${argText(a["path"])} ← ${describeRef(a["source"], root)}` });
        break;
      case "withNewFile":
        ops.push({ op: "file", text: argText(a["path"]) });
        break;
      case "withExec":
        ops.push({ op: "exec", text: formatArgv(a["args"] as string[]) + (a["expect"] === "ANY" ? "  (exit code read, not thrown)" : "") });
        break;
      case "withRegistryAuth":
        ops.push({ op: "secret", text: `registry ${argText(a["address"])} as ${argText(a["username"])} ← ${describeRef(a["secret"], root)}` });
        break;
      case "sync":
        break;
      default:
        ops.push({ op: "other", text: step.field });
    }
  }
  return { image, ops, reads: [] };
}

function describeRead(tail: readonly Step[], leaf: Step): string {
  const target = tail.map((s) => (s.args["path"] !== undefined ? argText(s.args["path"]) : s.field)).join(" ");
  const what =
    leaf.field === "export"
      ? `export → ${argText(leaf.args["path"])}`
      : leaf.field === "publish"
        ? `publish → ${argText(leaf.args["address"])}${platformsOf(leaf.args["platformVariants"])}`
        : leaf.field;
  return target ? `${what} ${target}` : what;
}

function platformsOf(variants: ArgValue | undefined): string {
  if (!Array.isArray(variants) || variants.length === 0) return "";
  const platforms = variants.map((v) => (isChainRef(v) ? v.$chain.find((s) => s.args["platform"])?.args["platform"] : undefined));
  return ` (${variants.length} platforms: ${platforms.map(String).join(", ")})`;
}

function describeHostRead(object: readonly Step[], leaf: Step, root: string): string {
  const path = object
    .slice(1)
    .map((s) => argText(s.args["path"] ?? ""))
    .join("/");
  const arg = leaf.args["path"] ?? leaf.args["pattern"];
  return `${leaf.field} ${relativeTo(path, root)}${arg !== undefined ? ` ${argText(arg)}` : ""}`;
}

/** Names an object passed by ID: a host folder, a cache volume, a secret (by name only), a built directory. */
function describeRef(value: ArgValue | undefined, root: string): string {
  if (!isChainRef(value)) return argText(value);
  const steps = value.$chain;
  const first = steps[0];
  if (!first) return "?";
  if (first.field === "cacheVolume") return `cache volume "${argText(first.args["key"])}"`;
  if (first.field === "setSecret") return `secret "${argText(first.args["name"])}"`;
  // An env var or file name is not secret; a cmd:// command line may be.
  if (first.field === "secret") return `secret ${argText(first.args["uri"]).replace(/^cmd:\/\/.*/, "cmd://…")}`;
  if (first.field === "host") {
    const path = steps.slice(1).filter((s) => s.field !== "filter").map((s) => argText(s.args["path"] ?? "")).join("/");
    // A filtered source says what it leaves out (the first patterns: pipeline.yaml's toolInputs lists them all).
    const filtered = steps.filter((s) => s.field === "filter").map((s) => ` (${["include", "exclude"].flatMap((key) => patternList(key, s.args[key])).join("; ")})`);
    return `source:${relativeTo(path, root)}${filtered.join("")}`;
  }
  if (first.field === "directory") return `directory {${steps.slice(1).map((s) => argText(s.args["path"] ?? s.field)).join(", ")}}`;
  if (first.field === "container") {
    const image = steps.find((s) => s.field === "from")?.args["address"];
    const last = steps[steps.length - 1]!;
    return `${argText(last.args["path"] ?? last.field)} of container(${argText(image ?? "scratch")})`;
  }
  return steps.map((s) => s.field).join(".");
}

function patternList(key: string, value: ArgValue | undefined, shown = 3): string[] {
  if (!Array.isArray(value) || value.length === 0) return [];
  const patterns = value.map((v) => argText(v));
  const more = patterns.length > shown ? ` and ${patterns.length - shown} more` : "";
  return [`${key} ${patterns.slice(0, shown).join(", ")}${more}`];
}

function filters(args: Record<string, ArgValue>): string {
  const parts: string[] = [];
  if (Array.isArray(args["include"])) parts.push(`include ${(args["include"] as string[]).join(", ")}`);
  if (Array.isArray(args["exclude"])) parts.push(`exclude ${(args["exclude"] as string[]).join(", ")}`);
  if (args["owner"]) parts.push(`owner ${argText(args["owner"])}`);
  return parts.length ? ` [${parts.join("; ")}]` : "";
}

function relativeTo(path: string, root: string): string {
  const normalized = path.replace(/\/+/g, "/").replace(/\/$/, "");
  if (normalized === root) return ".";
  return normalized.startsWith(`${root}/`) ? normalized.slice(root.length + 1) : normalized;
}

/** Quotes arguments that a reader would otherwise misread (spaces, glob or regex characters). */
function formatArgv(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(" ");
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
