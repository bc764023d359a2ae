import { readFileSync } from "node:fs";
import { join } from "node:path";
import { formatProblem, loadConfig, type ConfigProblem } from "../../pipeline/src/config/load.js";
import type { PipelineConfig } from "../../pipeline/src/config/schema.js";
import { CliError } from "../errors.js";
import { pathKind } from "../path-kind.js";

export interface ValidateResult {
  file: string;
  config?: PipelineConfig;
  problems: ConfigProblem[];
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
    throw new CliError("CONFIG_UNREADABLE", `${file}: permission denied.\n  Fix: make it readable by this user (chmod +r), or run as its owner.`);
  }
  if (kind === "missing") {
    if (options.explicit) {
      throw new CliError("CONFIG_NOT_FOUND", `${file}: no such file.\n  Fix: pass the path of a pipeline.yaml, or run \`pipeline init\` to write one.`);
    }
    const loaded = loadConfig(undefined, file);
    return { file, problems: [], ...(loaded.ok ? { config: loaded.config } : {}) };
  }
  const loaded = loadConfig(readFileSync(file, "utf8"), file);
  return loaded.ok ? { file, config: loaded.config, problems: [] } : { file, problems: loaded.problems };
}

export function renderValidation(result: ValidateResult): string {
  if (result.problems.length === 0) return `${result.file}: valid\n`;
  const count = result.problems.length;
  return `${result.problems.map(formatProblem).join("\n")}\n${count} problem${count === 1 ? "" : "s"} in ${result.file}\n`;
}
