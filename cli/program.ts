import { Command, Option } from "commander";
import type { Language } from "../pipeline/src/config/schema.js";
import packageJson from "../package.json" with { type: "json" };
import { addCallCommands } from "./call-commands.js";
import { EXIT } from "./errors.js";
import type { Io } from "./io.js";
import { moduleLanguages } from "./module/current.js";
import { addPlanCommand } from "./plan-command.js";
import { PROVIDERS, type Provider } from "./wrappers/templates.js";

/** Declares the commands; each action maps flags and calls a command function (loaded on demand). */
export function buildProgram(io: Io): Command {
  const program = new Command("pipeline")
    .description("Pipeline-as-code on Dagger: validate, plan and scaffold the pipeline that `dagger call ci` runs")
    .version(packageJson.version)
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError("  Fix: pipeline --help lists the commands and their options.");

  program
    .command("validate")
    .description("check pipeline.yaml against the schema; errors name file:line:column, the key and a fix")
    .argument("[file]", "the config file", "pipeline.yaml")
    .action(async (file: string, _opts: unknown, command: Command) => {
      const { validate, renderValidation } = await import("./commands/validate.js");
      const result = validate(file, { explicit: command.args.length > 0 });
      (result.problems.length ? io.err : io.out)(renderValidation(result));
      if (result.problems.length) io.exitCode = EXIT.failure;
    });

  addPlanCommand(program, io);
  addCallCommands(program, io);

  program
    .command("init")
    .description("write a commented pipeline.yaml for the detected language")
    .option("--dir <dir>", "the project folder", ".")
    .addOption(new Option("--language <language>", "skip detection").choices(moduleLanguages()))
    .option("--force", "replace an existing pipeline.yaml")
    .action(async (opts: { dir: string; language?: Language; force?: boolean }) => {
      const { init } = await import("./commands/init.js");
      const { file, language } = init({ dir: opts.dir, force: opts.force ?? false, ...(opts.language ? { language: opts.language } : {}) });
      io.out(`wrote ${file} (language: ${language})\n`);
    });

  program
    .command("doctor")
    .description("check this machine for `dagger call`: the dagger CLI at the pinned version, Docker")
    .action(async () => {
      const { doctor, renderDoctor } = await import("./commands/doctor.js");
      const checks = await doctor();
      io.out(renderDoctor(checks));
      if (checks.some((c) => !c.ok)) io.exitCode = EXIT.failure;
    });

  program
    .command("schema")
    .description("print the JSON Schema of pipeline.yaml (committed as pipeline.schema.json)")
    .action(async () => {
      const { pipelineJsonSchema } = await import("../pipeline/src/config/schema.js");
      io.out(`${JSON.stringify(pipelineJsonSchema(), null, 2)}\n`);
    });

  program
    .command("wrappers")
    .description("write the thin CI files (GitHub Actions or GitLab CI) that install the pinned Dagger and call the module")
    .addOption(new Option("--provider <provider>", "the CI system").choices(PROVIDERS).makeOptionMandatory())
    .option("--out <dir>", "the repository root to write into", ".")
    .option("--force", "replace hand-edited files too")
    .option("--module <ref>", "the published module to call, pinned: github.com/acme/pipeline@v1.2.0 (optional only in this module's own repository)")
    .action(async (opts: { provider: Provider; out: string; force?: boolean; module?: string }) => {
      const { wrappers } = await import("./commands/wrappers.js");
      wrappers({ provider: opts.provider, outDir: opts.out, force: opts.force ?? false, module: opts.module }, io.out);
    });

  return program;
}
