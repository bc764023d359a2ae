import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { execa } from "execa";
import { RecordingEngine, type RecordingEngineOptions } from "../../cli/recording-engine/engine.js";
import type { FunctionCall } from "../../cli/recording-engine/function-call.js";
import { runtimeInstall, runtimePackageJson, type RuntimeInstall } from "../../cli/runtime-view/install.js";
import { ENTRYPOINT_ARGV } from "../../cli/runtime-view/runtime-source.js";
import type { RuntimeView } from "../../cli/runtime-view/view.js";

export const repo = new URL("../../", import.meta.url).pathname;
export const fixture = (name: string) => join(repo, "test/runtime/fixtures", name);

const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));
/** npm at the runtime's pinned version (rt:config.go:38), a devDependency alias. */
const RUNTIME_NPM_DIR = packageDir("dagger-runtime-npm");
export const RUNTIME_NPM_CLI = join(RUNTIME_NPM_DIR, "bin/npm-cli.js");
export const RUNTIME_NPM_VERSION = (JSON.parse(readFileSync(join(RUNTIME_NPM_DIR, "package.json"), "utf8")) as { version: string }).version;
const TSX_CLI = join(packageDir("tsx"), "dist/cli.mjs");
/** The TypeScript the runtime mounts: what its SDK build resolved (rt:runtime_node.go:315). */
const SDK_TYPESCRIPT = dirname(createRequire(require.resolve("@dagger.io/dagger")).resolve("typescript/package.json"));

/** Whether this process can bind-mount in a user namespace of its own (`unshare -rm`), as the TypeScript mount needs. */
export const canMountInNamespace =
  (await execa("unshare", ["-rm", "sh", "-c", 'mount --bind "$1" "$2"', "probe", tmpdir(), tmpdir()], { reject: false }).catch(() => undefined))?.exitCode === 0;

export interface InstallRun {
  install: RuntimeInstall;
  exitCode: number;
  output: string;
}

/**
 * Runs the runtime's dependency step for the module source at `sourceDir`, as
 * rt:runtime_node.go:198-220 and 311-331 build it: the rewritten package.json,
 * the SDK's TypeScript mounted at node_modules/typescript (a bind mount, as the
 * engine's is), then the lockfile and .npmrc copied in and the install command.
 * Nothing runs when the runtime skips the install.
 */
export async function runRuntimeInstall(sourceDir: string, { mountTypescript = true } = {}): Promise<InstallRun> {
  const entries = readdirSync(sourceDir);
  const packageJson = entries.includes("package.json") ? readFileSync(join(sourceDir, "package.json"), "utf8") : undefined;
  const install = runtimeInstall(packageJson, entries);
  if (!install.install) return { install, exitCode: 0, output: "" };
  if (install.packageManager !== "npm") throw new Error(`only npm installs are reproduced here, not ${install.packageManager}`);
  const workdir = mkdtempSync(join(tmpdir(), "runtime-install-"));
  writeFileSync(join(workdir, "package.json"), runtimePackageJson(packageJson));
  for (const file of install.copiedForInstall.filter((f) => entries.includes(f))) writeFileSync(join(workdir, file), readFileSync(join(sourceDir, file)));
  const [, ...installArgs] = install.install;
  const npm = [process.execPath, RUNTIME_NPM_CLI, ...installArgs];
  const mountpoint = join(workdir, "node_modules/typescript");
  mkdirSync(mountpoint, { recursive: true });
  const argv =
    install.mountsTypescript && mountTypescript
      ? ["unshare", "-rm", "sh", "-c", 'mount --bind "$1" "$2" && cd "$3" && shift 3 && exec "$@"', "runtime-install", SDK_TYPESCRIPT, mountpoint, workdir, ...npm]
      : npm;
  const run = await execa(argv[0]!, argv.slice(1), { cwd: workdir, all: true, reject: false, timeout: 240_000 });
  return { install, exitCode: run.exitCode ?? -1, output: String(run.all) };
}

export interface RuntimeCall {
  exitCode: number;
  stdout: string;
  stderr: string;
  engine: RecordingEngine;
}

/**
 * Calls one function of the module in `view` as the runtime does: its
 * entrypoint under tsx with the module's tsconfig (rt:runtime_node.go:105-107),
 * in a process of its own, talking to a recording engine that hands it the call.
 * `parent` gets `source` as the ID of a host directory when given a path.
 */
/** `options`: how the engine answers the execs (e.g. testsRan(), for a ci that must pass). */
export async function callAsRuntime(view: RuntimeView, call: Omit<FunctionCall, "parent">, source?: string, options: RecordingEngineOptions = {}): Promise<RuntimeCall> {
  const engine = await new RecordingEngine({ ...options, execLatencyMs: 0 }).start();
  const parent = source === undefined ? {} : { source: engine.idOf([{ field: "host", args: {} }, { field: "directory", args: { path: source } }]) };
  engine.functionCall = { ...call, parent };
  try {
    const [, ...tsxArgs] = ENTRYPOINT_ARGV(view.modulePath);
    const run = await execa(process.execPath, [TSX_CLI, ...tsxArgs], { cwd: view.modulePath, env: engine.sessionEnv(), reject: false, timeout: 240_000 });
    return { exitCode: run.exitCode ?? -1, stdout: String(run.stdout), stderr: String(run.stderr), engine };
  } finally {
    await engine.close();
  }
}
