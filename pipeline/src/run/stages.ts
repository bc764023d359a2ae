import { dag, type Directory, type Secret } from "@dagger.io/dagger";
import type { RegistryAccess } from "../../modules/call-inputs.js";
import { readGitMetadata, type GitReading, type GitSource } from "../../modules/git/read.js";
import { renderSummaryMarkdown } from "../../modules/report/summary.js";
import type { StageResult } from "../../modules/stage.js";
import type { ToolchainOptions } from "../../modules/toolchain.js";
import type { PipelineConfig, StageName } from "../config/schema.js";
import { loadProjects, type LoadedProject, type ProjectLoad } from "./load-project.js";
import { RUNS_ALONE, runStageOf, stagesToRun } from "./stage-runner.js";

/** One project's part of a run. */
export interface ProjectRun {
  /** Its key under pipeline.yaml's `projects`; undefined for a single-project file. */
  name: string | undefined;
  /** Undefined when the project could not be loaded (then `problem` says why, and no stage ran). */
  loaded: LoadedProject | undefined;
  problem?: string;
  results: StageResult[];
}

export interface StagesRun {
  /** The project run (with `projects`, the first that loaded). */
  loaded: LoadedProject;
  /** Every stage's result, the projects' one after another (report paths as each project wrote them). */
  results: StageResult[];
  projects: ProjectRun[];
  failed: boolean;
  /** summary.md: the verdict of each stage and the failing tools' own error lines. */
  summary: string;
  /** What was read of the commit, when the call gave its checkout and ran every stage. */
  git: GitReading;
}

/** What a call adds to pipeline.yaml for one run (the functions' optional arguments and the object's state). */
export interface CallInputs {
  /** Runs the tools again instead of returning their cached results. */
  rerun?: string | undefined;
  registries?: RegistryAccess;
  /** The checkout's history: --git (a folder holding .git) and --git-ref. */
  gitSource?: { checkout?: Directory | undefined; ref?: string | undefined } | undefined;
  /** Secrets given with with-secret, by name; a stage gets those pipeline.yaml names in its `secrets`. */
  secrets?: ReadonlyMap<string, Secret> | undefined;
}

/** "all": every stage of every project, the built-in ones and the projects' own. */
export type StageSelection = readonly StageName[] | "all";

/**
 * Runs the chosen stages of every project concurrently (none depends on
 * another, and each keeps its reports), except bench, which runs after all
 * the others, one project at a time.
 */
export async function runStages(source: Directory, only: StageSelection = "all", inputs: CallInputs = {}): Promise<StagesRun> {
  return runProjects(await loadProjects(source), only, inputs);
}

/** Like runStages, on a project already loaded. */
export async function runLoadedStages(loaded: LoadedProject, only: StageSelection = "all", inputs: CallInputs = {}): Promise<StagesRun> {
  return runProjects([{ name: loaded.name, loaded }], only, inputs);
}

async function runProjects(loads: readonly ProjectLoad[], only: StageSelection, inputs: CallInputs): Promise<StagesRun> {
  const first = loads.find((l): l is Extract<ProjectLoad, { loaded: LoadedProject }> => "loaded" in l)?.loaded;
  if (!first) throw new Error(loads.map((l) => ("problem" in l ? l.problem : "")).join("\n\n"));
  // The commit line of a whole run's summary, read beside the stages; a single stage's check needs none. Never a
  // failed run, and no line without it: the steps that need the commit (image labels and tags, release notes, the
  // history's secret scan) each say why it is missing, once, where it matters.
  const git: Promise<GitReading> =
    only === "all"
      ? readGitMetadata(gitSourceOf(inputs, first.config)).catch((error: unknown): GitReading => ({ metadata: undefined, notes: [`no git metadata: ${String((error as Error).message ?? error).split("\n")[0]}`] }))
      : Promise.resolve({ metadata: undefined, notes: [] });
  const planned = loads.map((load) => ({ load, names: "loaded" in load ? stagesToRun(load.loaded, only) : [] }));
  const run = (load: ProjectLoad, name: string) => runStageOf((load as { loaded: LoadedProject }).loaded, name, stageCall((load as { loaded: LoadedProject }).loaded, inputs));
  // Every project's stages at once; then the ones that run alone, in order.
  const together = await Promise.all(planned.map(({ load, names }) => Promise.all(names.filter((n) => !RUNS_ALONE.has(n)).map((n) => run(load, n)))));
  const alone: StageResult[][] = [];
  for (const { load, names } of planned) {
    const results: StageResult[] = [];
    for (const name of names.filter((n) => RUNS_ALONE.has(n))) results.push(await run(load, name));
    alone.push(results);
  }
  const projects: ProjectRun[] = planned.map(({ load }, i) => ({
    name: load.name,
    loaded: "loaded" in load ? load.loaded : undefined,
    ...("problem" in load ? { problem: load.problem } : {}),
    results: [...together[i]!, ...alone[i]!],
  }));
  const reading = await git;
  return {
    loaded: first,
    results: projects.flatMap((p) => p.results),
    projects,
    failed: projects.some((p) => p.problem !== undefined || p.results.some((r) => r.status === "failed")),
    summary: summaryOf(projects, gitNotes(reading)),
    git: reading,
  };
}

function stageCall(loaded: LoadedProject, inputs: CallInputs): { options: ToolchainOptions; secrets: ReadonlyMap<string, Secret> } {
  return { options: toolchainOptions(loaded.config, inputs), secrets: inputs.secrets ?? new Map() };
}

function toolchainOptions(config: PipelineConfig, inputs: CallInputs): ToolchainOptions {
  return {
    images: config.images,
    race: config.stages.test.race,
    coverageThreshold: config.stages.test.coverageThreshold,
    iterations: config.stages.propertyTest.iterations,
    integration: config.stages.integration,
    workdir: config.workdir,
    rerun: inputs.rerun,
    registries: inputs.registries ?? {},
    gitCheckout: inputs.gitSource?.checkout,
  };
}

/** The call's git source, with pipeline.yaml's git image. */
export function gitSourceOf(inputs: CallInputs, config: PipelineConfig): GitSource {
  return { checkout: inputs.gitSource?.checkout, ref: inputs.gitSource?.ref, image: config.images.git };
}

/** The summary's line on the commit, and what was noted reading it; nothing without one (see runProjects). */
function gitNotes(reading: GitReading): string[] {
  const { metadata, notes } = reading;
  if (!metadata) return [];
  const on = metadata.branch ? ` on \`${metadata.branch}\`` : " (detached HEAD)";
  const tags = metadata.tags.length > 0 ? `, tagged ${metadata.tags.map((t) => `\`${t}\``).join(", ")}` : "";
  const remote = metadata.remoteUrl ? ` of ${metadata.remoteUrl}` : "";
  return [`Commit \`${metadata.shortSha}\`${remote}${on}${tags}, committed ${metadata.commitTime}.`, ...notes.map((n) => `Note: ${n}`)];
}

function summaryOf(projects: readonly ProjectRun[], notes: string[]): string {
  if (projects.length === 1 && projects[0]!.name === undefined && projects[0]!.loaded) {
    return renderSummaryMarkdown(projects[0]!.results, { title: projectTitle(projects[0]!.loaded), notes });
  }
  const failed = projects.flatMap((p) => [
    ...(p.problem !== undefined ? [`${p.name}: not loaded`] : []),
    ...p.results.filter((r) => r.status === "failed").map((r) => `${p.name}: ${r.name}`),
  ]);
  const total = projects.reduce((n, p) => n + p.results.length, 0);
  const passed = projects.reduce((n, p) => n + p.results.filter((r) => r.status === "passed").length, 0);
  const head = [
    `# Pipeline: ${projects.length} projects`,
    "",
    ...(notes.length > 0 ? [...notes, ""] : []),
    failed.length > 0
      ? `**❌ Failed**: ${failed.join(", ")}`
      : passed === 0
        ? `**⏭ Nothing ran**: all ${total} stages skipped, none passed`
        : `**✅ Passed**: ${passed} of ${total} stages passed, ${total - passed} skipped`,
    "",
    "| Project | Language | Folder | Passed | Failed | Skipped |",
    "| --- | --- | --- | ---: | ---: | ---: |",
    ...projects.map((p) => {
      const count = (status: StageResult["status"]) => p.results.filter((r) => r.status === status).length;
      return p.loaded
        ? `| ${p.name} | ${p.loaded.language} | ${p.loaded.config.workdir} | ${count("passed")} | ${count("failed")} | ${count("skipped")} |`
        : `| ${p.name} | - | - | 0 | not loaded | - |`;
    }),
  ];
  const parts = projects.map((p) =>
    p.loaded
      ? renderSummaryMarkdown(p.results, { title: `${p.name}: ${projectTitle(p.loaded)}`, headingLevel: 2 })
      : `## ❌ ${p.name}: not loaded\n\n\`\`\`text\n${p.problem ?? ""}\n\`\`\`\n`,
  );
  return `${head.join("\n")}\n\n${parts.join("\n")}`;
}

function projectTitle(loaded: LoadedProject): string {
  return `Pipeline: ${loaded.language} project${loaded.config.workdir === "." ? "" : ` in ${loaded.config.workdir}`}`;
}

/**
 * All report files of a run, plus summary.md, as one directory to export or
 * upload; with `projects`, each project's under its name (reports/web/test/junit.xml).
 */
export function reportsDirectory(run: StagesRun): Directory {
  let dir = dag.directory().withNewFile("summary.md", run.summary);
  for (const project of run.projects) {
    const prefix = project.name === undefined ? "" : `${project.name}/`;
    for (const result of project.results) {
      for (const [path, contents] of Object.entries(result.reports)) dir = dir.withNewFile(`${prefix}${path}`, contents);
    }
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
