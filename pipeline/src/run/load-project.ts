import { ExistsType, type Directory } from "@dagger.io/dagger";
import { mayExist, type Project } from "../../modules/project.js";
import { detectLanguage, LANGUAGE_MARKERS, REQUIRED_MANIFEST } from "../config/detect.js";
import { formatProblem, loadConfig } from "../config/load.js";
import type { Language, PipelineConfig } from "../config/schema.js";

export const CONFIG_FILE = "pipeline.yaml";

/** A problem in what the user gave: shown as its message alone, never as a stack trace. */
export class PipelineUserError extends Error {
  override readonly name = "PipelineUserError";
}

export interface LoadedProject {
  /** Its key under pipeline.yaml's `projects`; undefined for a single-project file. */
  name?: string | undefined;
  config: PipelineConfig;
  language: Language;
  project: Project;
  /** The whole source as given (the repository root) and its root entries: the secret scan reads all of it. */
  repository: { source: Directory; entries: readonly string[] };
  /** The committed benchmark baseline's text, when there is one; the bench stage parses it, so a broken file fails that stage alone. */
  baselineText: string | undefined;
  /** Set when something other than a file is at the baseline's path. */
  baselineProblem?: string;
  /** Set by bench-baseline: the bench stage measures with stages.bench.count samples although there is no baseline. */
  recordingBaseline?: boolean;
}

/**
 * Reads pipeline.yaml (optional), applies `workdir`, and detects the language.
 * With `projects`, loads the one named `name`: a function that runs on one
 * project (bench-baseline, release) needs it.
 */
export async function loadProject(source: Directory, name?: string): Promise<LoadedProject> {
  const { loaded, rootEntries } = await readConfigFile(source);
  if (loaded.projects.length === 0) {
    if (name !== undefined) {
      throw new PipelineUserError(`--project ${JSON.stringify(name)}: ${CONFIG_FILE} has no projects; leave --project out.`);
    }
    return loadFolder(source, rootEntries, loaded.config);
  }
  const names = loaded.projects.map((p) => p.name);
  const chosen = loaded.projects.find((p) => p.name === name);
  if (!chosen) {
    throw new PipelineUserError(
      `${CONFIG_FILE} has several projects (${names.join(", ")}), ${name === undefined ? "and this function runs on one" : `none named ${JSON.stringify(name)}`}.\n` +
        `  Fix: name it, e.g. --project ${names[0]}`,
    );
  }
  return loadFolder(source, rootEntries, chosen.config, chosen.name);
}

/** One project's load: loaded, or why it could not be (that project fails alone; the others run). */
export type ProjectLoad = { name: string | undefined; loaded: LoadedProject } | { name: string; problem: string };

/**
 * Every project of pipeline.yaml (the whole repository, without `projects`).
 * A broken pipeline.yaml fails the call; a project whose folder or language
 * cannot be loaded fails alone.
 */
export async function loadProjects(source: Directory): Promise<ProjectLoad[]> {
  const { loaded, rootEntries } = await readConfigFile(source);
  if (loaded.projects.length === 0) return [{ name: undefined, loaded: await loadFolder(source, rootEntries, loaded.config) }];
  return Promise.all(
    loaded.projects.map(async ({ name, config }): Promise<ProjectLoad> => {
      try {
        return { name, loaded: await loadFolder(source, rootEntries, config, name) };
      } catch (error) {
        if (error instanceof PipelineUserError) return { name, problem: error.message };
        throw error;
      }
    }),
  );
}

async function readConfigFile(source: Directory): Promise<{ loaded: Extract<ReturnType<typeof loadConfig>, { ok: true }>; rootEntries: string[] }> {
  const rootEntries = await source.entries();
  // A folder is listed with a trailing slash: without this check it would pass for "no config" and the defaults would apply silently.
  if (rootEntries.includes(`${CONFIG_FILE}/`)) {
    throw new PipelineUserError(
      `${CONFIG_FILE} is a directory, not a file.\n` +
        `  Fix: remove or rename the ${CONFIG_FILE}/ folder at the repository root, and put the pipeline's settings in a file named ${CONFIG_FILE} (or in none, for the defaults).`,
    );
  }
  const text = rootEntries.includes(CONFIG_FILE) ? await source.file(CONFIG_FILE).contents() : undefined;
  const loaded = loadConfig(text, CONFIG_FILE);
  if (!loaded.ok) {
    throw new PipelineUserError(`${CONFIG_FILE} is invalid:\n${loaded.problems.map(formatProblem).join("\n")}`);
  }
  return { loaded, rootEntries };
}

/** A project's folder, its language and what its tools get, from its config. */
async function loadFolder(source: Directory, rootEntries: readonly string[], config: PipelineConfig, name?: string): Promise<LoadedProject> {
  const where = name === undefined ? CONFIG_FILE : `${CONFIG_FILE} projects.${name}`;
  if (config.workdir !== "." && !(await source.exists(config.workdir, { expectedType: ExistsType.DirectoryType }))) {
    throw new PipelineUserError(
      `${where}: workdir "${config.workdir}" is not a folder of the repository.\n` +
        `  Fix: set workdir to the folder that holds the project (relative to the repository root), or remove it.`,
    );
  }
  const dir = config.workdir === "." ? source : source.directory(config.workdir);
  const entries = config.workdir === "." ? rootEntries : await dir.entries();
  const language = config.language ?? detectLanguage(entries);
  if (!language) {
    throw new PipelineUserError(
      `cannot detect the project language in ${config.workdir}: none of ${LANGUAGE_MARKERS.join(", ")} is there.\n` +
        `  Fix: set "language: go|node|python" (and "workdir" if the project is in a subfolder) in ${where}`,
    );
  }
  const manifest = REQUIRED_MANIFEST[language];
  if (config.language && manifest && !entries.includes(manifest)) {
    const detected = detectLanguage(entries);
    throw new PipelineUserError(
      `${where}: language "${language}", but ${config.workdir === "." ? "the repository root" : `workdir "${config.workdir}"`} has no ${manifest}` +
        `${detected ? ` (its files look like a ${detected} project)` : ""}.\n` +
        `  Fix: correct language (or remove it, to detect the language), or point workdir at the folder with the ${manifest}.`,
    );
  }
  // The one place deciding what the tools see; the reads above and the baseline's below use the whole folder.
  const { exclude } = config.toolInputs;
  const project: Project = { source: dir, toolInputs: exclude.length > 0 ? dir.filter({ exclude }) : dir, entries };
  return { name, config, language, project, repository: { source, entries: rootEntries }, ...(await readBaseline(dir, entries, config)) };
}

/**
 * The baseline's text, none when there is none; something else at its path is
 * a problem of the bench stage alone (like a baseline that does not parse),
 * not "no baseline".
 */
async function readBaseline(dir: Directory, entries: readonly string[], config: PipelineConfig): Promise<Pick<LoadedProject, "baselineText" | "baselineProblem">> {
  const path = config.stages.bench.baseline;
  // Most projects have none yet: when its first folder is not there, ask nothing (each question is a round trip before any stage starts).
  if (!mayExist(entries, path)) return { baselineText: undefined };
  if (await dir.exists(path, { expectedType: ExistsType.RegularType })) return { baselineText: await dir.file(path).contents() };
  if (!(await dir.exists(path))) return { baselineText: undefined };
  const fromRoot = config.workdir === "." ? path : `${config.workdir}/${path}`;
  return {
    baselineText: undefined,
    baselineProblem:
      `${CONFIG_FILE}: stages.bench.baseline "${path}" is a directory, not a baseline file.\n` +
      `Fix: remove or rename the folder ${fromRoot}, then record a baseline with: dagger call bench-baseline -o ${fromRoot}\n` +
      `(or set stages.bench.baseline in ${CONFIG_FILE} to a file path).`,
  };
}
