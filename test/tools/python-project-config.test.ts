import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { execaSync } from "execa";
import { describe, expect, it } from "vitest";
import * as args from "../../pipeline/modules/python/args.js";
import { parseJUnit } from "../../pipeline/modules/report/junit.js";
import { lintVerdict, testVerdict } from "../../pipeline/modules/verdicts.js";
import { copyTestProject } from "../helpers/examples.js";
import { localPythonSetup } from "../helpers/python-setup.js";
import { REAL_TOOL_TIMEOUT, runLocally } from "../helpers/run-locally.js";
import { TOOLS_MANIFEST, toolPins } from "../helpers/tools-manifest.js";

/**
 * Real-tool tests: the lint and install commands the Python toolchain plans
 * for the small projects of test/projects, run with the tools
 * tools/requirements.txt pins (the pipeline's PYTHON_TOOLS).
 */

const version = (argv: string[]) => {
  try {
    const run = execaSync(argv[0]!, argv.slice(1), { reject: false });
    return run.exitCode === 0 ? String(run.stdout) : undefined;
  } catch {
    return undefined;
  }
};
const PYTHON = String(version(["python3", "-c", "import sys; print(sys.executable)"]) ?? "python3").trim();
const linters = { black: version(["black", "--version"]), isort: version(["isort", "--version-number"]), flake8: version(["flake8", "--version"]) };
const lintersReady = Object.values(linters).every((v) => v !== undefined);
// pip on PATH installs into the Python that runs the tests: the planned `pip install` is that pip.
const pipReady = (version(["pip", "--version"]) ?? "").includes(PYTHON.replace(/\/bin\/python3?$/, "")) && version([PYTHON, "-c", "import pytest_cov, pytest_benchmark, hypothesis"]) !== undefined;
const SKIP = `(skipped: install black, isort and flake8 with python3 -m pip install -r ${TOOLS_MANIFEST})`;

describe.skipIf(!lintersReady)(`the project's own linters on the real tools ${lintersReady ? "" : SKIP}`, REAL_TOOL_TIMEOUT, () => {
  it(`runs the black, isort and flake8 ${TOOLS_MANIFEST} pins`, () => {
    const pinned = Object.fromEntries(toolPins().map((p) => [p.name, p.version]));
    expect(linters.black).toMatch(new RegExp(`^black, ${pinned["black"]!.replace(/\./g, "\\.")} `));
    expect(linters.isort!.trim()).toBe(pinned["isort"]);
    expect(linters.flake8).toMatch(new RegExp(`^${pinned["flake8"]!.replace(/\./g, "\\.")} `));
  });

  it("passes the black-formatted project with the commands planned from its pre-commit hooks", async () => {
    const root = copyTestProject("python-black-precommit");
    const plan = localPythonSetup(root).lint;
    expect(plan.commands.map((c) => c.tool)).toEqual(["black", "isort", "flake8"]);
    const runs = await Promise.all(plan.commands.map((c) => runLocally(c.argv, root)));
    for (const run of runs) expect(run.exitCode, `${run.argv.join(" ")}\n${run.stdout}${run.stderr}`).toBe(0);
    expect(lintVerdict(runs.map((run) => ({ run }))).status).toBe("passed");
  });

  it("fails each tool on what it checks, with its own output: a misformatted file, unsorted imports, an unused import", async () => {
    const root = copyTestProject("python-black-precommit", {
      "inventory/misformatted.py": "def f( x ):\n    return {'a':x}\n",
      "inventory/unsorted.py": "import sys\nimport os\n\nprint(os.sep, sys.argv)\n",
      "inventory/unused.py": "import json\n",
    });
    const plan = localPythonSetup(root).lint;
    const runs = await Promise.all(plan.commands.map((c) => runLocally(c.argv, root)));
    const byTool = Object.fromEntries(plan.commands.map((c, i) => [c.tool, runs[i]!]));
    expect(byTool["black"]!.exitCode).toBe(1);
    expect(byTool["black"]!.stderr).toContain("would reformat");
    expect(byTool["black"]!.stdout).toContain("misformatted.py");
    expect(byTool["isort"]!.exitCode).toBe(1);
    expect(byTool["isort"]!.stderr + byTool["isort"]!.stdout).toMatch(/unsorted\.py Imports are incorrectly sorted/);
    expect(byTool["flake8"]!.exitCode).toBe(1);
    expect(byTool["flake8"]!.stdout).toMatch(/unused\.py:1:1: F401 'json' imported but unused/);
    const verdict = lintVerdict(runs.map((run) => ({ run })));
    expect(verdict.status).toBe("failed");
    expect(verdict.errorLines.filter((line) => / \(exit code 1\)$/.test(line))).toHaveLength(3);
  });

  it("passes the project with the tools read from pyproject.toml and setup.cfg alone (no pre-commit config)", async () => {
    const root = copyTestProject("python-black-precommit");
    execaSync("rm", [join(root, ".pre-commit-config.yaml")]);
    const plan = localPythonSetup(root).lint;
    expect(plan.commands.map((c) => c.tool)).toEqual(["flake8", "isort", "black"]);
    const runs = await Promise.all(plan.commands.map((c) => runLocally(c.argv, root)));
    expect(lintVerdict(runs.map((run) => ({ run }))).status).toBe("passed");
  });
});

describe.skipIf(!pipReady)(`the project's declared test dependencies, installed by the real pip ${pipReady ? "" : "(skipped: pip on PATH is not the tests' Python's, or it lacks pytest-cov, pytest-benchmark or hypothesis)"}`, REAL_TOOL_TIMEOUT, () => {
  it("installs tox's deps and extras, test-requirements.txt and the dependency group, then its tests pass", async () => {
    const root = copyTestProject("python-tox-groups");
    const { dependencies } = localPythonSetup(root);
    const install = args.dependenciesInstallArgs(dependencies.pipArgs);
    // No index: every requirement must already be satisfied here (tools/requirements.txt), so nothing is installed or fetched.
    const installed = await runLocally(install, root, { PIP_NO_INDEX: "1" });
    expect(installed.exitCode, installed.stdout + installed.stderr).toBe(0);
    for (const name of ["pytest", "pytest-cov", "typing-extensions", "hypothesis", "pytest-benchmark", "coverage"]) {
      expect(installed.stdout).toMatch(new RegExp(`Requirement already satisfied: ${name.replace(/-/g, "[-_]")}[ =<>]`, "i"));
    }
    expect(installed.stdout).not.toMatch(/sphinx|mypy|mock/i);

    const paths = args.reportPaths(root);
    const run = await runLocally(args.unitTestArgs(root, PYTHON), root, {}, [paths.testJunit, paths.coverageXml]);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const suites = parseJUnit(run.files[paths.testJunit]!);
    expect(suites.flatMap((s) => s.tests).filter((t) => t.status === "passed").map((t) => t.name).sort()).toEqual(["test_negative_side", "test_rectangle"]);
    expect(testVerdict({ stage: "test", run, suites }).status).toBe("passed");
  });

  it("lints it with ruff, the default, as it configures no linter", async () => {
    const root = copyTestProject("python-tox-groups");
    writeFileSync(join(root, "shapes", "extra.py"), "x = 1\n");
    const plan = localPythonSetup(root).lint;
    expect(plan.commands.map((c) => c.argv[0])).toEqual(["ruff", "ruff"]);
    const runs = await Promise.all(plan.commands.map((c) => runLocally(c.argv, root)));
    expect(lintVerdict(runs.map((run) => ({ run }))).status).toBe("passed");
  });
});
