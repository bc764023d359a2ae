import { constants } from "node:os";
import { execa } from "execa";
import { parseReleaseTag } from "../../pipeline/modules/release/semver.js";
import { pinnedDaggerVersion } from "../dagger-version.js";
import { CliError, EXIT } from "../errors.js";
import type { ModuleSignature } from "../module/signature.js";
import { findFunction } from "../module/find-function.js";
import { PACKAGE_ROOT } from "../package-root.js";
import { callArguments } from "../plan/call-args.js";
import { sourceFolder } from "../source-folder.js";

export interface DaggerCallOptions {
  /** The repository to run on. */
  source: string;
  /** Flags after the function name, already as argv (`--tag`, `v1.2.0`, ...). */
  args?: string[];
  /** Dagger's progress renderer (`dagger --progress`: auto, plain, tty, dots). */
  progress?: string;
  /** Where the start and end lines go (stderr: stdout carries the function's output). */
  log?: (line: string) => void;
}

/** The exact argv of `dagger call` for a module function of this package, on `source` (absolute): never a shell string. */
function daggerCallArgv(fn: string, source: string, options: DaggerCallOptions): string[] {
  return [...(options.progress ? [`--progress=${options.progress}`] : []), "call", "-m", PACKAGE_ROOT, "--source", source, fn, ...(options.args ?? [])];
}

/**
 * The flags of a function call, checked as plan checks them (each value by
 * its declared type, a Secret only as a reference, nothing unknown or
 * missing) and, for release, the tag as a semantic version: a typo fails in
 * a second, not after the gates. Returned as `dagger call` argv.
 */
export function callFlags(signature: ModuleSignature, fnName: string, values: Record<string, string>): string[] {
  const fn = findFunction(signature.functions, fnName);
  callArguments(fn, signature.constructorParams, values);
  if (fn.name === "release" && values["tag"] !== undefined) {
    try {
      parseReleaseTag(values["tag"]);
    } catch (error) {
      throw new CliError("RELEASE_TAG_INVALID", (error as Error).message, EXIT.usage);
    }
  }
  // One argv word each, `--flag=value`: a value starting with "-" cannot be read as another flag.
  return Object.entries(values).map(([flag, value]) => `--${flag}=${value}`);
}

/**
 * Runs a module function through the dagger CLI, which draws its own
 * progress (stdio is passed through); says when it starts and how it ended,
 * and returns the dagger CLI's exit code (128 + the signal number when a
 * signal ended it), which `pipeline` then exits with. A --source that is not
 * a folder is refused first: dagger would fail on it only once its session is up.
 */
export async function daggerCall(fn: string, options: DaggerCallOptions): Promise<number> {
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const source = sourceFolder(options.source, `run ${fn} on`);
  const argv = daggerCallArgv(fn, source, options);
  log(`pipeline: dagger call ${fn} on ${source} (Dagger ${pinnedDaggerVersion()}); its progress follows.`);
  const started = performance.now();
  const child = execa("dagger", argv, { stdio: "inherit", reject: false });
  // A Ctrl-C reaches dagger too (same process group): let it close its session instead of dying under it.
  const ignore = () => undefined;
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on("SIGINT", ignore).on("SIGTERM", forward).on("SIGHUP", forward);
  const result = await child.finally(() => process.off("SIGINT", ignore).off("SIGTERM", forward).off("SIGHUP", forward));
  if (result.exitCode === undefined && result.signal === undefined) {
    throw new CliError(
      "DAGGER_NOT_FOUND",
      `cannot run the dagger CLI (${result.shortMessage}).\n` +
        `  Fix: install it at the pinned version: curl -fsSL https://dl.dagger.io/dagger/install.sh | DAGGER_VERSION=${pinnedDaggerVersion()} BIN_DIR=$HOME/.local/bin sh`,
    );
  }
  const code = result.exitCode ?? 128 + (constants.signals[result.signal!] ?? 0);
  const how = result.signal ? `was stopped by ${result.signal}` : code === 0 ? "succeeded" : `failed with exit code ${code}`;
  log(`pipeline: dagger call ${fn} ${how} after ${((performance.now() - started) / 1000).toFixed(1)} s.`);
  return code;
}
