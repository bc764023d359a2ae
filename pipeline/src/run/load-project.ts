import { ExistsType, type Directory } from "@dagger.io/dagger";
import type { Project } from "../../../modules/project.js";
import { detectLanguage, LANGUAGE_MARKERS } from "../config/detect.js";
import { formatProblem, loadConfig } from "../config/load.js";
import type { Language, PipelineConfig } from "../config/schema.js";

export const CONFIG_FILE = "pipeline.yaml";

/** A problem in what the user gave: shown as its message alone, never as a stack trace. */
export class PipelineUserError extends Error {
  override readonly name = "PipelineUserError";
}

export interface LoadedProject {
  config: PipelineConfig;
  language: Language;
  project: Project;
  /** The committed benchmark baseline's text, when there is one; the bench stage parses it, so a broken file fails that stage alone. */
  baselineText: string | undefined;
}

/** Reads pipeline.yaml (optional), applies `workdir`, and detects the language. */
export async function loadProject(source: Directory): Promise<LoadedProject> {
  const rootEntries = await source.entries();
  const text = rootEntries.includes(CONFIG_FILE) ? await source.file(CONFIG_FILE).contents() : undefined;
  const loaded = loadConfig(text, CONFIG_FILE);
  if (!loaded.ok) {
    throw new PipelineUserError(`${CONFIG_FILE} is invalid:\n${loaded.problems.map(formatProblem).join("\n")}`);
  }
  const { config } = loaded;
  if (config.workdir !== "." && !(await source.exists(config.workdir, { expectedType: ExistsType.DirectoryType }))) {
    throw new PipelineUserError(
      `${CONFIG_FILE}: workdir "${config.workdir}" is not a folder of the repository.\n` +
        `  Fix: set workdir to the folder that holds the project (relative to the repository root), or remove it.`,
    );
  }
  const dir = config.workdir === "." ? source : source.directory(config.workdir);
  const entries = config.workdir === "." ? rootEntries : await dir.entries();
  const language = config.language ?? detectLanguage(entries);
  if (!language) {
    throw new PipelineUserError(
      `cannot detect the project language in ${config.workdir}: none of ${LANGUAGE_MARKERS.join(", ")} is there.\n` +
        `  Fix: set "language: go|node|python" (and "workdir" if the project is in a subfolder) in ${CONFIG_FILE}`,
    );
  }
  const project: Project = { source: dir, entries };
  const baselinePath = config.stages.bench.baseline;
  const baselineText = (await dir.exists(baselinePath)) ? await dir.file(baselinePath).contents() : undefined;
  return { config, language, project, baselineText };
}
