import { Option, type Command } from "commander";
import { firstSentence, paramOption, paramValues, refuseLeftovers } from "./function-options.js";
import type { Io } from "./io.js";
import { moduleSignature } from "./module/current.js";
import { findFunction } from "./module/find-function.js";

/** Dagger's own progress renderers (`dagger --progress`). */
const PROGRESS_MODES = ["auto", "plain", "tty", "dots"];

/** The functions `pipeline` fronts for `dagger call`: the long runs of a laptop or a CI job. */
const FRONTED = ["ci", "release"];

/**
 * `pipeline ci` and `pipeline release`: `dagger call` on this package's
 * module, with the function's arguments as the same flags, checked before
 * anything runs. Dagger draws its progress; the exit code is dagger's.
 */
export function addCallCommands(program: Command, io: Io): void {
  const signature = moduleSignature();
  for (const name of FRONTED) {
    const fn = findFunction(signature.functions, name);
    const params = [...signature.constructorParams, ...fn.params];
    const command = program
      .command(fn.flag)
      .summary(`run \`dagger call ${fn.flag}\`: ${firstSentence(fn.description)}`)
      .description(`Runs \`dagger call ${fn.flag}\` on this package's module (needs the dagger CLI and Docker; see \`pipeline doctor\`).\n\n${fn.description}`)
      .showHelpAfterError(`  Fix: pipeline ${fn.flag} --help lists its flags.`)
      .allowUnknownOption()
      .allowExcessArguments();
    for (const param of params) command.addOption(paramOption(param));
    command
      .optionsGroup("Options:")
      .option("--source <dir>", "the repository to run on", ".")
      .addOption(new Option("--progress <mode>", "how Dagger shows its progress (dagger --progress)").choices(PROGRESS_MODES))
      .action(async (flags: { source: string; progress?: string }, self: Command) => {
        refuseLeftovers(self, fn.flag);
        const { callFlags, daggerCall } = await import("./commands/dagger-call.js");
        const args = callFlags(signature, fn.flag, paramValues(self, params));
        io.exitCode = await daggerCall(fn.flag, { source: flags.source, args, ...(flags.progress ? { progress: flags.progress } : {}), log: (line) => io.err(`${line}\n`) });
      });
  }
}
