import { STAGE_LABEL } from "../../pipeline/modules/call-inputs.js";
import type { CallRecord } from "../recording-engine/engine.js";
import { argText, isChainRef, type ArgValue, type Step as Call } from "../recording-engine/query.js";
import type { ConcurrencyGroup, Container, Export, PlanDocument, Publish, PublishVariant, Read, SourceRead } from "./document.js";
import { execsOf } from "./exec-state.js";
import { containerEnd, contentRef, relativeTo, secretRef, type ContainerIdOf, type PlanSource } from "./refs.js";
import { describeSteps } from "./steps.js";

/** The part of a plan read off a recording: what ran where, and what ran concurrently. */
export type PlanGraph = Pick<PlanDocument, "sourceReads" | "groups" | "exports" | "publishes">;

const HOST_READ_LEAVES = new Set(["entries", "glob", "exists", "contents", "size", "name", "digest"]);

interface Run {
  chain: Call[];
  /** Waves of execs answered before the first call on it: runs first asked for in one epoch ran concurrently. */
  epoch: number;
  reads: Read[];
}

/** Builds the plan's graph from a recording of the module's calls. */
export function buildPlan(records: readonly CallRecord[], source: PlanSource): PlanGraph {
  const ordered = orderedRuns(records);
  const idOf = containerIdOf(ordered.flat());
  const stageOf = stageOfRuns(ordered.flat());
  const groups: ConcurrencyGroup[] = ordered.map((group) => ({ containers: group.map((run) => describeContainer(run, source, idOf, stageOf)) }));
  const sourceReads: SourceRead[] = [];
  const exports: Export[] = [];
  const publishes: Publish[] = [];
  for (const { object, leaf } of reads(records)) {
    if (object[0]?.field === "host") {
      if (HOST_READ_LEAVES.has(leaf.field)) sourceReads.push(hostRead(object, leaf, source.root));
      continue;
    }
    const end = containerEnd(object);
    const container = end < 0 ? undefined : object.slice(0, end + 1);
    if (leaf.field === "export") {
      exports.push({
        container: container ? (idOf(container) ?? null) : null,
        from: container ? object.slice(end + 1).map((s) => argText(s.args["path"] ?? s.field)).join("/") || null : null,
        to: argText(leaf.args["path"]),
      });
    }
    if (leaf.field === "publish" && container) publishes.push(describePublish(container, leaf, source, idOf));
  }
  return { sourceReads: unique(sourceReads), groups: withStagesOfUsers(groups), exports: unique(exports), publishes };
}

/** Each container of the plan a recording makes, by id, with the chain of calls that built it (what `--diff` keys execs by). */
export function planContainers(records: readonly CallRecord[]): { id: string; chain: Call[] }[] {
  const runs = orderedRuns(records).flat();
  const idOf = containerIdOf(runs);
  return runs.map((run) => ({ id: idOf(run.chain)!, chain: run.chain }));
}

/** The recording's reads: every call but the ones that only name an object (`id`) or ask the engine's version. */
function reads(records: readonly CallRecord[]): { object: Call[]; leaf: Call; epoch: number }[] {
  return records
    .filter((r) => r.leaf !== "id" && r.leaf !== "version")
    .map((r) => ({ object: r.steps.slice(0, -1), leaf: r.steps[r.steps.length - 1]!, epoch: r.epoch }));
}

/** The containers the function read something of, each with what it read, in concurrency groups. */
function orderedRuns(records: readonly CallRecord[]): Run[][] {
  const runs = new Map<string, Run>();
  for (const { object, leaf, epoch } of reads(records)) {
    const end = containerEnd(object);
    if (end < 0) continue;
    const chain = object.slice(0, end + 1);
    const key = JSON.stringify(chain);
    const run = runs.get(key) ?? { chain, epoch, reads: [] };
    runs.set(key, run);
    run.reads.push(describeRead(object.slice(end + 1), leaf));
  }
  return groupConcurrent([...runs.values()]);
}

/** Container ids by chain: `c1`, `c2`... in group order, as the plan names its containers. */
function containerIdOf(runs: readonly { chain: Call[] }[]): ContainerIdOf {
  const ids = new Map(runs.map((run, i) => [JSON.stringify(run.chain), `c${i + 1}`]));
  return (chain) => ids.get(JSON.stringify(chain));
}

/**
 * Runs grouped by the epoch of their first call (see the engine's waves):
 * those asked for in one epoch run concurrently. Sorted within a group by
 * their chains, so a plan does not depend on which request arrived first.
 */
function groupConcurrent(runs: Run[]): Run[][] {
  const byEpoch = new Map<number, Run[]>();
  for (const run of runs) byEpoch.set(run.epoch, [...(byEpoch.get(run.epoch) ?? []), run]);
  const stableKey = (run: Run) => JSON.stringify(run.chain);
  return [...byEpoch.entries()].sort(([a], [b]) => a - b).map(([, group]) => group.sort((a, b) => stableKey(a).localeCompare(stableKey(b))));
}

/** The label a stage put on the chain (withStageLabel), the last one set. */
function stageLabel(chain: readonly Call[]): string | undefined {
  const labels = chain.filter((s) => s.field === "withLabel" && argText(s.args["name"]) === STAGE_LABEL);
  const last = labels[labels.length - 1];
  return last ? argText(last.args["value"]) : undefined;
}

/**
 * Each run's stage: its own label; for a run with none (the installs the
 * stages share, labelled only after them), the labels of the runs built on it.
 */
function stageOfRuns(runs: readonly Run[]): (run: Run) => Pick<Container, "stage" | "sharedBy"> {
  const labelled = runs.flatMap((run) => {
    const label = stageLabel(run.chain);
    return label === undefined ? [] : [{ chain: run.chain, label }];
  });
  return (run) => {
    const own = stageLabel(run.chain);
    if (own !== undefined) return { stage: own, sharedBy: [] };
    const key = JSON.stringify(run.chain);
    const builtOn = labelled.filter((l) => l.chain.length > run.chain.length && JSON.stringify(l.chain.slice(0, run.chain.length)) === key);
    const on = [...new Set(builtOn.map((l) => l.label))].sort();
    return on.length === 1 ? { stage: on[0]!, sharedBy: [] } : { stage: null, sharedBy: on };
  };
}

/** A container no stage labels or builds on (a tool's build) belongs to the stages that copy or mount from it. */
function withStagesOfUsers(groups: ConcurrencyGroup[]): ConcurrencyGroup[] {
  const containers = groups.flatMap((g) => g.containers);
  const usedFrom = (container: Container) => new Set(container.steps.flatMap((s) => ("source" in s && s.source?.kind === "container" && s.source.container ? [s.source.container] : [])));
  const uses = containers.map((c) => ({ stages: c.stage !== null ? [c.stage] : c.sharedBy, from: usedFrom(c) }));
  for (const container of containers) {
    if (container.stage !== null || container.sharedBy.length > 0) continue;
    const stages = [...new Set(uses.filter((u) => u.from.has(container.id)).flatMap((u) => u.stages))].sort();
    if (stages.length === 1) container.stage = stages[0]!;
    else container.sharedBy = stages;
  }
  return groups;
}

function describeContainer(run: Run, source: PlanSource, idOf: ContainerIdOf, stageOf: ReturnType<typeof stageOfRuns>): Container {
  // The stage label is the container's `stage`, not a step of its own.
  const steps = describeSteps(run.chain.slice(1), source, idOf).filter((s) => !(s.op === "config" && s.call === "withLabel" && s.arguments["name"] === STAGE_LABEL));
  const from = steps.find((s) => s.op === "from");
  const platform = run.chain[0]!.args["platform"];
  return {
    id: idOf(run.chain)!,
    image: from?.op === "from" ? from.image : null,
    platform: platform === undefined ? null : argText(platform),
    ...stageOf(run),
    steps,
    execs: execsOf(steps),
    reads: unique(run.reads).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
  };
}

function describeRead(tail: readonly Call[], leaf: Call): Read {
  const path = tail.map((s) => (s.args["path"] !== undefined ? argText(s.args["path"]) : s.field)).join(" ");
  return { read: leaf.field, path: path || null };
}

function describePublish(container: readonly Call[], leaf: Call, source: PlanSource, idOf: ContainerIdOf): Publish {
  const variants = Array.isArray(leaf.args["platformVariants"]) ? (leaf.args["platformVariants"]).map((v) => describeVariant(v, source, idOf)) : [];
  return {
    address: argText(leaf.args["address"]),
    platforms: variants.map((v) => v.platform).filter((p): p is string => p !== null),
    variants,
    registryAuth: container
      .filter((s) => s.field === "withRegistryAuth")
      .map((s) => ({ address: argText(s.args["address"]), username: argText(s.args["username"]), secret: secretRef(s.args["secret"]) })),
  };
}

function describeVariant(value: ArgValue, source: PlanSource, idOf: ContainerIdOf): PublishVariant {
  const steps = isChainRef(value) ? value.$chain : [];
  const build = steps.findIndex((s) => s.field === "dockerBuild");
  if (build >= 0) {
    const a = steps[build]!.args;
    const buildArgs = Array.isArray(a["buildArgs"]) ? (a["buildArgs"]) : [];
    return {
      kind: "dockerfile",
      platform: a["platform"] === undefined ? null : argText(a["platform"]),
      context: contentRef({ $chain: steps.slice(0, build) }, source, idOf),
      dockerfile: a["dockerfile"] === undefined ? "Dockerfile" : argText(a["dockerfile"]),
      buildArgs: buildArgs.map((b) => {
        const pair = (b ?? {}) as Record<string, ArgValue>;
        return { name: argText(pair["name"]), value: argText(pair["value"]) };
      }),
    };
  }
  const platform = steps[0]?.args["platform"];
  return { kind: "container", platform: platform === undefined ? null : argText(platform), container: idOf(steps.slice(0, containerEnd(steps) + 1)) ?? null };
}

function hostRead(object: readonly Call[], leaf: Call, root: string): SourceRead {
  const path = object.slice(1).map((s) => argText(s.args["path"] ?? "")).join("/");
  const argument = leaf.args["path"] ?? leaf.args["pattern"];
  return { read: leaf.field, path: relativeTo(path, root) ?? path, ...(argument !== undefined ? { argument: argText(argument) } : {}) };
}

function unique<T>(values: T[]): T[] {
  const seen = new Set<string>();
  return values.filter((value) => {
    const key = JSON.stringify(value);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
