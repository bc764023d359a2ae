import { oncePerProject, readProjectFile, type Project } from "../project.js";
import { parseIni, type IniFile } from "./ini.js";
import { lintPlan, type LintPlan } from "./linters.js";
import { preCommitHooks } from "./pre-commit.js";
import { testDependencies, type TestDependencies } from "./test-deps.js";
import { parseToml, TomlError, type TomlTable } from "./toml.js";

/** The INI files whose sections configure linters (and tox's test environments). */
const INI_FILES = ["setup.cfg", "tox.ini", ".flake8", ".isort.cfg"] as const;

/** What the Python stages run, read once per project from its own configuration. */
export interface PythonSetup {
  lint: LintPlan;
  dependencies: TestDependencies;
}

/** Reads the project's manifests (each a round trip, all at once, once per project) and decides both. */
export const readPythonSetup = oncePerProject(async (project: Project): Promise<PythonSetup> => {
  const [pyprojectText, preCommitText, requirementsFolder, ...iniTexts] = await Promise.all([
    readProjectFile(project, "pyproject.toml"),
    readProjectFile(project, ".pre-commit-config.yaml"),
    project.entries.includes("requirements/") ? project.source.directory("requirements").entries() : Promise.resolve(undefined),
    ...INI_FILES.map((file) => readProjectFile(project, file)),
  ]);
  return pythonSetup({ entries: project.entries, pyprojectText, preCommitText, requirementsFolder, iniTexts: Object.fromEntries(INI_FILES.map((file, i) => [file, iniTexts[i]])) });
});

/** The decision from the files' texts: pure, so tests give it files directly. */
export function pythonSetup(files: {
  entries: readonly string[];
  pyprojectText?: string | undefined;
  preCommitText?: string | undefined;
  requirementsFolder?: readonly string[] | undefined;
  iniTexts?: Readonly<Record<string, string | undefined>>;
}): PythonSetup {
  const pyproject = files.pyprojectText === undefined ? undefined : readPyproject(files.pyprojectText);
  const ini = new Map<string, IniFile>();
  for (const [file, text] of Object.entries(files.iniTexts ?? {})) if (text !== undefined) ini.set(file, parseIni(text));
  const preCommit = files.preCommitText === undefined ? undefined : preCommitHooks(files.preCommitText);
  return {
    lint: lintPlan({ entries: files.entries, pyproject, ini, preCommit }),
    dependencies: testDependencies({ entries: files.entries, requirementsFolder: files.requirementsFolder, pyproject, tox: ini.get("tox.ini") }),
  };
}

function readPyproject(text: string): TomlTable {
  try {
    return parseToml(text);
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    throw new Error(`pyproject.toml line ${error.line}: ${error.reason}. Fix: correct the TOML (python -c "import tomllib; tomllib.load(open('pyproject.toml', 'rb'))" reads it the same way).`);
  }
}
