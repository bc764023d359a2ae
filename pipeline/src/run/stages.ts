import { dag, type Directory } from "@dagger.io/dagger";
import type { RegistryAccess } from "../../modules/call-inputs.js";
import { commandsStage } from "../../modules/commands.js";
import { renderSummaryMarkdown } from "../../modules/report/summary.js";
import { skipped, type StageResult } from "../../modules/stage.js";
import type { ToolchainOptions } from "../../modules/toolchain.js";
import { STAGE_NAMES, type PipelineConfig, type StageName } from "../config/schema.js";
import { loadProject, type LoadedProject } from "./load-project.js";
import { runScan } from "./scan.js";
import { TOOLCHAINS } from "./toolchains.js";

export interface StagesRun {
  loaded: LoadedProject;
  results: StageResult[];
  failed: boolean;
  /** summary.md: the verdict of each stage and the failing tools' own error lines. */
  summary: string;
}

/** What a call adds to pipeline.yaml for one run (the functions' optional arguments). */
export interface CallInputs {
  /** Runs the tools again instead of returning their cached results. */
  rerun?: string | undefined;
  registries?: RegistryAccess;
}

/**
 * Runs the chosen stages concurrently (none depends on another, and each
 * keeps its reports), except bench, which runs after the others.
 */
export async function runStages(source: Directory, only: readonly StageName[] = STAGE_NAMES, inputs: CallInputs = {}): Promise<StagesRun> {
  return runLoadedStages(await loadProject(source), only, inputs);
}

/** Like runStages, on a project already loaded. */
export async function runLoadedStages(loaded: LoadedProject, only: readonly StageName[] = STAGE_NAMES, inputs: CallInputs = {}): Promise<StagesRun> {
  const options = toolchainOptions(loaded.config, inputs);
  // Bench measures alone, as quietly as bench-baseline measured the baseline: samples taken beside
  // the other stages' load would differ from it for no reason in the code, and fail the gate.
  const concurrent = await Promise.all(only.filter((stage) => stage !== "bench").map((stage) => runStage(loaded, stage, options)));
  const results = only.includes("bench") ? [...concurrent, await runStage(loaded, "bench", options)] : concurrent;
  const title = `Pipeline: ${loaded.language} project${loaded.config.workdir === "." ? "" : ` in ${loaded.config.workdir}`}`;
  return {
    loaded,
    results,
    failed: results.some((r) => r.status === "failed"),
    summary: renderSummaryMarkdown(results, { title }),
  };
}

function runStage(loaded: LoadedProject, stage: StageName, options: ToolchainOptions): Promise<StageResult> {
  const { config, project, language } = loaded;
  if (!config.stages[stage].enabled) return Promise.resolve(skipped(stage, `disabled in pipeline.yaml (stages.${stage}.enabled)`));
  if (stage === "scan") return runScan(loaded, options);
  const settings = config.stages[stage];
  const toolchain = TOOLCHAINS[language];
  if (settings.commands) return commandsStage(stage, toolchain.container(project, options), settings.commands);
  switch (stage) {
    case "lint":
      return toolchain.lint(project, options);
    case "test":
      return toolchain.test(project, options);
    case "propertyTest":
      return toolchain.propertyTest(project, options);
    case "bench": {
      const bench = config.stages.bench;
      return toolchain.bench(project, options, {
        count: bench.count,
        thresholdPercent: bench.regressionThreshold,
        alpha: bench.alpha,
        baselinePath: bench.baseline,
        baselineText: loaded.baselineText,
        baselineProblem: loaded.baselineProblem,
      });
    }
  }
}

function toolchainOptions(config: PipelineConfig, inputs: CallInputs): ToolchainOptions {
  return {
    images: config.images,
    race: config.stages.test.race,
    coverageThreshold: config.stages.test.coverageThreshold,
    iterations: config.stages.propertyTest.iterations,
    workdir: config.workdir,
    rerun: inputs.rerun,
    registries: inputs.registries ?? {},
  };
}

/** All report files of a run, plus summary.md, as one directory to export or upload. */
export function reportsDirectory(run: StagesRun): Directory {
  let dir = dag.directory().withNewFile("summary.md", run.summary);
  for (const result of run.results) {
    for (const [path, contents] of Object.entries(result.reports)) dir = dir.withNewFile(path, contents);
  }
  return dir;
}

/**
 * One stage as a Dagger check. Checks return nothing (pass) or throw (fail),
 * so the summary goes to the function's output, which `dagger call` and
 * `dagger check` show.
 */
export async function runCheck(source: Directory, stage: StageName, inputs: CallInputs = {}): Promise<void> {
  console.log(verdict(await runStages(source, [stage], inputs)));
}

/** Returns the summary when every stage passed; else fails the call with it, so `dagger call` exits non-zero. */
export function verdict(run: StagesRun): string {
  if (run.failed) throw new Error(run.summary);
  return run.summary;
}
