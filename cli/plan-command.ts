import { InvalidArgumentError, type Command } from "commander";
import { CliError, EXIT } from "./errors.js";
import { firstSentence, paramOption, paramValues, refuseLeftovers } from "./function-options.js";
import type { Io } from "./io.js";
import { PLAN_ASSUMPTION } from "./plan/document.js";
import { moduleSignature } from "./module/current.js";
import { findFunction } from "./module/find-function.js";
import type { ModuleFunction, ModuleParam } from "./module/signature.js";

interface PlanFlags {
  source: string;
  json?: boolean;
  arg?: Record<string, string>;
  diff?: string;
  diffSource?: string;
}

/**
 * `pipeline plan <function> [flags]`: one subcommand per module function, its
 * arguments as flags spelled as `dagger call` spells them, so
 * `pipeline plan release --tag v1.2.0 --registry-token env://REGISTRY_TOKEN`
 * plans exactly `dagger call release --tag v1.2.0 --registry-token env://REGISTRY_TOKEN`.
 */
export function addPlanCommand(program: Command, io: Io): void {
  const signature = moduleSignature();
  const plan = program
    .command("plan")
    .description("show what a module function would run (containers, mounts, caches, execs, concurrency), without an engine")
    .usage("<function> [flags]")
    .argument("[function]", "the function, as `dagger call` names it")
    .allowUnknownOption()
    .allowExcessArguments()
    .action((name: string | undefined, _flags: unknown, command: Command) => {
      if (name !== undefined) findFunction(signature.functions, name);
      refuseLeftovers(command, "plan");
      throw new CliError("PLAN_NO_FUNCTION", `plan needs a function.\n  Fix: pipeline plan <function>, one of ${signature.functions.map((f) => f.flag).join(", ")}.`, EXIT.usage);
    });
  for (const fn of signature.functions) addFunction(plan, fn, signature.constructorParams, io);
}

function addFunction(plan: Command, fn: ModuleFunction, constructorParams: readonly ModuleParam[], io: Io): void {
  const params = [...constructorParams, ...fn.params];
  const command = plan
    .command(fn.flag)
    .summary(firstSentence(fn.description))
    .description(fn.description)
    .usage("[flags]")
    .showHelpAfterError(`  Fix: pipeline plan ${fn.flag} --help lists its flags.`)
    .allowUnknownOption()
    .allowExcessArguments();
  for (const param of params) command.addOption(paramOption(param));
  command
    .optionsGroup("Plan options:")
    .option("--source <dir>", "the repository to plan on", ".")
    .option("--json", "print the plan as JSON (plan.schema.json)")
    .option("--diff <git-ref>", "name the execs whose cache key differs from the source at this commit, and why")
    .option("--diff-source <dir>", "the same against another source folder")
    .option("--arg <name=value>", "an argument by name, as an alternative to its flag (repeatable)", collectArg)
    .action(async (flags: PlanFlags, self: Command) => {
      refuseLeftovers(self, `plan ${fn.flag}`);
      const args = mergeArguments(paramValues(self, params), flags.arg ?? {});
      if (flags.diff !== undefined && flags.diffSource !== undefined) {
        throw new CliError("PLAN_DIFF_TWICE", "--diff and --diff-source both name what to compare with.\n  Fix: give one of them.", EXIT.usage);
      }
      if (flags.diff !== undefined || flags.diffSource !== undefined) {
        const { planDiff, renderDiff } = await import("./commands/plan-diff.js");
        const base = flags.diff !== undefined ? { ref: flags.diff } : { source: flags.diffSource! };
        const diff = await planDiff({ fn: fn.flag, source: flags.source, args, base });
        io.out(flags.json ? `${JSON.stringify(diff, null, 2)}\n` : renderDiff(diff));
        return;
      }
      const { planFunction } = await import("./commands/plan.js");
      const { renderPlan } = await import("./plan/render.js");
      const { document } = await planFunction({ fn: fn.flag, source: flags.source, args });
      io.out(flags.json ? `${JSON.stringify(document, null, 2)}\n` : renderPlan(document, flags.source));
      if (!document.outcome.ok) {
        io.err(`error: ${fn.flag} fails even with ${PLAN_ASSUMPTION}; the plan above stops where it failed.\n`);
        io.exitCode = EXIT.failure;
      }
    });
}

/** `--arg name=value` pairs and flags together; naming one argument both ways with two values is a mistake. */
function mergeArguments(fromFlags: Record<string, string>, fromArgs: Record<string, string>): Record<string, string> {
  for (const [name, value] of Object.entries(fromArgs)) {
    if (name in fromFlags && fromFlags[name] !== value) {
      throw new CliError("PLAN_ARGUMENT_TWICE", `--${name} and --arg ${name}=… give two values.\n  Fix: give the argument once.`, EXIT.usage);
    }
  }
  return { ...fromArgs, ...fromFlags };
}

function collectArg(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = value.indexOf("=");
  if (eq <= 0) throw new InvalidArgumentError(`Expected name=value, like --arg tag=v1.2.0 (or the argument's own flag, --tag v1.2.0).`);
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}
