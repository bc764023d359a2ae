import { describe, expect, it } from "vitest";
import { recordRun } from "../../cli/recording-engine/run.js";
import { testsRan } from "../../cli/recording-engine/tests-ran.js";
import { PYTHON_TOOLS } from "../../pipeline/modules/pins.js";
import * as args from "../../pipeline/modules/python/args.js";
import { copyTestProject, testProjectPath } from "../helpers/examples.js";
import { pipelineOn, stageSummary } from "../helpers/pipeline.js";
import { chainOf, wavesOf } from "../helpers/records.js";

/**
 * Recorded graphs of the Python toolchain on the small projects of
 * test/projects: the project's own linters and test dependencies come first.
 */

const BLACK = ["black", "--check", "--diff", "."];
const ISORT = ["isort", "--filter-files", "--check-only", "--diff", "."];
const FLAKE8 = ["flake8", "."];

describe("python toolchain graph: the project's own linters", () => {
  it("runs the pre-commit hooks' black, isort (with its hook's argument) and flake8, concurrently, and no ruff", async () => {
    const { engine, result, error } = await recordRun(() => stageSummary(testProjectPath("python-black-precommit"), "lint"));
    expect(error).toBeUndefined();
    const tools = engine.executedCommands().filter((argv) => !(argv[0] === "pip"));
    expect(tools).toEqual(expect.arrayContaining([BLACK, ISORT, FLAKE8]));
    expect(tools.filter((argv) => argv[0] === "ruff")).toEqual([]);
    const waves = wavesOf(await engine.executions(), BLACK, ISORT, FLAKE8);
    expect(new Set(waves).size).toBe(1);
    expect(result).toContain("linters from .pre-commit-config.yaml");
    // The linters are pinned with the pipeline's other tools, in the one install every stage shares.
    expect(chainOf(engine.records, BLACK).find((s) => s.field === "withExec")!.args["args"]).toEqual(["pip", "install", ...PYTHON_TOOLS]);
    expect(PYTHON_TOOLS).toEqual(expect.arrayContaining([expect.stringMatching(/^black==/), expect.stringMatching(/^isort==/), expect.stringMatching(/^flake8==/)]));
  });

  it("reads the tools from pyproject.toml and setup.cfg when there is no pre-commit config", async () => {
    const root = copyTestProject("python-black-precommit");
    const { rmSync } = await import("node:fs");
    rmSync(`${root}/.pre-commit-config.yaml`);
    const { engine, result, error } = await recordRun(() => stageSummary(root, "lint"));
    expect(error).toBeUndefined();
    const tools = engine.executedCommands().filter((argv) => argv[0] !== "pip");
    expect(tools).toEqual(expect.arrayContaining([BLACK, ["isort", "--check-only", "--diff", "."], FLAKE8]));
    expect(tools).toHaveLength(3);
    expect(result).toContain("linters from setup.cfg, pyproject.toml");
  });

  it("keeps ruff check and ruff format --check for a project that configures no linter", async () => {
    const { engine, error } = await recordRun(async () => (await pipelineOn(testProjectPath("python-tox-groups"))).lint());
    expect(error).toBeUndefined();
    const tools = engine.executedCommands().filter((argv) => argv[0] !== "pip");
    expect(tools).toEqual(expect.arrayContaining([["ruff", "check", "--output-format=concise", "."], ["ruff", "format", "--check", "."]]));
    expect(tools).toHaveLength(2);
  });

  it("fails lint naming pyproject.toml's line when it is not TOML, and runs no linter", async () => {
    const root = copyTestProject("python-black-precommit", { "pyproject.toml": "[tool.black]\nline-length = \n" });
    const { engine, result, error } = await recordRun(() => stageSummary(root, "lint"));
    expect(error).toBeUndefined();
    expect(result).toMatch(/lint \| ❌ failed/);
    expect(result).toContain("pyproject.toml line 2: expected a value");
    expect(engine.executedCommands()).toEqual([]);
  });
});

describe("python toolchain graph: the project's declared test dependencies", () => {
  it("installs tox's deps and extras, test-requirements.txt and the test dependency group, from the manifests alone", async () => {
    const root = testProjectPath("python-tox-groups");
    const unit = args.unitTestArgs();
    const { engine, error } = await recordRun(async () => (await pipelineOn(root)).test(), testsRan());
    expect(error).toBeUndefined();
    const chain = chainOf(engine.records, unit);
    const execs = chain.filter((s) => s.field === "withExec").map((s) => s.args["args"]);
    expect(execs).toEqual([
      ["pip", "install", ...PYTHON_TOOLS],
      // test-requirements.txt; tox's -r{toxinidir}/requirements/tox.txt and typing-extensions, not its py38 factor's mock;
      // tox's `extras = property`; the dependency group test with the group it includes. Not the docs extra or the lint group.
      ["pip", "install", "-r", "test-requirements.txt", "-r", "requirements/tox.txt", "typing-extensions", "hypothesis", "pytest-benchmark", "coverage>=7"],
      unit,
    ]);
    // The install step gets only the files pip reads: editing code or a linter setting keeps it cached.
    const [manifests] = chain.filter((s) => s.field === "withDirectory");
    expect(manifests!.args["include"]).toEqual(["test-requirements.txt", "requirements/tox.txt", "requirements/**", "constraints*.txt"]);
  });
});
