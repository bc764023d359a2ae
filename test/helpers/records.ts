import type { CallRecord, Execution } from "../../cli/recording-engine/engine.js";
import { argText, type Step } from "../../cli/recording-engine/query.js";

/** Helpers to read recorded container graphs (see cli/recording-engine). */

export function argsOf(step: Step): string[] {
  return (step.args["args"] as string[]).map(String);
}

/** The chain that ran `argv`: every step up to and including its withExec. */
export function chainOf(records: readonly CallRecord[], argv: readonly string[]): Step[] {
  for (const record of records) {
    const i = record.steps.findIndex((s) => s.field === "withExec" && sameArgs(argsOf(s), argv));
    if (i >= 0) return record.steps.slice(0, i + 1);
  }
  throw new Error(`no recorded exec of ${JSON.stringify(argv)}`);
}

/** One distinct exec of the recorded graphs: its argv and the chain up to and including its withExec. */
export interface ExecChain {
  argv: string[];
  chain: Step[];
  /** A tool run (its exit code read, `expect: ANY`), not a step that must succeed (an install). */
  tool: boolean;
}

/** Every distinct exec chain in the records (a shared prefix once), in the order first seen. */
export function execChainsOf(records: readonly CallRecord[]): ExecChain[] {
  const found = new Map<string, ExecChain>();
  for (const record of records) {
    record.steps.forEach((step, i) => {
      if (step.field !== "withExec") return;
      const chain = record.steps.slice(0, i + 1);
      found.set(JSON.stringify(chain), { argv: argsOf(step), chain, tool: step.args["expect"] === "ANY" });
    });
  }
  return [...found.values()];
}

/** The waves (see the engine's waves.ts) that answered each exec of `argv`: one wave ran concurrently. */
export function wavesOf(executions: readonly Execution[], ...argvs: (readonly string[])[]): number[] {
  return argvs.map((argv) => {
    const found = executions.filter((e) => sameArgs(e.args, argv));
    if (found.length !== 1) throw new Error(`${found.length} executions of ${JSON.stringify(argv)}, expected 1`);
    return found[0]!.wave;
  });
}

/** The env a chain sets, in order (later values win, a withoutEnvVariable removes). */
export function envOf(steps: readonly Step[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const s of steps) {
    if (s.field === "withEnvVariable") env[argText(s.args["name"])] = argText(s.args["value"]);
    if (s.field === "withoutEnvVariable") delete env[argText(s.args["name"])];
  }
  return env;
}

/** Files a `dag.directory().withNewFile(...)` chain writes, by path. */
export function newFilesOf(steps: readonly Step[]): Record<string, string> {
  const files: Record<string, string> = {};
  for (const s of steps) if (s.field === "withNewFile") files[argText(s.args["path"])] = argText(s.args["contents"]);
  return files;
}

function sameArgs(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
