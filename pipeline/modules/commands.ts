import type { Container } from "@dagger.io/dagger";
import { pickErrorLines } from "./report/summary.js";
import { exitLogLine, failedRunLine, runToolThen, timed, type StageResult } from "./stage.js";

/**
 * A stage made of the user's own commands (pipeline.yaml `commands`): run in
 * order, each in the container the previous one left (so `go generate` then
 * `go test` sees the generated files); the first non-zero exit fails it.
 */
export function commandsStage(name: string, container: Container, commands: readonly string[][]): Promise<StageResult> {
  return timed(name, async () => {
    const log: string[] = [];
    let current = container;
    for (const argv of commands) {
      const { run, after } = await runToolThen(current, [...argv]);
      current = after;
      log.push(`$ ${argv.join(" ")}`, run.stdout, run.stderr, exitLogLine(run), "");
      if (run.exitCode !== 0) {
        return {
          status: "failed",
          details: [`${argv.join(" ")} failed`],
          errorLines: [failedRunLine(run), ...pickErrorLines(`${run.stderr}\n${run.stdout}`)],
          reports: { [`${name}/output.txt`]: log.join("\n") },
        };
      }
    }
    return {
      status: "passed",
      details: commands.map((argv) => `${argv.join(" ")}: ok`),
      errorLines: [],
      reports: { [`${name}/output.txt`]: log.join("\n") },
    };
  });
}
