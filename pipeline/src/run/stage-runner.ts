import { dag, type Container, type Secret } from "@dagger.io/dagger";
import { withRerun, withStageSetup, type StageSecretUse, type StageSetup } from "../../modules/call-inputs.js";
import { commandsStage, commandsVerdict, runCommands } from "../../modules/commands.js";
import { WORKDIR } from "../../modules/project.js";
import { startServices } from "../../modules/services/index.js";
import { skipped, timed, type StageResult } from "../../modules/stage.js";
import type { ToolchainOptions } from "../../modules/toolchain.js";
import { STAGE_NAMES, type CustomStageConfig, type StageName } from "../config/schema.js";
import { serviceSpecs } from "../config/services-schema.js";
import { durationSeconds, secretMount, type IfNothingRuns, type StageExtras } from "../config/stage-keys.js";
import type { LoadedProject } from "./load-project.js";
import { runScan } from "./scan.js";
import { TOOLCHAINS } from "./toolchains.js";

/**
 * One stage of one project, whatever its kind: a built-in one (its
 * toolchain's tools, or its `commands` instead), with `before`/`after`
 * around them, its `secrets` and `timeout`; or a stage of the user's own.
 */

/** How each built-in stage runs its own tools. A new stage (like scan) is one entry here and one in the schema. */
const BUILTIN: Record<StageName, (loaded: LoadedProject, options: ToolchainOptions) => Promise<StageResult>> = {
  lint: ({ language, project }, options) => TOOLCHAINS[language].lint(project, options),
  test: ({ language, project }, options) => TOOLCHAINS[language].test(project, options),
  integration: ({ language, project }, options) => TOOLCHAINS[language].integration(project, options),
  propertyTest: ({ language, project }, options) => TOOLCHAINS[language].propertyTest(project, options),
  scan: (loaded, options) => runScan(loaded, options),
  bench: async (loaded, options) => {
    const bench = loaded.config.stages.bench;
    const noBaseline = loaded.baselineText === undefined && loaded.baselineProblem === undefined && !loaded.recordingBaseline;
    if (noBaseline && bench.withoutBaseline === "skip") {
      return skipped("bench", `no baseline at ${bench.baseline} to compare with (stages.bench.withoutBaseline: skip); record one with: dagger call bench-baseline -o ${bench.baseline}`);
    }
    return TOOLCHAINS[loaded.language].bench(loaded.project, options, {
      // Without a baseline there is nothing to compare: one sample per benchmark records the figures.
      count: noBaseline ? 1 : bench.count,
      thresholdPercent: bench.regressionThreshold,
      alpha: bench.alpha,
      baselinePath: bench.baseline,
      baselineText: loaded.baselineText,
      baselineProblem: loaded.baselineProblem,
    });
  },
};

/**
 * Stages that run alone, after all the others of every project: bench measures as quietly as
 * bench-baseline measured the baseline (samples taken beside other stages' load would differ for no
 * reason in the code, and fail the gate).
 */
export const RUNS_ALONE: ReadonlySet<string> = new Set<string>(["bench"]);

/** The stages a run covers: the built-in ones asked for, and with "all" the project's own stages too. */
export function stagesToRun(loaded: LoadedProject, only: readonly string[] | "all"): string[] {
  const custom = Object.keys(loaded.config.customStages);
  if (only === "all") return [...STAGE_NAMES, ...custom];
  return only.filter((name) => (STAGE_NAMES as readonly string[]).includes(name) || custom.includes(name));
}

export interface StageCall {
  options: ToolchainOptions;
  /** Secrets given with with-secret, by name. */
  secrets: ReadonlyMap<string, Secret>;
}

/** Runs one stage; never throws for what the stage's tools or commands did (that is its verdict). */
export async function runStageOf(loaded: LoadedProject, name: string, call: StageCall): Promise<StageResult> {
  const where = stagePath(loaded, name);
  const builtin = (STAGE_NAMES as readonly string[]).includes(name) ? (name as StageName) : undefined;
  const result = await runConfiguredStage(loaded, name, call);
  // scan has no ifNothingRuns: its scanners decide for themselves what applies.
  return builtin ? withNothingRunsPolicy(result, where, loaded.config.stages[builtin] as StageExtras) : result;
}

/** Where a stage's keys are in pipeline.yaml: stages.test, or projects.api.stages.test. */
function stagePath(loaded: LoadedProject, name: string): string {
  return `${loaded.name === undefined ? "" : `projects.${loaded.name}.`}stages.${name}`;
}

/**
 * A stage that found nothing to run fails, naming why and the key that accepts it, unless
 * pipeline.yaml says `ifNothingRuns: skip`: then it is skipped with the reason. Never a pass.
 */
export function withNothingRunsPolicy(result: StageResult, where: string, settings: { ifNothingRuns?: IfNothingRuns | undefined }): StageResult {
  if (result.nothingRan === undefined || result.status === "failed") return result;
  if ((settings.ifNothingRuns ?? "skip") === "skip") {
    return { ...result, status: "skipped", details: [`nothing ran: ${result.nothingRan} (${where}.ifNothingRuns: skip)`, ...result.details.filter((d) => d !== result.nothingRan)] };
  }
  return {
    ...result,
    status: "failed",
    errorLines: [
      `${result.name}: nothing ran: ${result.nothingRan}`,
      `Fix: give the stage something to run (tests, a linter), or accept it with ${where}.ifNothingRuns: skip in pipeline.yaml`,
    ],
  };
}

async function runConfiguredStage(loaded: LoadedProject, name: string, call: StageCall): Promise<StageResult> {
  const where = stagePath(loaded, name);
  const builtin = (STAGE_NAMES as readonly string[]).includes(name) ? (name as StageName) : undefined;
  const settings: StageExtras & { enabled: boolean } = builtin ? loaded.config.stages[builtin] : loaded.config.customStages[name]!;
  if (!settings.enabled) return skipped(name, `disabled in pipeline.yaml (${where}.enabled)`);
  const setup = stageSetup(where, settings, call.secrets, loaded.name === undefined ? name : `${loaded.name}/${name}`);
  if ("problem" in setup) return { name, status: "failed", durationSeconds: 0, details: [], errorLines: setup.problem.split("\n"), reports: {} };
  // The integration tests get every service by default; any stage may name the ones it needs.
  const wanted = settings.services ?? (builtin === "integration" ? Object.keys(loaded.config.services ?? {}) : []);
  const specs = serviceSpecs(loaded.config.services).filter((spec) => wanted.includes(spec.name));
  if (specs.length === 0) return runSetUp(loaded, name, builtin, settings, { ...call.options, stage: setup });
  const started = Date.now();
  // This stage's own instances (`where` names it), ready before its first command; a service that is not fails the stage alone.
  const services = await startServices(specs, where, call.secrets);
  if ("problem" in services) return { name, status: "failed", durationSeconds: (Date.now() - started) / 1000, details: [], errorLines: services.problem, reports: {} };
  try {
    const result = await runSetUp(loaded, name, builtin, settings, { ...call.options, stage: { ...setup, services: services.uses } });
    return { ...result, details: [...result.details, `services: ${specs.map((s) => s.name).join(", ")}`] };
  } finally {
    await services.stop();
  }
}

/** The stage itself, its secrets, timeout, before commands and services set up in options.stage. */
async function runSetUp(loaded: LoadedProject, name: string, builtin: StageName | undefined, settings: StageExtras, options: ToolchainOptions): Promise<StageResult> {
  if (!builtin) return runCustomStage(loaded, name, loaded.config.customStages[name]!, options);
  const toolchain = TOOLCHAINS[loaded.language];
  const container = () => toolchain.container(loaded.project, options);
  const own = settings.commands ? commandsStage(name, await container(), settings.commands) : BUILTIN[builtin](loaded, options);
  return withAfter(await own, settings.after, container);
}

/** The stage's secrets (each one the call must have given), timeout and before commands; or what is missing. */
function stageSetup(where: string, settings: StageExtras, given: ReadonlyMap<string, Secret>, label: string): StageSetup | { problem: string } {
  const secrets: StageSecretUse[] = [];
  const missing: string[] = [];
  for (const [name, value] of Object.entries(settings.secrets ?? {})) {
    const secret = given.get(name);
    const { from, mount } = secretMount(value);
    if (secret) secrets.push({ name, secret, mount });
    else missing.push(`with-secret --name ${name} --value ${from}`);
  }
  if (missing.length > 0) {
    const names = Object.keys(settings.secrets ?? {}).filter((n) => !given.has(n));
    return {
      problem:
        `${where}.secrets: ${names.join(", ")} ${names.length === 1 ? "was" : "were"} not given to this call, so the stage did not run.\n` +
        `  Fix: give ${names.length === 1 ? "it" : "them"} before the function: dagger call ${missing.join(" ")} <function> (the CI files pipeline wrappers writes do)`,
    };
  }
  const timeoutSeconds = settings.timeout === undefined ? undefined : durationSeconds(settings.timeout);
  return { label, secrets, timeoutSeconds, before: settings.before };
}

/** The built-in stage's verdict, then its `after` commands when it passed: the first to fail fails the stage. */
async function withAfter(result: StageResult, after: readonly string[][] | undefined, container: () => Promise<Container>): Promise<StageResult> {
  if (!after?.length || result.status !== "passed") return result;
  const more = await timed(result.name, async () => {
    const ran = await runCommands(await container(), after);
    return { ...commandsVerdict(ran, after), reports: { [`${result.name}/after.txt`]: ran.log } };
  });
  return {
    ...result,
    status: more.status,
    durationSeconds: result.durationSeconds + more.durationSeconds,
    details: [...result.details, ...more.details.map((d) => `after: ${d}`)],
    errorLines: more.errorLines,
    reports: { ...result.reports, ...more.reports },
  };
}

/**
 * A stage of the user's own: its commands in its image (the project at /src,
 * as the image's user) or, without one, in the project's toolchain container
 * with the dependencies installed; then the files it names as reports.
 */
function runCustomStage(loaded: LoadedProject, name: string, settings: CustomStageConfig, options: ToolchainOptions): Promise<StageResult> {
  return timed(name, async () => {
    const container = settings.image
      ? await imageContainer(settings.image, loaded, options)
      : await TOOLCHAINS[loaded.language].container(loaded.project, options);
    const ran = await runCommands(container, settings.commands);
    const reports: Record<string, string> = { [`${name}/output.txt`]: ran.log };
    const missing: string[] = [];
    await Promise.all(
      (settings.reports ?? []).map(async (path) => {
        const text = await readReport(ran.after, `${WORKDIR}/${path}`);
        if (text === undefined) missing.push(path);
        else reports[`${name}/${path}`] = text;
      }),
    );
    const verdict = commandsVerdict(ran, settings.commands);
    // A report the commands were to write and did not is worth a line, not a failure of its own.
    const notes = ran.failed ? [] : missing.sort().map((path) => `report ${path} was not written`);
    return { ...verdict, details: [...verdict.details, ...notes], reports };
  });
}

async function imageContainer(image: string, loaded: LoadedProject, options: ToolchainOptions): Promise<Container> {
  const base = dag.container().from(image);
  // The project's files belong to the image's user, so the commands can write their reports beside them.
  const user = (await base.user()) || "0";
  return withStageSetup(
    withRerun(base.withDirectory(WORKDIR, loaded.project.toolInputs, { owner: user }).withWorkdir(WORKDIR), options.rerun),
    options.stage,
    user,
  );
}

async function readReport(container: Container, path: string): Promise<string | undefined> {
  try {
    return await container.file(path).contents();
  } catch (error) {
    // The module bundle has no error classes to test with instanceof: read the message.
    if (/no such file|not found|does not exist/i.test(String((error as Error).message))) return undefined;
    throw error;
  }
}
