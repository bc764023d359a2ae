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

/** The waves (see the engine's waves.ts) that answered each exec of `argv`: one wave ran concurrently. */
export function wavesOf(executions: readonly Execution[], ...argvs: (readonly string[])[]): number[] {
  return argvs.map((argv) => {
    const found = executions.filter((e) => sameArgs(e.args, argv));
    if (found.length !== 1) throw new Error(`${found.length} executions of ${JSON.stringify(argv)}, expected 1`);
    return found[0]!.wave;
  });
}

/** The env a chain sets, in order (later values win). */
export function envOf(steps: readonly Step[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const s of steps) if (s.field === "withEnvVariable") env[argText(s.args["name"])] = argText(s.args["value"]);
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
