import { Command, InvalidArgumentError, Option } from "commander";
import { LANGUAGES, type Language } from "../pipeline/src/config/schema.js";
import { EXIT } from "./errors.js";
import { PROVIDERS, type Provider } from "./wrappers/templates.js";

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Set by an action to report failure without throwing (e.g. invalid config). */
  exitCode: number;
}

const VERSION = "0.1.0";

/** Declares the commands; each action maps flags and calls a command function (loaded on demand). */
export function buildProgram(io: Io): Command {
  const program = new Command("pipeline")
    .description("Pipeline-as-code on Dagger: validate, plan and scaffold the pipeline that `dagger call ci` runs")
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError("(run pipeline --help for usage)");

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

  program
    .command("plan")
    .description("show what a function would run (containers, mounts, caches, execs, concurrency) without an engine")
    .argument("<function>", "a module function, as `dagger call` names it: ci, lint, test, property-test, bench, reports, bench-baseline")
    .option("--source <dir>", "the repository to plan on", ".")
    .option("--json", "print the plan as JSON")
    .option("--arg <name=value>", "a function argument, e.g. --arg tag=v1.2.0 --arg registry-token=env://REGISTRY_TOKEN", collectArg, {})
    .action(async (fn: string, opts: { source: string; json?: boolean; arg: Record<string, string> }) => {
      const { planFunction } = await import("./commands/plan.js");
      const result = await planFunction({ fn, source: opts.source, json: opts.json ?? false, args: opts.arg });
      io.out(result.output);
      if (!result.outcome.ok) {
        io.err(`error: ${fn} fails even with every exec succeeding; the plan above stops where it failed.\n`);
        io.exitCode = EXIT.failure;
      }
    });

  program
    .command("ci")
    .description("run `dagger call ci` on a repository (needs the dagger CLI and Docker; see doctor)")
    .option("--source <dir>", "the repository to run on", ".")
    .action(async (opts: { source: string }) => {
      const { daggerCall } = await import("./commands/dagger-call.js");
      if ((await daggerCall("ci", { source: opts.source })) !== 0) io.exitCode = EXIT.failure;
    });

  program
    .command("release")
    .description("run `dagger call release`: every gate, then the multi-arch image publish")
    .requiredOption("--tag <tag>", "the release tag, v + a semantic version (v1.2.0)")
    .option("--registry-token <ref>", "a secret reference: env://NAME or file://path, never the token itself")
    .option("--registry-username <name>", "the registry user (default: pipeline.yaml release.registryUsername)")
    .option("--source <dir>", "the repository to release", ".")
    .action(async (opts: { tag: string; registryToken?: string; registryUsername?: string; source: string }) => {
      const { daggerCall, releaseArgs } = await import("./commands/dagger-call.js");
      const args = releaseArgs(opts);
      if ((await daggerCall("release", { source: opts.source, args })) !== 0) io.exitCode = EXIT.failure;
    });

  program
    .command("init")
    .description("write a commented pipeline.yaml for the detected language")
    .option("--dir <dir>", "the project folder", ".")
    .addOption(new Option("--language <language>", "skip detection").choices(LANGUAGES))
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

function collectArg(value: string, previous: Record<string, string>): Record<string, string> {
  const eq = value.indexOf("=");
  if (eq <= 0) throw new InvalidArgumentError("Expected name=value, like tag=v1.2.0.");
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}
