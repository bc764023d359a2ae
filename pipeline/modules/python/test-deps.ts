import { iniLines, type IniFile } from "./ini.js";
import { tomlGet, type TomlTable, type TomlValue } from "./toml.js";

/**
 * What a Python project declares its tests need, from its manifests alone
 * (never by building it, so the install step stays cached while code
 * changes): requirement files, tox's [testenv] deps and extras, pyproject's
 * dependencies with its test extras, and PEP 735 dependency groups.
 */

/** Requirement files at the root, installed in this order when present. */
export const ROOT_REQUIREMENT_FILES = [
  "requirements.txt",
  "requirements-dev.txt",
  "requirements_dev.txt",
  "dev-requirements.txt",
  "requirements-test.txt",
  "requirements_test.txt",
  "test-requirements.txt",
  "requirements-tests.txt",
] as const;

/** Files of a `requirements/` folder that hold the tests' requirements. */
const FOLDER_REQUIREMENTS = /^(test|tests|testing|dev)([-_.][\w.-]*)?\.txt$/;

/** Names of pyproject extras and dependency groups commonly holding the tests' dependencies. */
export const TEST_EXTRAS = ["test", "tests", "testing", "dev"] as const;

/** What the install step reads: its pip arguments and the files they name. */
export interface TestDependencies {
  /** `-r file`, `-c file` and requirement specifiers, for one `pip install`; empty when there is nothing. */
  pipArgs: string[];
  /** The files those arguments read, copied into the install step alone. */
  files: string[];
  /** Where they came from, for the stage's details. */
  sources: string[];
}

export interface DependencyManifests {
  entries: readonly string[];
  /** The names in `requirements/`, when there is that folder. */
  requirementsFolder?: readonly string[] | undefined;
  pyproject?: TomlTable | undefined;
  tox?: IniFile | undefined;
}

export function testDependencies(manifests: DependencyManifests): TestDependencies {
  const requirementFiles: string[] = ROOT_REQUIREMENT_FILES.filter((file) => manifests.entries.includes(file));
  for (const name of [...(manifests.requirementsFolder ?? [])].sort()) {
    if (FOLDER_REQUIREMENTS.test(name)) requirementFiles.push(`requirements/${name}`);
  }
  const sources = [...requirementFiles];
  const tox = manifests.tox ? toxDependencies(manifests.tox) : { requirementFiles: [], constraintFiles: [], requirements: [], extras: [] };
  if (tox.requirementFiles.length + tox.constraintFiles.length + tox.requirements.length + tox.extras.length > 0) sources.push("tox.ini [testenv]");
  const files = [...new Set([...requirementFiles, ...tox.requirementFiles])];
  const fromPyproject = manifests.pyproject ? pyprojectDependencies(manifests.pyproject, tox.extras) : { requirements: [], sources: [] };
  sources.push(...fromPyproject.sources);
  const requirements = [...new Set([...tox.requirements, ...fromPyproject.requirements])];
  // Each reaches pip as one argument: one that reads as an option would change what pip does.
  const option = requirements.find((requirement) => requirement.startsWith("-"));
  if (option !== undefined) throw new Error(`pyproject.toml: the requirement ${JSON.stringify(option)} reads as a pip option. Fix: write a requirement (name, extras, version), or put options in a requirements file.`);
  return {
    pipArgs: [...files.flatMap((file) => ["-r", file]), ...tox.constraintFiles.flatMap((file) => ["-c", file]), ...requirements],
    files: [...files, ...tox.constraintFiles],
    sources,
  };
}

/**
 * tox.ini's `[testenv]` deps and extras. Lines of a factor (`py311: mock`)
 * belong to named environments only, and other substitutions than
 * `{toxinidir}` cannot be resolved without tox: both are left out.
 */
export function toxDependencies(tox: IniFile): { requirementFiles: string[]; constraintFiles: string[]; requirements: string[]; extras: string[] } {
  const testenv = tox.get("testenv");
  const result = { requirementFiles: [] as string[], constraintFiles: [] as string[], requirements: [] as string[], extras: [] as string[] };
  for (const raw of iniLines(testenv?.get("deps"))) {
    const line = raw.replace(/\{toxinidir\}\//g, "");
    if (/^[\w!,{}.-]+:\s/.test(line) || line.includes("{")) continue;
    const option = /^(-r|--requirement|-c|--constraint)\s*=?\s*(\S+)$/.exec(line);
    if (option) {
      (option[1] === "-r" || option[1] === "--requirement" ? result.requirementFiles : result.constraintFiles).push(option[2]!.replace(/^\.\//, ""));
    } else if (!line.startsWith("-") && !line.startsWith(".")) {
      // The project itself (`.`, `-e .`) would need the source: its test extras come from pyproject instead.
      result.requirements.push(line);
    }
  }
  result.extras = iniLines(testenv?.get("extras")).flatMap((line) => line.split(",")).map((e) => e.trim()).filter((e) => e !== "");
  return result;
}

/** pyproject.toml's `[project] dependencies`, its test extras (and tox's) and its test dependency groups. */
export function pyprojectDependencies(pyproject: TomlTable, toxExtras: readonly string[] = []): { requirements: string[]; sources: string[] } {
  const sources: string[] = [];
  const requirements: string[] = [];
  const project = tomlGet(pyproject, "project");
  const name = typeof tomlGet(pyproject, "project", "name") === "string" ? normalizeName(tomlGet(pyproject, "project", "name") as string) : undefined;
  const dependencies = stringList(tomlGet(pyproject, "project", "dependencies"), "project.dependencies");
  if (project !== undefined) {
    requirements.push(...dependencies);
    if (dependencies.length > 0) sources.push("pyproject.toml [project] dependencies");
  }
  const extras = tomlGet(pyproject, "project", "optional-dependencies");
  const wanted = [...new Set([...TEST_EXTRAS, ...toxExtras])].filter((extra) => isTable(extras) && extra in extras);
  if (isTable(extras) && wanted.length > 0) {
    requirements.push(...expandExtras(extras, wanted, name));
    sources.push(`pyproject.toml extras ${wanted.join(", ")}`);
  }
  const groups = tomlGet(pyproject, "dependency-groups");
  const groupNames = TEST_EXTRAS.filter((group) => isTable(groups) && group in groups);
  if (isTable(groups) && groupNames.length > 0) {
    requirements.push(...groupNames.flatMap((group) => dependencyGroup(groups, group)));
    sources.push(`pyproject.toml dependency groups ${groupNames.join(", ")}`);
  }
  return { requirements: [...new Set(requirements)], sources };
}

/** The extras' requirements; one naming the project itself (`name[other]`) brings in those extras instead. */
function expandExtras(extras: TomlTable, wanted: readonly string[], name: string | undefined): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (extra: string) => {
    if (seen.has(extra)) return;
    seen.add(extra);
    for (const requirement of stringList(extras[extra], `project.optional-dependencies.${extra}`)) {
      const self = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*\[([^\]]*)\]\s*$/.exec(requirement);
      if (name !== undefined && self && normalizeName(self[1]!) === name) self[2]!.split(",").map((e) => e.trim()).forEach(visit);
      else out.push(requirement);
    }
  };
  wanted.forEach(visit);
  return out;
}

/**
 * A PEP 735 group's requirements, with `{include-group = "..."}` expanded.
 * Read here rather than by `pip install --group`, which needs pip 25.1 (the image's is older).
 */
export function dependencyGroup(groups: TomlTable, group: string, including: readonly string[] = []): string[] {
  const where = `pyproject.toml [dependency-groups] ${group}`;
  if (including.includes(group)) throw new Error(`${where}: includes itself (through ${including.join(" → ")}). Fix: remove the cycle of include-group entries.`);
  const list = groups[group];
  if (list === undefined) throw new Error(`${where}: no such group (included by ${including[including.length - 1]}). Fix: add the group or correct the include-group name.`);
  if (!Array.isArray(list)) throw new Error(`${where}: expected an array of requirements. Fix: write ${group} = ["pytest", ...].`);
  return list.flatMap((item) => {
    if (typeof item === "string") return [item];
    const included = isTable(item) ? item["include-group"] : undefined;
    if (typeof included !== "string") throw new Error(`${where}: an entry is neither a requirement string nor {include-group = "name"}. Fix: correct it.`);
    return dependencyGroup(groups, included, [...including, group]);
  });
}

function stringList(value: TomlValue | undefined, where: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== "string")) {
    throw new Error(`pyproject.toml ${where}: expected an array of requirement strings. Fix: write it as ["name>=1.0", ...].`);
  }
  return value as string[];
}

function isTable(value: TomlValue | undefined): value is TomlTable {
  return value !== undefined && typeof value === "object" && !Array.isArray(value);
}

/** PEP 503: `My_Project` and `my-project` name one project. */
function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}
