import { CommanderError } from "commander";
import { CliError, EXIT } from "./errors.js";
import type { Io } from "./io.js";
import { buildProgram } from "./program.js";

/**
 * Runs the CLI and returns its exit code: 0 ok, 1 validation or pipeline
 * failure, 2 usage error. The only place that decides how errors look.
 */
export async function main(argv: readonly string[], output: Pick<Io, "out" | "err"> = defaultOutput): Promise<number> {
  const io: Io = { ...output, exitCode: EXIT.ok };
  try {
    await buildProgram(io).parseAsync([...argv], { from: "user" });
    return io.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // help and version exit 0; every other commander error is a usage error
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof CliError) {
      io.err(`error: ${error.message}\n`);
      return error.exitCode;
    }
    io.err(
      `internal error (a bug in pipeline; please report it with this output):\n${(error as Error).stack ?? String(error)}\n`,
    );
    return EXIT.failure;
  }
}

const defaultOutput = {
  out: (text: string) => void process.stdout.write(text),
  err: (text: string) => void process.stderr.write(text),
};
