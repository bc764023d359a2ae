import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { parseReleaseTag } from "../../pipeline/modules/release/semver.js";
import { pinnedDaggerVersion } from "../dagger-version.js";
import { CliError } from "../errors.js";
import { isSecretReference, notAReferenceMessage } from "../secret-reference.js";

/** This package's folder, which holds dagger.json: the module `dagger call` loads. */
const MODULE_ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface DaggerCallOptions {
  /** The repository to run on. */
  source: string;
  /** Flags after the function name, already as argv (`--tag`, `v1.2.0`, ...). */
  args?: string[];
}

/** The exact argv of `dagger call` for a module function: never a shell string. */
function daggerCallArgv(fn: string, options: DaggerCallOptions): string[] {
  return ["call", "-m", MODULE_ROOT, "--source", resolve(options.source), fn, ...(options.args ?? [])];
}

/**
 * Runs a module function through the dagger CLI, its output streamed as it
 * comes (Dagger draws its own progress); returns the CLI's exit code.
 */
export async function daggerCall(fn: string, options: DaggerCallOptions): Promise<number> {
  const argv = daggerCallArgv(fn, options);
  const result = await execa("dagger", argv, { stdio: "inherit", reject: false });
  if (result.failed && result.exitCode === undefined) {
    throw new CliError(
      "DAGGER_NOT_FOUND",
      `cannot run the dagger CLI (${result.shortMessage}).\n` +
        `  Fix: install it at the pinned version: curl -fsSL https://dl.dagger.io/dagger/install.sh | DAGGER_VERSION=${pinnedDaggerVersion()} BIN_DIR=$HOME/.local/bin sh`,
    );
  }
  return result.exitCode ?? 1;
}

/** `release` flags, with the tag checked here first so a typo fails in a second, not after the gates. */
export function releaseArgs(options: { tag: string; registryToken?: string; registryUsername?: string }): string[] {
  try {
    parseReleaseTag(options.tag);
  } catch (error) {
    throw new CliError("RELEASE_TAG_INVALID", (error as Error).message);
  }
  if (options.registryToken !== undefined && !isSecretReference(options.registryToken)) {
    throw new CliError("RELEASE_TOKEN_NOT_A_REFERENCE", notAReferenceMessage("--registry-token", "--registry-token env://REGISTRY_TOKEN"));
  }
  return [
    "--tag",
    options.tag,
    ...(options.registryToken ? ["--registry-token", options.registryToken] : []),
    ...(options.registryUsername ? ["--registry-username", options.registryUsername] : []),
  ];
}
