import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { formatProblem, loadConfig, type ConfigProblem } from "../../pipeline/src/config/load.js";
import type { PipelineConfig } from "../../pipeline/src/config/schema.js";
import { CliError } from "../errors.js";
import { pathKind, systemError } from "../path-kind.js";

export interface ValidateResult {
  file: string;
  config?: PipelineConfig;
  problems: ConfigProblem[];
  /** No file at the default path: every key takes its default. */
  absent?: true;
}

/** Validates a pipeline.yaml file. A missing default file is valid: every key has a default. */
export function validate(file = "pipeline.yaml", options: { explicit?: boolean } = {}): ValidateResult {
  const kind = pathKind(file);
  if (kind === "directory") {
    throw new CliError(
      "CONFIG_IS_A_DIRECTORY",
      `${file} is a directory, not a pipeline.yaml.\n  Fix: pass the file itself: pipeline validate ${join(file, "pipeline.yaml")}`,
    );
  }
  if (kind === "no-access") {
    throw new CliError(
      "CONFIG_UNREADABLE",
      `${file}: permission denied: a folder on its path cannot be searched.\n  Fix: make that folder searchable by this user (chmod u+x), or run as its owner.`,
    );
  }
  if (kind === "other") {
    // Reading a FIFO blocks until something writes to it: refuse rather than hang.
    throw new CliError(
      "CONFIG_NOT_A_FILE",
      `${file} is not a regular file (a FIFO, socket or device), so it cannot be a pipeline.yaml.\n  Fix: pass the path of the pipeline.yaml file itself.`,
    );
  }
  if (kind === "missing") {
    if (options.explicit) {
      throw new CliError("CONFIG_NOT_FOUND", `${file}: no such file.\n  Fix: pass the path of a pipeline.yaml, or run \`pipeline init\` to write one.`);
    }
    const loaded = loadConfig(undefined, file);
    return { file, problems: [], absent: true, ...(loaded.ok ? { config: loaded.config } : {}) };
  }
  const loaded = loadConfig(readText(file), file);
  return loaded.ok ? { file, config: loaded.config, problems: [] } : { file, problems: loaded.problems };
}

/** The file's text; a read the stat did not foresee (no read permission, an I/O error) is the user's to fix. */
function readText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    const failure = systemError(error);
    if (!failure) throw error;
    const fix =
      failure.code === "EACCES" || failure.code === "EPERM"
        ? `make it readable by this user (chmod u+r ${file}), or run as its owner`
        : "check the file, and that its file system is mounted and healthy";
    throw new CliError("CONFIG_UNREADABLE", `${file}: cannot be read: ${failure.reason}.\n  Fix: ${fix}.`);
  }
}

export function renderValidation(result: ValidateResult): string {
  if (result.absent) {
    return `no pipeline.yaml in ${resolve(dirname(result.file))}: every key takes its default (pipeline init writes a commented one)\n`;
  }
  if (result.problems.length === 0) return `${result.file}: valid\n`;
  const count = result.problems.length;
  return `${result.problems.map(formatProblem).join("\n")}\n${count} problem${count === 1 ? "" : "s"} in ${result.file}\n`;
}
