import { readFileSync } from "node:fs";
import { execa } from "execa";
import type { ToolRun } from "../../pipeline/modules/stage.js";

/**
 * Real-tool tests build with cold caches (Go's race runtime, npm installs) on
 * a two-core CI machine shared with the other test files: give them room.
 */
export const REAL_TOOL_TIMEOUT = { timeout: 300_000 };

/**
 * Runs an argv on this machine the way `runTool` reports it in a container:
 * the exit code is data, and the listed files are read back (`undefined`
 * when the tool did not write them).
 */
export async function runLocally(argv: string[], cwd: string, env: Record<string, string> = {}, files: string[] = []): Promise<ToolRun> {
  const [file, ...rest] = argv;
  const done = await execa(file!, rest, { cwd, env, reject: false, timeout: 180_000 });
  return {
    argv,
    exitCode: done.exitCode ?? -1,
    stdout: String(done.stdout),
    stderr: String(done.stderr),
    files: Object.fromEntries(files.map((f) => [f, readIfPresent(f)])),
  };
}

function readIfPresent(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/**
 * Whether this process can run a command as another user the way the Go and
 * Python containers do (root here, and util-linux's setpriv on PATH).
 */
export const canRunAsOtherUser =
  process.getuid?.() === 0 && (await execa("setpriv", ["--version"], { reject: false }).catch(() => undefined))?.exitCode === 0;

/**
 * The argv, run as `user` ("uid:gid") with no supplementary groups: what `withUser` does to an exec.
 * `readAnywhere` keeps one capability, CAP_DAC_READ_SEARCH: every file and folder may be read, as an
 * image's interpreter is, while writes are checked as for any other user. For an interpreter under a
 * home only root may enter (pyenv's /root/.pyenv): without it, the user cannot read its standard library.
 */
export function asUser(user: string, argv: string[], options: { readAnywhere?: boolean } = {}): string[] {
  const [uid, gid = uid] = user.split(":");
  const caps = options.readAnywhere ? ["--inh-caps=+dac_read_search", "--ambient-caps=+dac_read_search"] : [];
  return ["setpriv", `--reuid=${uid}`, `--regid=${gid}`, "--clear-groups", ...caps, "--", ...argv];
}
