import type { IniFile } from "./ini.js";
import type { PreCommitHook } from "./pre-commit.js";
import { tomlGet, type TomlTable } from "./toml.js";

/**
 * Which linters and formatters a Python project uses, read from its own
 * configuration, each run in check mode. The project's choice comes first:
 * ruff is the default only for a project that names none of these tools.
 */
export type LintTool = "ruff-check" | "ruff-format" | "black" | "isort" | "flake8";

/** What the choice reads: pyproject.toml, the INI files, the pre-commit hooks and the root entries. */
export interface LintConfig {
  entries: readonly string[];
  pyproject?: TomlTable | undefined;
  /** setup.cfg, tox.ini, .flake8 and .isort.cfg, by file name, when present. */
  ini: ReadonlyMap<string, IniFile>;
  preCommit?: readonly PreCommitHook[] | undefined;
}

export interface LintCommand {
  tool: LintTool;
  argv: string[];
}

export interface LintPlan {
  commands: LintCommand[];
  /** Where the choice came from, for the stage's details. */
  source: string;
}

/** pre-commit hook ids (of the tools' own hook repositories) and the tool each runs. */
const HOOK_TOOLS: Readonly<Record<string, LintTool>> = {
  black: "black",
  "black-jupyter": "black",
  isort: "isort",
  flake8: "flake8",
  // ruff-pre-commit's legacy id for the linter, and its current ones.
  ruff: "ruff-check",
  "ruff-check": "ruff-check",
  "ruff-format": "ruff-format",
};

/** Hook arguments that would change files instead of checking them: check mode is the pipeline's. */
const FIXING_ARGS = new Set(["--fix", "--exit-non-zero-on-fix", "--unsafe-fixes", "--show-fixes", "--in-place", "--apply", "--overwrite-in-place"]);

export function lintPlan(config: LintConfig): LintPlan {
  const hooks = (config.preCommit ?? []).filter((hook) => hook.id in HOOK_TOOLS);
  if (hooks.length > 0) {
    const seen = new Set<LintTool>();
    const commands = hooks.flatMap((hook) => {
      const tool = HOOK_TOOLS[hook.id]!;
      if (seen.has(tool)) return [];
      seen.add(tool);
      return [{ tool, argv: checkArgs(tool, hook.args.filter((arg) => !FIXING_ARGS.has(arg))) }];
    });
    return { commands, source: ".pre-commit-config.yaml" };
  }
  const configured = configuredTools(config);
  if (configured.tools.length === 0) return { commands: defaultCommands(), source: "the pipeline's default (the project configures none)" };
  return { commands: configured.tools.map((tool) => ({ tool, argv: checkArgs(tool) })), source: configured.files.join(", ") };
}

/** ruff check and ruff format --check. */
function defaultCommands(): LintCommand[] {
  return [
    { tool: "ruff-check", argv: checkArgs("ruff-check") },
    { tool: "ruff-format", argv: checkArgs("ruff-format") },
  ];
}

/**
 * The tools the configuration files set up, in a fixed order. A project with
 * both [tool.ruff] and [tool.black] lints with ruff and formats with black;
 * ruff formats when it is the only formatter configured, or `[tool.ruff.format]` says so.
 */
function configuredTools(config: LintConfig): { tools: LintTool[]; files: string[] } {
  const found = new Map<LintTool, string>();
  const note = (tool: LintTool, file: string | undefined) => file !== undefined && !found.has(tool) && found.set(tool, file);
  const pyproject = config.pyproject;
  const inPyproject = (tool: string) => (pyproject && tomlGet(pyproject, "tool", tool) !== undefined ? "pyproject.toml" : undefined);
  const iniWith = (...sections: string[]) => [...config.ini].find(([, ini]) => sections.some((s) => ini.has(s)))?.[0];
  const hasEntry = (...names: string[]) => names.find((name) => config.entries.includes(name));

  note("black", inPyproject("black"));
  note("isort", inPyproject("isort") ?? hasEntry(".isort.cfg") ?? iniWith("isort", "tool:isort"));
  // [tool.flake8] is read by the flake8-pyproject plugin, not flake8 itself: it still says the project uses flake8.
  note("flake8", hasEntry(".flake8") ?? iniWith("flake8") ?? inPyproject("flake8"));
  const ruff = inPyproject("ruff") ?? hasEntry("ruff.toml", ".ruff.toml");
  note("ruff-check", ruff);
  const ruffFormats = pyproject !== undefined && tomlGet(pyproject, "tool", "ruff", "format") !== undefined;
  if (ruffFormats || !found.has("black")) note("ruff-format", ruff);

  const order: LintTool[] = ["ruff-check", "flake8", "isort", "black", "ruff-format"];
  const tools = order.filter((tool) => found.has(tool));
  return { tools, files: [...new Set(tools.map((tool) => found.get(tool)!))] };
}

/** The tool's check-only command over the whole project; `extra` are the project's own hook arguments. */
export function checkArgs(tool: LintTool, extra: readonly string[] = []): string[] {
  switch (tool) {
    case "ruff-check":
      return ["ruff", "check", "--output-format=concise", "."];
    // Exits 1 and lists the files it would reformat.
    case "ruff-format":
      return ["ruff", "format", "--check", "."];
    // Exit 1 when a file would change; the diff shows how.
    case "black":
      return ["black", ...extra, "--check", "--diff", "."];
    case "isort":
      return ["isort", ...extra, "--check-only", "--diff", "."];
    case "flake8":
      return ["flake8", ...extra, "."];
  }
}
