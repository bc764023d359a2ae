import { spawnSync } from "node:child_process";
import { TOOL_ENTRYPOINT } from "../../pipeline/modules/tool-exit.js";

/** Runs argv under the tool exit script with the real /bin/sh, as the engine does with `useEntrypoint`: the entrypoint, then argv. */
export function runWrapped(argv: readonly string[]): { status: number; stdout: string; stderr: string } {
  const [shell, ...entry] = TOOL_ENTRYPOINT;
  const result = spawnSync(shell!, [...entry, ...argv], { encoding: "utf8" });
  if (result.status === null) throw new Error(`the exit script itself died of ${result.signal}`);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
