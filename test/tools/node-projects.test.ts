import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { describe, expect, it } from "vitest";
import * as args from "../../pipeline/modules/node/args.js";
import { scriptTestVerdict } from "../../pipeline/modules/node/script-verdict.js";
import { lintScripts, runScriptArgs, testScript } from "../../pipeline/modules/node/scripts.js";
import { scriptTestCommand } from "../../pipeline/modules/node/test-script.js";
import { workspaceDirs, workspacePatterns, workspaceScriptArgs, type Workspace } from "../../pipeline/modules/node/workspaces.js";
import { parseJestJson } from "../../pipeline/modules/report/jest-json.js";
import { parseJUnit } from "../../pipeline/modules/report/junit.js";
import { lintVerdict, testVerdict } from "../../pipeline/modules/verdicts.js";
import { testProjectPath, tempDir, type TestProjectName } from "../helpers/examples.js";
import { REAL_TOOL_TIMEOUT, runLocally } from "../helpers/run-locally.js";

/**
 * Real runs of the exact commands the Node toolchain plans for the
 * test/projects cases, with the npm and Node here (mocha and jest installed
 * from the npm registry by the planned install; those tests skip only when
 * the registry cannot be reached). The container's two layers are laid out
 * the same way: the install in a folder with the install inputs alone, then
 * the rest of the source, then the lifecycle scripts.
 */

const OFFLINE = /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH)\b/;

function listFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)).split(sep).join("/"))
    .filter((f) => !f.split("/").includes("node_modules"));
}

function copyFiles(from: string, to: string, files: readonly string[]): void {
  for (const file of files) {
    mkdirSync(dirname(join(to, file)), { recursive: true });
    cpSync(join(from, file), join(to, file));
  }
}

function packageJson(root: string): args.PackageJson {
  return args.parsePackageJson(readFileSync(join(root, "package.json"), "utf8"));
}

/** The install step's view of a project: only the files args.INSTALL_INPUTS names. */
function installInputs(files: readonly string[]): string[] {
  const matchers = args.INSTALL_INPUTS.map((glob) => args.globMatcher(glob));
  return files.filter((f) => matchers.some((m) => m(f)));
}

interface Prepared {
  root: string;
  install: Awaited<ReturnType<typeof runLocally>>;
  lifecycle: Awaited<ReturnType<typeof runLocally>>[];
}

/** The planned install on the manifests alone, then the source, then the planned lifecycle scripts. */
async function prepare(name: TestProjectName): Promise<Prepared> {
  const from = testProjectPath(name);
  const files = listFiles(from);
  const root = tempDir(`${name}-`);
  copyFiles(from, root, installInputs(files));
  const { manager, lockfile } = args.detectPackageManager(readdirSync(root));
  const install = await runLocally(args.installArgs(manager, lockfile !== undefined, readdirSync(root)), root);
  if (install.exitCode !== 0) return { root, install, lifecycle: [] };
  copyFiles(from, root, files);
  const lifecycle = [];
  for (const argv of args.lifecycleArgs(manager, readdirSync(root))) lifecycle.push(await runLocally(argv, root));
  return { root, install, lifecycle };
}

/** Skips the test when the install failed for want of the registry; any other failure fails it. */
function installed(prepared: Prepared, skip: (reason: string) => void): string {
  const { install } = prepared;
  if (install.exitCode !== 0 && OFFLINE.test(install.stderr + install.stdout)) skip(`the npm registry is unreachable: ${install.argv.join(" ")}`);
  expect(install.exitCode, install.stderr).toBe(0);
  for (const run of prepared.lifecycle) expect(run.exitCode, `${run.argv.join(" ")}\n${run.stdout}\n${run.stderr}`).toBe(0);
  return prepared.root;
}

describe("node toolchain on the test projects, with the real tools", REAL_TOOL_TIMEOUT, () => {
  it("runs prepare (npm run build) after the source is copied, so tests of the build output pass; npm ci on the manifests alone fails", async (ctx) => {
    const from = testProjectPath("node-prepare-build");
    // What the old install did: npm ci runs prepare, and the manifests-only layer has no build.mjs.
    const manifestsOnly = tempDir("prepare-old-");
    copyFiles(from, manifestsOnly, installInputs(listFiles(from)));
    const old = await runLocally(["npm", "ci", "--no-audit", "--no-fund"], manifestsOnly);
    expect(old.exitCode).not.toBe(0);
    expect(old.stderr + old.stdout).toMatch(/build\.mjs/);

    const root = installed(await prepare("node-prepare-build"), (reason) => ctx.skip(reason));
    expect(readFileSync(join(root, "dist", "version.js"), "utf8")).toContain("1.0.0-built");
    const pkg = packageJson(root);
    const command = scriptTestCommand("npm", pkg, testScript(pkg)!, root);
    const run = await runLocally(command.argv, root, command.env, [command.results!.path]);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const suites = parseJUnit(run.files[command.results!.path]!);
    expect(suites.flatMap((s) => s.tests).map((t) => [t.name, t.status])).toEqual([["tests the built module", "passed"]]);
    expect(testVerdict({ stage: "test", run, suites }).status).toBe("passed");
  });

  it("runs an npm-workspaces monorepo's tests and lint in every workspace, and fails when one workspace's test fails", async (ctx) => {
    const root = installed(await prepare("node-workspaces"), (reason) => ctx.skip(reason));
    const pkg = packageJson(root);
    const patterns = workspacePatterns(pkg)!;
    const workspaces: Workspace[] = workspaceDirs(listFiles(root), patterns).map((dir) => {
      const own = packageJson(join(root, dir)) as args.PackageJson & { name: string };
      return { dir, name: own.name, scripts: own.scripts ?? {} };
    });
    expect(workspaces.map((w) => w.dir)).toEqual(["packages/greet", "packages/shout"]);

    const [test] = workspaceScriptArgs("npm", "test", workspaces) as [string[]];
    const passed = await runLocally(test, root);
    expect(passed.exitCode, passed.stdout + passed.stderr).toBe(0);
    expect(passed.stdout).toMatch(/greets by name/);
    expect(passed.stdout).toMatch(/shouts the greeting of the other workspace/);
    const failed = await runLocally(test, root, { FAILDEMO: "1" });
    expect(failed.exitCode).not.toBe(0);

    const lint = [...new Set(workspaces.flatMap((w) => lintScripts({ scripts: w.scripts })))].sort();
    expect(lint).toEqual(["check:types", "lint"]);
    const runs = await Promise.all(lint.flatMap((script) => workspaceScriptArgs("npm", script, workspaces)).map((argv) => runLocally(argv, root)));
    const output = runs.map((r) => r.stdout).join("\n");
    expect(output).toContain("greet lint clean");
    expect(output).toContain("shout types clean");
    expect(lintVerdict(runs.map((run) => ({ run }))).status).toBe("passed");
  });

  it("runs a mocha project through its test script, keeping its .mocharc.json (spec glob, dot reporter), and counts from mocha's summary", async (ctx) => {
    const root = installed(await prepare("node-mocha"), (reason) => ctx.skip(reason));
    const pkg = packageJson(root);
    const command = scriptTestCommand("npm", pkg, testScript(pkg)!, root);
    expect(command.argv).toEqual(["npm", "run", "test"]);
    const run = await runLocally(command.argv, root, command.env);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    // The dot reporter's marks (three passes, one pending): the project's reporter ran, not one the pipeline chose.
    expect(run.stdout).toMatch(/^\s*\.\.\.,$/m);
    const verdict = scriptTestVerdict("test", run, command.summary);
    expect(verdict.status).toBe("passed");
    expect(verdict.details[0]).toMatch(/^4 tests: 3 passed, 0 failed, 1 skipped/);

    const failing = await runLocally(command.argv, root, { FAILDEMO: "1" });
    const failed = scriptTestVerdict("test", failing, command.summary);
    expect(failed.status).toBe("failed");
    expect(failed.details[0]).toMatch(/^4 tests: 2 passed, 1 failed, 1 skipped/);
    expect(failed.errorLines.join("\n")).toMatch(/fails on purpose when FAILDEMO=1/);

    // Its lint lives in check:* scripts.
    const lint = lintScripts(pkg);
    expect(lint).toEqual(["check:lint", "check:types"]);
    const runs = await Promise.all(lint.map((script) => runLocally(runScriptArgs("npm", script), root)));
    expect(lintVerdict(runs.map((r) => ({ run: r }))).status).toBe("passed");
  });

  it("keeps a jest project's testPathIgnorePatterns: the planned run passes, and replacing the list (as before) runs the failing fixture", async (ctx) => {
    const root = installed(await prepare("node-jest-ignores"), (reason) => ctx.skip(reason));
    const pkg = packageJson(root);
    const command = scriptTestCommand("npm", pkg, testScript(pkg)!, root);
    const run = await runLocally(command.argv, root, command.env, [command.results!.path, command.coverage!.path]);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const suites = parseJestJson(run.files[command.results!.path]!, root);
    expect(suites.map((s) => s.name)).toEqual(["test/clamp.test.js"]);
    expect(suites.flatMap((s) => s.tests).map((t) => t.status)).toEqual(["passed", "passed"]);
    expect(run.files[command.coverage!.path]).toContain("clamp.js");
    expect(testVerdict({ stage: "test", run, suites }).status).toBe("passed");

    // The ignore list the pipeline used to pass replaces the project's: the fixture runs, and fails.
    const replaced = await runLocally(["npx", "--no", "--", "jest", "--ci", "--testPathIgnorePatterns=/node_modules/"], root);
    expect(replaced.exitCode).not.toBe(0);
    expect(replaced.stderr).toMatch(/fixtures\/broken\.test\.js/);
  });

  it("adds JUnit and lcov to a node --test script's own reporters through NODE_OPTIONS, over every test file", async (ctx) => {
    const prepared = await prepare("node-prepare-build");
    const root = installed(prepared, (reason) => ctx.skip(reason));
    const pkg = { ...packageJson(root), scripts: { test: "node --test --experimental-test-coverage --test-reporter=tap --test-reporter-destination=own-tap.txt" } };
    const command = scriptTestCommand("npm", pkg, pkg.scripts.test, root);
    expect(command.env["NODE_OPTIONS"]).toBe(`--test-reporter=junit --test-reporter-destination=${root}/node-test-junit.xml --test-reporter=lcov --test-reporter-destination=${root}/node-test-lcov.info`);
    const { writeFileSync } = await import("node:fs");
    writeFileSync(join(root, "package.json"), JSON.stringify(pkg));
    // A second test file: every file's results reach the one JUnit report.
    writeFileSync(join(root, "test", "more.test.js"), 'import { test } from "node:test";\ntest("another file", () => {});\n');
    const run = await runLocally(command.argv, root, command.env, [command.results!.path, command.coverage!.path]);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(parseJUnit(run.files[command.results!.path]!).flatMap((s) => s.tests).map((t) => t.name).sort()).toEqual(["another file", "tests the built module"]);
    expect(run.files[command.coverage!.path]).toMatch(/^SF:.*version\.js$/m);
    // The script's own reporter still wrote its file.
    expect(existsSync(join(root, "own-tap.txt"))).toBe(true);
  });
});
