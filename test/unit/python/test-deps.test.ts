import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { pythonSetup } from "../../../pipeline/modules/python/manifests.js";
import { testProjectPath } from "../../helpers/examples.js";

function dependencies(files: Record<string, string>, requirementsFolder?: string[]) {
  const entries = [...Object.keys(files), ...(requirementsFolder ? ["requirements/"] : [])];
  return pythonSetup({ entries, pyprojectText: files["pyproject.toml"], requirementsFolder, iniTexts: { "tox.ini": files["tox.ini"] } }).dependencies;
}

describe("the Python test dependencies, from what the project declares", () => {
  it("installs the requirement files at the root and the test ones of requirements/, in one pip install", () => {
    const deps = dependencies({ "requirements.txt": "", "test-requirements.txt": "", "requirements-dev.txt": "", "README.md": "" }, ["base.txt", "test.txt", "dev-extra.txt", "docs.txt"]);
    expect(deps.pipArgs).toEqual(["-r", "requirements.txt", "-r", "requirements-dev.txt", "-r", "test-requirements.txt", "-r", "requirements/dev-extra.txt", "-r", "requirements/test.txt"]);
    expect(deps.files).toEqual(["requirements.txt", "requirements-dev.txt", "test-requirements.txt", "requirements/dev-extra.txt", "requirements/test.txt"]);
  });

  it("reads tox.ini's [testenv] deps: requirement files, constraints and requirements, not factor lines or substitutions", () => {
    const tox = `[testenv]
deps =
    -r{toxinidir}/ci/test.txt
    -c constraints.txt
    pytest>=8  # the runner
    py38: mock
    {[base]deps}
    -e .
commands = pytest
[testenv:docs]
deps = sphinx
`;
    const deps = dependencies({ "tox.ini": tox });
    expect(deps.pipArgs).toEqual(["-r", "ci/test.txt", "-c", "constraints.txt", "pytest>=8"]);
    expect(deps.files).toEqual(["ci/test.txt", "constraints.txt"]);
    expect(deps.sources).toEqual(["tox.ini [testenv]"]);
  });

  it("installs [project] dependencies and the test extras, expanding the project's references to its own extras", () => {
    const pyproject = `[project]
name = "My_Lib"
dependencies = ["attrs>=23"]
[project.optional-dependencies]
test = ["pytest", "my-lib[fast]"]
fast = ["orjson"]
docs = ["sphinx"]
`;
    expect(dependencies({ "pyproject.toml": pyproject }).pipArgs).toEqual(["attrs>=23", "pytest", "orjson"]);
  });

  it("adds the extras tox.ini's [testenv] names", () => {
    const pyproject = '[project]\nname = "x"\n[project.optional-dependencies]\nproperty = ["hypothesis"]\nother = ["six"]\n';
    expect(dependencies({ "pyproject.toml": pyproject, "tox.ini": "[testenv]\nextras =\n    property\n" }).pipArgs).toEqual(["hypothesis"]);
  });

  it("reads PEP 735 dependency groups, following include-group", () => {
    const pyproject = `[dependency-groups]
dev = [{include-group = "test"}, "ruff"]
test = ["pytest", {include-group = "cov"}]
cov = ["coverage"]
docs = ["sphinx"]
`;
    expect(dependencies({ "pyproject.toml": pyproject }).pipArgs).toEqual(["pytest", "coverage", "ruff"]);
  });

  it("refuses a cycle of include-group, a missing group and a requirement that reads as a pip option, naming them", () => {
    expect(() => dependencies({ "pyproject.toml": '[dependency-groups]\ntest = [{include-group = "a"}]\na = [{include-group = "test"}]\n' })).toThrow(
      /^pyproject\.toml \[dependency-groups\] test: includes itself \(through test → a\)\. Fix:/,
    );
    expect(() => dependencies({ "pyproject.toml": '[dependency-groups]\ntest = [{include-group = "nope"}]\n' })).toThrow(/\[dependency-groups\] nope: no such group \(included by test\)/);
    expect(() => dependencies({ "pyproject.toml": '[project]\nname = "x"\ndependencies = ["--index-url=http://x"]\n' })).toThrow(/reads as a pip option/);
  });

  it("plans the tox and dependency-groups test project's dependencies from all of its manifests", () => {
    const root = testProjectPath("python-tox-groups");
    const read = (file: string) => readFileSync(`${root}/${file}`, "utf8");
    const deps = pythonSetup({
      entries: ["pyproject.toml", "tox.ini", "test-requirements.txt", "requirements/", "shapes/", "tests/"],
      pyprojectText: read("pyproject.toml"),
      requirementsFolder: ["tox.txt"],
      iniTexts: { "tox.ini": read("tox.ini") },
    }).dependencies;
    // Not the docs extra, the lint group or tox's py38 factor (mock).
    expect(deps.pipArgs).toEqual(["-r", "test-requirements.txt", "-r", "requirements/tox.txt", "typing-extensions", "hypothesis", "pytest-benchmark", "coverage>=7"]);
  });
});
