import type { CallRecord } from "../../recording-engine/engine.js";
import { argText, isChainRef, type ArgValue, type Step as Call } from "../../recording-engine/query.js";
import { planContainers } from "../graph.js";
import type { CacheInputs, InputKind, StepInput } from "./cache-inputs.js";

/** Why an exec's cache key changed: one input, named as a reader would look for it. */
export interface Cause {
  /** `argument`: the exec's own argv; the other kinds are an earlier step's (an `exec` one: an earlier exec's argv). */
  input: InputKind;
  /** The step it belongs to, e.g. `copy to /src`, `env GOFLAGS`. */
  step: string;
  change: "added" | "removed" | "modified";
  /** The file, for `file` causes (relative to the folder copied or mounted). */
  path?: string;
  before?: string;
  after?: string;
}

export interface ExecChange {
  /** The plan's containers (`plan --json` ids) this exec is part of; execs they share run once. */
  containers: string[];
  image: string | null;
  argv: string[];
  /** `cached`: a base exec has the same key; `reruns`: its key changed, for `causes`; `new`: no exec like it in the base. */
  status: "cached" | "reruns" | "new";
  causes: Cause[];
}

/** An exec of a plan: its chain (up to it) and what keys it. */
interface PlannedExec {
  chain: Call[];
  inputs: StepInput[];
  key: string;
}

/**
 * Compares the execs of two recordings of the same function (the base: the
 * source at a commit or another folder; the head: the source now), each with
 * its own source's inputs: every head exec is cached, re-runs (with the
 * inputs that changed its cache key) or is new; base execs with no head
 * counterpart are returned as removed.
 */
export function compareExecs(
  base: { records: readonly CallRecord[]; inputs: CacheInputs },
  head: { records: readonly CallRecord[]; inputs: CacheInputs },
): { execs: ExecChange[]; removed: { image: string | null; argv: string[] }[] } {
  const baseExecs = plannedExecs(base.records, base.inputs);
  const headExecs = plannedExecs(head.records, head.inputs);
  const baseKeys = new Set(baseExecs.map((e) => e.key));
  const counterparts = matchCounterparts(headExecs, baseExecs);
  const matchedBase = new Set(counterparts.values());
  const containers = planContainers(head.records);
  const changes = headExecs.map((exec): ExecChange => {
    const counterpart = counterparts.get(exec);
    const status = baseKeys.has(exec.key) ? "cached" : counterpart ? "reruns" : "new";
    return {
      containers: containers.filter((c) => startsWith(c.chain, exec.chain)).map((c) => c.id),
      image: imageOf(exec.chain),
      argv: argvOf(exec.chain),
      status,
      causes: status === "reruns" ? causes(counterpart!.inputs, exec.inputs) : [],
    };
  });
  // In the plan's container order, so a diff reads like the plan (and does not depend on which request came first).
  const order = (e: { containers: string[]; argv: string[] }) => [Number(e.containers[0]?.slice(1) ?? Infinity), e.argv.join(" ")] as const;
  const byOrder = (a: ExecChange | { containers: string[]; argv: string[] }, b: typeof a) => {
    const [[ca, aa], [cb, ab]] = [order(a), order(b)];
    return ca - cb || aa.localeCompare(ab);
  };
  const removed = baseExecs.filter((e) => !matchedBase.has(e)).map((e) => ({ containers: [], image: imageOf(e.chain), argv: argvOf(e.chain) })).sort(byOrder);
  return { execs: changes.sort(byOrder), removed: removed.map(({ image, argv }) => ({ image, argv })) };
}

/** Every exec a recording ran, once each, in the order they were asked for: the container chains up to each `withExec`, referenced chains included. */
function plannedExecs(records: readonly CallRecord[], inputs: CacheInputs): PlannedExec[] {
  const seen = new Map<string, Call[]>();
  const visit = (steps: readonly Call[]) => {
    steps.forEach((step, i) => {
      for (const ref of refsIn(step.args)) visit(ref);
      if (step.field === "withExec" && steps[0]?.field === "container") {
        const chain = steps.slice(0, i + 1);
        const key = JSON.stringify(chain);
        if (!seen.has(key)) seen.set(key, chain);
      }
    });
  };
  for (const record of records) visit(record.steps);
  return [...seen.values()].map((chain) => ({ chain, inputs: inputs.inputsOf(chain), key: inputs.keyOf(chain) }));
}

/**
 * Each head exec's base counterpart, one each: first, for every exec, the
 * same step of the pipeline (the same slots: the same calls, whatever their
 * values); only then, for those left, an exec of the same program. So a new
 * step (the history's secret scan beside the tree's) never takes the
 * counterpart of a step that is still there.
 */
function matchCounterparts(execs: readonly PlannedExec[], baseExecs: readonly PlannedExec[]): Map<PlannedExec, PlannedExec> {
  const slots = (e: PlannedExec) => e.inputs.map((i) => i.slot).join("\n");
  const program = (e: PlannedExec) => e.inputs[e.inputs.length - 1]?.slot;
  const sameStep = (a: PlannedExec, b: PlannedExec) => slots(a) === slots(b);
  const sameProgram = (a: PlannedExec, b: PlannedExec) => program(a) === program(b);
  const candidates = new Set(baseExecs);
  const matched = new Map<PlannedExec, PlannedExec>();
  for (const matches of [sameStep, sameProgram]) {
    for (const exec of execs) {
      if (matched.has(exec)) continue;
      const counterpart = mostAlike(exec, [...candidates].filter((c) => matches(c, exec)));
      if (!counterpart) continue;
      matched.set(exec, counterpart);
      candidates.delete(counterpart);
    }
  }
  return matched;
}

/** The candidate with the most inputs alike (the same slot, the same value, at the same place). */
function mostAlike(exec: PlannedExec, pool: PlannedExec[]): PlannedExec | undefined {
  const alike = (e: PlannedExec) => e.inputs.filter((input, i) => exec.inputs[i]?.slot === input.slot && exec.inputs[i]?.value === input.value).length;
  return pool.sort((a, b) => alike(b) - alike(a))[0];
}

/** The inputs that differ, aligned by slot; the exec's own argv is its `argument`. */
function causes(before: readonly StepInput[], after: readonly StepInput[]): Cause[] {
  const old = new Map(before.map((input) => [input.slot, input]));
  const found: Cause[] = [];
  after.forEach((input, i) => {
    const own = i === after.length - 1;
    const kind: InputKind = own && input.kind === "exec" ? "argument" : input.kind;
    const previous = old.get(input.slot);
    old.delete(input.slot);
    if (!previous) {
      // A copy of the source that is new (a checkout's .git) names the files it brings.
      const files = input.files ? fileCauses(input.label, new Map(), input.files) : [];
      found.push(...(files.length ? files : [{ input: stepKind(kind), step: input.label, change: "added" as const, ...shown(undefined, input) }]));
      return;
    }
    if (input.files && previous.files) found.push(...fileCauses(input.label, previous.files, input.files));
    if (previous.value !== input.value) found.push({ input: stepKind(kind), step: input.label, change: "modified", ...shown(previous, input) });
  });
  for (const input of old.values()) {
    const files = input.files ? fileCauses(input.label, input.files, new Map()) : [];
    found.push(...(files.length ? files : [{ input: stepKind(input.kind), step: input.label, change: "removed" as const, ...shown(input, undefined) }]));
  }
  // One cause once: two copies to one path (the manifests, then the whole source) see the same file change.
  return found.filter((cause, i) => found.findIndex((other) => JSON.stringify(other) === JSON.stringify(cause)) === i);
}

/** A `file` cause always names its file: a change to a copy itself (its filters, its owner; one with no files) is its step's. */
function stepKind(kind: InputKind): InputKind {
  return kind === "file" ? "step" : kind;
}

function fileCauses(step: string, before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): Cause[] {
  const changes: Cause[] = [];
  for (const [path, digest] of after) {
    const was = before.get(path);
    if (was !== digest) changes.push({ input: "file", step, change: was === undefined ? "added" : "modified", path });
  }
  for (const path of before.keys()) if (!after.has(path)) changes.push({ input: "file", step, change: "removed", path });
  return changes.sort((a, b) => a.path!.localeCompare(b.path!));
}

/** The values to show either side of a change; nothing for inputs that show no value (file contents). */
function shown(before: StepInput | undefined, after: StepInput | undefined): Pick<Cause, "before" | "after"> {
  const show = (input: StepInput | undefined) => (input && input.shown !== "" ? input.shown : undefined);
  const [b, a] = [show(before), show(after)];
  return { ...(b !== undefined ? { before: b } : {}), ...(a !== undefined ? { after: a } : {}) };
}

function startsWith(chain: readonly Call[], prefix: readonly Call[]): boolean {
  return prefix.length <= chain.length && JSON.stringify(chain.slice(0, prefix.length)) === JSON.stringify(prefix);
}

function imageOf(chain: readonly Call[]): string | null {
  const from = chain.find((s) => s.field === "from");
  return from ? argText(from.args["address"]) : null;
}

function argvOf(chain: readonly Call[]): string[] {
  return (chain[chain.length - 1]!.args["args"] as ArgValue[]).map((v) => argText(v));
}

function refsIn(args: Record<string, ArgValue>): Call[][] {
  const found: Call[][] = [];
  const visit = (value: ArgValue) => {
    if (isChainRef(value)) found.push(value.$chain);
    else if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === "object") Object.values(value).forEach(visit);
  };
  Object.values(args).forEach(visit);
  return found;
}
