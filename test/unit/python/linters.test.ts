import { describe, expect, it } from "vitest";
import { pythonSetup } from "../../../pipeline/modules/python/manifests.js";

/** The lint commands pythonSetup plans for a project of these files (root entries are the files' names). */
function lint(files: Record<string, string>, extraEntries: string[] = []) {
  const { ".pre-commit-config.yaml": preCommitText, "pyproject.toml": pyprojectText, ...rest } = files;
  const iniTexts = Object.fromEntries(Object.entries(rest).filter(([name]) => ["setup.cfg", "tox.ini", ".flake8", ".isort.cfg"].includes(name)));
  return pythonSetup({ entries: [...Object.keys(files), ...extraEntries], pyprojectText, preCommitText, iniTexts }).lint;
}

const RUFF_CHECK = ["ruff", "check", "--output-format=concise", "."];
const RUFF_FORMAT = ["ruff", "format", "--check", "."];
const BLACK = ["black", "--check", "--diff", "."];
const ISORT = ["isort", "--check-only", "--diff", "."];
const FLAKE8 = ["flake8", "."];

describe("the Python lint stage's tools, from the project's configuration", () => {
  it("keeps ruff check and ruff format --check for a project that names no linter", () => {
    const plan = lint({ "pyproject.toml": '[project]\nname = "x"\n[tool.pytest.ini_options]\naddopts = "-q"\n', "setup.cfg": "[metadata]\nname = x\n" });
    expect(plan.commands.map((c) => c.argv)).toEqual([RUFF_CHECK, RUFF_FORMAT]);
    expect(plan.source).toMatch(/default/);
    expect(lint({}).commands.map((c) => c.argv)).toEqual([RUFF_CHECK, RUFF_FORMAT]);
  });

  it("runs black, isort and flake8 (not ruff) when pyproject.toml and setup.cfg configure them", () => {
    const plan = lint({ "pyproject.toml": "[tool.black]\nline-length = 88\n[tool.isort]\nprofile = 'black'\n", "setup.cfg": "[flake8]\nmax-line-length = 88\n" });
    expect(plan.commands.map((c) => c.argv)).toEqual([FLAKE8, ISORT, BLACK]);
    expect(plan.source).toBe("setup.cfg, pyproject.toml");
  });

  it.each([
    [".flake8", "[flake8]\nignore = E501\n"],
    ["tox.ini", "[tox]\nenv_list = py311\n[flake8]\nmax-line-length = 100\n"],
    ["pyproject.toml", "[tool.flake8]\nmax-line-length = 100\n"],
  ])("finds flake8's settings in %s", (file, text) => {
    expect(lint({ [file]: text }).commands.map((c) => c.argv)).toEqual([FLAKE8]);
  });

  it.each([
    [".isort.cfg", "[settings]\nprofile = black\n"],
    ["setup.cfg", "[isort]\nprofile = black\n"],
    ["tox.ini", "[tool:isort]\nprofile = black\n"],
  ])("finds isort's settings in %s", (file, text) => {
    expect(lint({ [file]: text }).commands.map((c) => c.argv)).toEqual([ISORT]);
  });

  it("lints with ruff and formats with black when pyproject.toml configures both", () => {
    const plan = lint({ "pyproject.toml": "[tool.black]\nline-length = 100\n[tool.ruff]\nline-length = 100\n" });
    expect(plan.commands.map((c) => c.argv)).toEqual([RUFF_CHECK, BLACK]);
  });

  it("formats with ruff too when [tool.ruff.format] says so, or ruff is the only tool configured", () => {
    expect(lint({ "pyproject.toml": "[tool.black]\n[tool.ruff.format]\nquote-style = 'single'\n" }).commands.map((c) => c.argv)).toEqual([RUFF_CHECK, BLACK, RUFF_FORMAT]);
    expect(lint({ "ruff.toml": "line-length = 100\n" }).commands.map((c) => c.argv)).toEqual([RUFF_CHECK, RUFF_FORMAT]);
    expect(lint({ "pyproject.toml": "[tool.ruff]\n", "setup.cfg": "[isort]\n" }).commands.map((c) => c.argv)).toEqual([RUFF_CHECK, ISORT, RUFF_FORMAT]);
  });

  it("runs exactly the pre-commit hooks' tools, with their own arguments but none that fixes files", () => {
    const preCommit = `repos:
  - repo: https://github.com/astral-sh/ruff-pre-commit
    rev: v0.8.4
    hooks:
      - id: ruff
        args: [--fix, --exit-non-zero-on-fix]
  - repo: https://github.com/PyCQA/isort
    rev: 5.13.2
    hooks:
      - id: isort
        args: ["--profile", "black"]
  - repo: https://github.com/psf/black
    rev: 24.10.0
    hooks:
      - id: black
        args: [--line-length=100]
      - id: black-jupyter
  - repo: local
    hooks:
      - id: mypy
        name: mypy
        entry: mypy
        language: system
`;
    // pyproject's [tool.flake8] is left over: the hooks are what the project runs.
    const plan = lint({ ".pre-commit-config.yaml": preCommit, "pyproject.toml": "[tool.flake8]\n" });
    expect(plan.commands.map((c) => c.argv)).toEqual([
      RUFF_CHECK,
      ["isort", "--profile", "black", "--check-only", "--diff", "."],
      ["black", "--line-length=100", "--check", "--diff", "."],
    ]);
    expect(plan.source).toBe(".pre-commit-config.yaml");
  });

  it("falls back to the configuration files when the pre-commit hooks run no Python linter", () => {
    const preCommit = "repos:\n  - repo: https://github.com/pre-commit/pre-commit-hooks\n    rev: v5.0.0\n    hooks:\n      - id: end-of-file-fixer\n";
    expect(lint({ ".pre-commit-config.yaml": preCommit, "setup.cfg": "[flake8]\n" }).commands.map((c) => c.argv)).toEqual([FLAKE8]);
  });

  it("names the file when .pre-commit-config.yaml or pyproject.toml does not parse", () => {
    expect(() => lint({ ".pre-commit-config.yaml": "repos: [\n" })).toThrow(/^\.pre-commit-config\.yaml is not valid YAML: .*Fix:/);
    expect(() => lint({ "pyproject.toml": "[tool.black]\nline-length = = 3\n" })).toThrow(/^pyproject\.toml line 2: expected a value.*Fix: correct the TOML/);
  });
});
