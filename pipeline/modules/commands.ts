import type { Container } from "@dagger.io/dagger";
import { pickErrorLines } from "./report/summary.js";
import { exitLogLine, failedRunLine, runToolThen, timed, type StageResult, type StageVerdict, type ToolRun } from "./stage.js";

/**
 * A stage made of the user's own commands (pipeline.yaml `commands`): run in
 * order, each in the container the previous one left (so `go generate` then
 * `go test` sees the generated files); the first non-zero exit fails it.
 */
export function commandsStage(name: string, container: Container, commands: readonly (readonly string[])[]): Promise<StageResult> {
  return timed(name, async () => {
    const ran = await runCommands(container, commands);
    return { ...commandsVerdict(ran, commands), reports: { [`${name}/output.txt`]: ran.log } };
  });
}

/** Commands run in order, each in the container the previous one left, up to the first that fails. */
export interface CommandsRun {
  /** Each command, its output and how it ended, as kept in a report. */
  log: string;
  /** The command that failed, if one did (the ones after it did not run). */
  failed?: ToolRun | undefined;
  /** The container after the last command that ran. */
  after: Container;
}

export async function runCommands(container: Container, commands: readonly (readonly string[])[]): Promise<CommandsRun> {
  const log: string[] = [];
  let current = container;
  for (const argv of commands) {
    const { run, after } = await runToolThen(current, [...argv]);
    current = after;
    log.push(`$ ${argv.join(" ")}`, run.stdout, run.stderr, exitLogLine(run), "");
    if (run.exitCode !== 0) return { log: log.join("\n"), failed: run, after };
  }
  return { log: log.join("\n"), after: current };
}

/** The verdict of a CommandsRun: the failing command's own lines, or one "ok" per command. */
export function commandsVerdict(ran: CommandsRun, commands: readonly (readonly string[])[]): Omit<StageVerdict, "reports"> {
  if (ran.failed) {
    return {
      status: "failed",
      details: [`${ran.failed.argv.join(" ")} failed`],
      errorLines: [failedRunLine(ran.failed), ...pickErrorLines(`${ran.failed.stderr}\n${ran.failed.stdout}`)],
    };
  }
  return { status: "passed", details: commands.map((argv) => `${argv.join(" ")}: ok`), errorLines: [] };
}
