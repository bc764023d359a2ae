import { join } from "node:path";
import { Container, dag, Directory, File } from "@dagger.io/dagger";
import { CliError } from "../errors.js";
import { loadModule, moduleSignature } from "../module/current.js";
import { findFunction } from "../module/find-function.js";
import type { ModuleParam } from "../module/signature.js";
import { callArguments, type CallArg } from "../plan/call-args.js";
import { PLAN_SCHEMA_VERSION, type PlanDocument } from "../plan/document.js";
import { buildPlan } from "../plan/graph.js";
import { skippedStages } from "../plan/skipped-stages.js";
import type { CallRecord, Execution } from "../recording-engine/engine.js";
import { argText } from "../recording-engine/query.js";
import { recordRun } from "../recording-engine/run.js";
import { testsRan } from "../recording-engine/tests-ran.js";
import { sourceFolder } from "../source-folder.js";

export interface PlanOptions {
  /** Function name as `dagger call` spells it (kebab-case) or as in TypeScript. */
  fn: string;
  source: string;
  /**
   * Arguments by flag (`tag`, `registry-token`) or parameter name, as given on
   * the command line: a Secret parameter takes only an env://, file:// or cmd:// reference.
   */
  args?: Record<string, string>;
  /**
   * Simulated run time of every exec, in ms: concurrency then shows in wall
   * time (the benchmark's measure). Without it, execs are answered in waves
   * (recording-engine/waves.ts), which is what the plan's groups read.
   */
  execLatencyMs?: number;
  /**
   * Give the checkout's history (a defaulted Directory argument that uploads .git alone: `--git`)
   * as an empty folder: what `--diff <ref>` does, as a ref's tree comes without its .git.
   */
  withoutHistory?: boolean;
}

/** A defaulted Directory argument that uploads the checkout's .git and nothing else. */
const isHistoryParam = (param: ModuleParam) => param.ignore?.length === 2 && param.ignore[0] === "*" && param.ignore[1] === "!.git";

export interface PlanTimings {
  /** Loading the module's code. */
  loadMs: number;
  /** Running the function against the recording engine. */
  runMs: number;
  /** Building the plan document from the recording. */
  buildMs: number;
}

export interface PlanResult {
  document: PlanDocument;
  timings: PlanTimings;
  /** The recording the document was read from (what `--diff` compares), and the source root it read. */
  recording: { records: readonly CallRecord[]; root: string; executions: Execution[] };
}

/** Runs a module function against the recording engine and describes its container graph. */
export async function planFunction(options: PlanOptions): Promise<PlanResult> {
  const root = sourceRoot(options.source);
  const signature = moduleSignature();
  const fn = findFunction(signature.functions, options.fn);
  const args = callArguments(fn, signature.constructorParams, options.args ?? {});
  const started = performance.now();
  // The module as the runtime sees it, so what would not load on an engine does not load here.
  const { Pipeline } = await loadModule();
  const loaded = performance.now();
  // The value itself, beside its description: a summary says which stages were skipped.
  let returned: unknown;
  const { engine, result, error } = await recordRun(
    async () => {
      // The source as `dagger call` uploads it: what the constructor's ignore list names is left out.
      const source = dag.host().directory(root, { exclude: signature.sourceIgnore });
      // An absent argument is undefined, except a Directory with a defaultPath: `dagger call` uploads that folder of the source.
      const values = (params: readonly ModuleParam[], given: readonly CallArg[]) =>
        params.map((p, i) => {
          if (given[i] !== undefined || p.defaultPath === undefined) return toSdkValue(given[i]);
          if (options.withoutHistory && isHistoryParam(p)) return dag.directory();
          return dag.host().directory(join(root, p.defaultPath), { exclude: p.ignore ?? [] });
        });
      const Module = Pipeline as unknown as new (...a: unknown[]) => Record<string, (...a: unknown[]) => Promise<unknown>>;
      const pipeline = new Module(source, ...values(signature.constructorParams, args.constructorArgs));
      returned = await pipeline[fn.name]!(...values(fn.params, args.functionArgs));
      return describeReturn(returned);
    },
    // Every exec succeeds and every test run reports a passing test: the graph of a green run.
    testsRan({ hostRoot: root, ...(options.execLatencyMs !== undefined ? { execLatencyMs: options.execLatencyMs } : {}) }),
  );
  const ran = performance.now();
  // By name: the module's PipelineUserError is the compiled module's class, not one the CLI could import.
  if (error instanceof Error && error.name === "PipelineUserError") {
    // The module names files relative to the source it was given; say which source that was.
    throw new CliError("PLAN_INVALID_PROJECT", options.source === "." ? error.message : `${options.source}: ${error.message}`);
  }
  const document: PlanDocument = {
    schemaVersion: PLAN_SCHEMA_VERSION,
    function: fn.flag,
    arguments: args.given,
    source: root,
    ...buildPlan(engine.records, { root, ignore: signature.sourceIgnore }),
    skippedStages: skippedStages(error ? String((error as Error).message ?? error) : typeof returned === "string" ? returned : ""),
    outcome: error ? { ok: false, error: String((error as Error).message ?? error) } : { ok: true, returns: withFiles(result ?? "", engine.records) },
  };
  const timings = { loadMs: loaded - started, runMs: ran - loaded, buildMs: performance.now() - ran };
  return { document, timings, recording: { records: engine.records, root, executions: await engine.executions() } };
}

/** The source folder, absolute; anything but a folder is a usage error. */
export function sourceRoot(source: string): string {
  return sourceFolder(source, "plan");
}

/** A Secret parameter becomes a reference the engine would resolve; the plan never reads it. */
function toSdkValue(arg: CallArg): unknown {
  return arg && typeof arg === "object" && !Array.isArray(arg) ? dag.secret(arg.secret) : arg;
}

async function describeReturn(value: unknown): Promise<string> {
  if (value === undefined) return "nothing (a check passes by returning)";
  if (Array.isArray(value)) return `a list of ${(await Promise.all(value.map(describeReturn))).join(", ") || "nothing"}`;
  if (typeof value === "string") return "a summary (string)";
  // By class, not constructor.name: the bundler may rename classes.
  for (const [type, name] of [[Directory, "Directory"], [File, "File"], [Container, "Container"]] as const) {
    if (value instanceof type) {
      await value.id();
      return `a ${name}`;
    }
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
