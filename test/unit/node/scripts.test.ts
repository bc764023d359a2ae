import { describe, expect, it } from "vitest";
import { installArgs, lifecycleArgs } from "../../../pipeline/modules/node/args.js";
import { lintScripts, runScriptWith, scriptRunner, testScript } from "../../../pipeline/modules/node/scripts.js";
import { pnpmPackages, workspaceDirs, workspacePatterns, workspaceScriptArgs, type Workspace } from "../../../pipeline/modules/node/workspaces.js";
import { parseMochaSummary } from "../../../pipeline/modules/report/mocha.js";

describe("the project's scripts", () => {
  it.each([
    ["vitest", "vitest"],
    ["vitest run --passWithNoTests", "vitest"],
    ["npm run lint && npm run build && vitest run", "vitest"],
    ["NODE_ENV=test jest --passWithNoTests", "jest"],
    ["tsc -b; mocha", "mocha"],
    // Mocha gets nothing added: its summary is read whatever its reporter.
    ["mocha --reporter dot", "mocha"],
    ["node --import tsx --test test/*.test.ts", "node"],
    ["npm run build && node --test dist/", "node"],
  ])("knows the runner of %j: %s", (script, runner) => {
    expect(scriptRunner(script)).toBe(runner);
  });

  it.each([
    // Appended arguments would reach `true`, tee or the redirection, not the runner.
    "vitest run || true",
    "vitest run | tee out.txt",
    "jest > out.txt",
    // It picks its own reporter or results file: adding one would fight it.
    "vitest run --reporter=verbose",
    "jest --json --outputFile=x.json",
    // Not a single run of a known runner.
    "vitest watch",
    "vitest bench",
    "ava",
    "echo $(date) && jest",
  ])("adds nothing to %j", (script) => {
    expect(scriptRunner(script)).toBeUndefined();
  });

  it("takes npm init's placeholder for no test script", () => {
    expect(testScript({ scripts: { test: 'echo "Error: no test specified" && exit 1' } })).toBeUndefined();
    expect(testScript({ scripts: { test: "mocha" } })).toBe("mocha");
  });

  it("lints with lint, typecheck and check:* scripts, each once, leaving tests and benchmarks to their stages", () => {
    const scripts = { "check:types": "tsc", lint: "eslint . && npm run check:format", "check:format": "prettier -c .", typecheck: "tsc", "check:test": "vitest", "check:bench": "x" };
    expect(lintScripts({ scripts })).toEqual(["lint", "typecheck", "check:types"]);
    expect(lintScripts({ scripts: { check: 'run-s "check:*"', "check:lint": "eslint ." } })).toEqual(["check:lint"]);
    expect(lintScripts({ scripts: { lint: 'npm-run-all "check:*"', "check:lint": "eslint ." } })).toEqual(["lint"]);
  });

  it("passes a script's arguments after -- with npm only", () => {
    expect(runScriptWith("npm", "test", ["--ci"])).toEqual(["npm", "run", "test", "--", "--ci"]);
    expect(runScriptWith("pnpm", "test", ["--ci"])).toEqual(["corepack", "pnpm", "run", "test", "--ci"]);
    expect(runScriptWith("yarn", "test", [])).toEqual(["corepack", "yarn", "run", "test"]);
  });
});

describe("workspaces", () => {
  it("reads npm's list, yarn's packages object and pnpm-workspace.yaml", () => {
    expect(workspacePatterns({ workspaces: ["packages/*", "apps/web"] })).toEqual(["packages/*", "apps/web"]);
    expect(workspacePatterns({ workspaces: { packages: ["libs/**"], nohoist: ["x"] } })).toEqual(["libs/**"]);
    expect(workspacePatterns({}, "packages:\n  # apps\n  - 'apps/*'\n  - \"packages/**\"\n  - '!**/test/**'\ncatalog:\n  react: ^18\n")).toEqual(["apps/*", "packages/**", "!**/test/**"]);
    expect(workspacePatterns({})).toBeUndefined();
    expect(pnpmPackages("onlyBuiltDependencies:\n  - esbuild\n")).toEqual([]);
  });

  it("finds the workspaces' folders by their globs, never under node_modules, excluding ! globs", () => {
    const found = ["package.json", "packages/a/package.json", "packages/b/package.json", "packages/b/node_modules/x/package.json", "examples/demo/package.json", "packages/test/package.json"];
    expect(workspaceDirs(found, ["packages/*", "!packages/test"])).toEqual(["packages/a", "packages/b"]);
    expect(workspaceDirs(found, ["./packages/a/"])).toEqual(["packages/a"]);
  });

  it("runs a script in the workspaces that define it, and none when none does", () => {
    const workspaces: Workspace[] = [
      { dir: "packages/a", name: "@x/a", scripts: { test: "vitest" } },
      { dir: "packages/b", name: "@x/b", scripts: { lint: "eslint ." } },
    ];
    expect(workspaceScriptArgs("npm", "test", workspaces)).toEqual([["npm", "run", "test", "--workspaces", "--if-present"]]);
    expect(workspaceScriptArgs("yarn", "test", workspaces)).toEqual([["corepack", "yarn", "workspace", "@x/a", "run", "test"]]);
    expect(workspaceScriptArgs("pnpm", "typecheck", workspaces)).toEqual([]);
  });
});

describe("install, then lifecycle scripts", () => {
  it("installs without lifecycle scripts for every manager, yarn 2+ with its own flag", () => {
    for (const argv of [installArgs("npm", true), installArgs("npm", false), installArgs("pnpm", true), installArgs("yarn", true)]) expect(argv).toContain("--ignore-scripts");
    expect(installArgs("yarn", true, ["package.json", "yarn.lock", ".yarnrc.yml"])).toEqual(["corepack", "yarn", "install", "--immutable", "--mode=skip-build"]);
  });

  it("runs the skipped scripts with the manager that laid out node_modules", () => {
    expect(lifecycleArgs("npm")).toEqual([["npm", "rebuild"], ["npm", "run", "--if-present", "prepare"]]);
    expect(lifecycleArgs("yarn", [".yarnrc.yml"])).toEqual([["corepack", "yarn", "rebuild"]]);
  });
});

describe("mocha's summary", () => {
  it("counts passing, failing and pending, and knows when mocha never got to its summary", () => {
    expect(parseMochaSummary("  ..!,\n\n  2 passing (4ms)\n  1 pending\n  1 failing\n\n  1) sum\n")).toEqual({ passed: 2, failed: 1, skipped: 1 });
    expect(parseMochaSummary("\u001b[32m  3 passing\u001b[0m (9ms)\n")).toEqual({ passed: 3, failed: 0, skipped: 0 });
    expect(parseMochaSummary("Error: No test files found: \"test\"\n")).toBeUndefined();
  });

  it("reads counts of any width, and only a summary line: a log line that merely mentions passing is not one", () => {
    expect(parseMochaSummary("  12 passing (1s)\n  10 failing\n")).toEqual({ passed: 12, failed: 10, skipped: 0 });
    // Mocha crashed before its summary; a test had logged this line.
    expect(parseMochaSummary("checked: 3 passing builds\nTypeError: boom\n")).toBeUndefined();
  });
});
