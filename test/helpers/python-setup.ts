import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { pythonSetup, type PythonSetup } from "../../pipeline/modules/python/manifests.js";

/** The files of a local folder the Python toolchain reads (readPythonSetup reads them from a Directory), decided by the same pure function. */
export function localPythonSetup(root: string): PythonSetup {
  const entries = readdirSync(root).map((name) => (statSync(join(root, name)).isDirectory() ? `${name}/` : name));
  const read = (file: string) => (existsSync(join(root, file)) ? readFileSync(join(root, file), "utf8") : undefined);
  return pythonSetup({
    entries,
    pyprojectText: read("pyproject.toml"),
    preCommitText: read(".pre-commit-config.yaml"),
    requirementsFolder: entries.includes("requirements/") ? readdirSync(join(root, "requirements")) : undefined,
    iniTexts: Object.fromEntries(["setup.cfg", "tox.ini", ".flake8", ".isort.cfg"].map((file) => [file, read(file)])),
  });
}
