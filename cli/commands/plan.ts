import { resolve } from "node:path";
import { dag } from "@dagger.io/dagger";
import { CliError, EXIT } from "../errors.js";
import { pathKind } from "../path-kind.js";
import { callArguments, type CallArg } from "../plan/call-args.js";
import { buildPlan, type Plan } from "../plan/graph.js";
import { readModuleSignature } from "../plan/module-signature.js";
import { renderPlan } from "../plan/render.js";
import type { CallRecord } from "../recording-engine/engine.js";
import { argText } from "../recording-engine/query.js";
import { recordRun } from "../recording-engine/run.js";
import { importFromRuntimeView } from "../runtime-view/load.js";

export interface PlanOptions {
  /** Function name as `dagger call` spells it (kebab-case) or as in TypeScript. */
  fn: string;
  source: string;
  json?: boolean;
  /** Function arguments by `dagger call` flag name (`tag`, `registry-token`); a Secret parameter takes only an env://, file:// or cmd:// reference. */
  args?: Record<string, string>;
}

export interface PlanResult {
  plan: Plan;
  output: string;
  /** How the function ended with every exec answering exit 0 and empty output; a failure makes `plan` exit 1. */
  outcome: { ok: true; returned: string } | { ok: false; error: string };
}

/** Runs a module function against the recording engine and describes its container graph. */
export async function planFunction(options: PlanOptions): Promise<PlanResult> {
  const root = resolve(options.source);
  if (pathKind(root) !== "directory") {
    throw new CliError("PLAN_SOURCE_NOT_FOUND", `--source ${options.source}: no such directory.\n  Fix: pass the folder of the repository to plan.`);
  }
  const signature = readModuleSignature();
  const fn = signature.functions.find((f) => f.flag === options.fn || f.name === options.fn);
  if (!fn) {
    const names = signature.functions.map((f) => f.flag).join(", ");
    throw new CliError("PLAN_UNKNOWN_FUNCTION", `unknown function "${options.fn}".\n  Fix: use one of ${names}.`, EXIT.usage);
  }
  const args = callArguments(fn, options.args ?? {});
  // The module as the runtime sees it, so what would not load on an engine does not load here.
  const { Pipeline } = await importFromRuntimeView();
  const { engine, result, error } = await recordRun(
    async () => {
      // The source as `dagger call` uploads it: what the constructor's ignore list names is left out.
      const source = dag.host().directory(root, { exclude: signature.sourceIgnore });
      const pipeline = new Pipeline(source) as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
      return describeReturn(await pipeline[fn.name]!(...args.map(toSdkValue)));
    },
    { hostRoot: root },
  );
  // By name: the view's PipelineUserError is another class than the repository's.
  if (error instanceof Error && error.name === "PipelineUserError") {
    // The module names files relative to the source it was given; say which source that was.
    throw new CliError("PLAN_INVALID_PROJECT", options.source === "." ? error.message : `${options.source}: ${error.message}`);
  }
  const plan = buildPlan(engine.records, root);
  const outcome: PlanResult["outcome"] = error
    ? { ok: false, error: String((error as Error).message ?? error) }
    : { ok: true, returned: withFiles(result ?? "", engine.records) };
  const output = options.json
    ? JSON.stringify({ function: fn.flag, source: root, ...plan, outcome }, null, 2) + "\n"
    : renderPlan(plan, `Plan of \`dagger call ${fn.flag}\` on ${options.source}`) + renderOutcome(outcome);
  return { plan, output, outcome };
}

/** A Secret parameter becomes a reference the engine would resolve; the plan never reads it. */
function toSdkValue(arg: CallArg): unknown {
  return typeof arg === "object" ? dag.secret(arg.secret) : arg;
}

async function describeReturn(value: unknown): Promise<string> {
  if (value === undefined) return "nothing (a check passes by returning)";
  if (typeof value === "string") return "a summary (string)";
  if (value && typeof value === "object" && "id" in value && typeof value.id === "function") {
    await (value as { id: () => Promise<string> }).id();
    return `a ${value.constructor.name}`;
  }
  return typeof value;
}

/** Names the files of a returned Directory or File, from the chain that built it (the last id asked for). */
function withFiles(returned: string, records: readonly CallRecord[]): string {
  if (returned !== "a Directory" && returned !== "a File") return returned;
  const built = [...records].reverse().find((r) => r.leaf === "id");
  const files = built?.steps.filter((s) => s.field === "withNewFile").map((s) => argText(s.args["path"])) ?? [];
  return files.length ? `${returned} with ${files.join(", ")}` : returned;
}

function renderOutcome(outcome: PlanResult["outcome"]): string {
  const head = "\nWith every exec answering exit code 0 and empty output, the function ";
  if (outcome.ok) return `${head}returns ${outcome.returned}.\n`;
  // Whole: the error is the function's summary, already concise, and its reasons come after the stage table.
  return `${head}fails:\n${indent(outcome.error.trimEnd())}\n`;
}

function indent(text: string): string {
  return text.replace(/^(?=.)/gm, "  ");
}
