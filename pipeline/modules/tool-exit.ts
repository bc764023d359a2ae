import { constants } from "node:os";

/** The script's last line on stderr, before the status; no quote, percent sign or backslash (it sits in printf's format). */
const SENTINEL = "pipeline: the tool exited with status ";
/** Added to an exit the engine would throw on, to bring it into the range it reads. */
const SHIFT = 64;
/** The line a timed-out run ends stderr with, before the seconds (no quote, percent sign or backslash either). */
const TIMEOUT_SENTINEL = "pipeline: the tool timed out after ";
/** The exit of a timed-out run, as GNU timeout gives it. */
export const TIMED_OUT_EXIT = 124;
/** The variable that gives a stage's tools a time limit, in whole seconds (pipeline.yaml stages.<stage>.timeout). */
export const TIMEOUT_ENV = "PIPELINE_TIMEOUT";
/** How long a timed-out tool gets between SIGTERM and SIGKILL, to write its reports. */
export const KILL_AFTER_SECONDS = 10;

/**
 * Tools run through a fixed sh script, set as the exec's entrypoint, because
 * the engine throws on exits 128-191 even with `expect: ANY`: a tool killed
 * by a signal (137 out of memory, 139 segfault) would lose every report it
 * wrote. The script adds 64 to such an exit (192-255, read like any other)
 * and says so on the last line of stderr; `readToolExit` undoes both.
 *
 * The script is a constant: the tool's argv reaches it only as "$@", run by
 * `exec` in a subshell, so nothing is word-split, globbed or taken for a
 * shell builtin (`echo` is /bin/echo, as without the script).
 *
 * With PIPELINE_TIMEOUT set (a stage's timeout, in seconds), the tool runs
 * under `timeout` (coreutils' or busybox's): SIGTERM at the limit, SIGKILL
 * 10 s later; a run that failed after the limit ends stderr with a line
 * saying so and exits 124, whatever the implementation's own status.
 */
export const TOOL_EXIT_SCRIPT = [
  "exec 3>&2",
  `if [ -n "\${${TIMEOUT_ENV}:-}" ]; then`,
  "  if ! command -v timeout >/dev/null 2>&1; then",
  "    echo 'pipeline: this stage has a timeout, but its image has no timeout command (coreutils or busybox)' >&2",
  "    exit 125",
  "  fi",
  "  started=$(date +%s)",
  `  set -- timeout -k ${KILL_AFTER_SECONDS} "$${TIMEOUT_ENV}" "$@"`,
  "fi",
  // The tool writes to the real stderr (kept as fd 3); the subshell that waits for it writes to /dev/null,
  // so the shell's own "Killed" or "Segmentation fault" never joins the tool's output, and it exits normally.
  '( (exec "$@" 2>&3 3>&-); exit "$?" ) 2>/dev/null',
  "status=$?",
  "exec 3>&-",
  `if [ -n "\${started:-}" ] && [ "$status" -ne 0 ] && [ "$(($(date +%s) - started))" -ge "$${TIMEOUT_ENV}" ]; then`,
  `  printf '\\n${TIMEOUT_SENTINEL}%s seconds\\n' "$${TIMEOUT_ENV}" >&2`,
  `  exit ${TIMED_OUT_EXIT}`,
  "fi",
  'if [ "$status" -ge 128 ] && [ "$status" -lt 192 ]; then',
  `  printf '\\n${SENTINEL}%d\\n' "$status" >&2`,
  `  exit "$((status + ${SHIFT}))"`,
  "fi",
  'exit "$status"',
].join("\n");

/** The entrypoint every tool exec runs under (`useEntrypoint`), its argv appended as positional parameters. */
export const TOOL_ENTRYPOINT: readonly string[] = ["sh", "-c", TOOL_EXIT_SCRIPT, "sh"];

/** What a wrapped run really ended with. */
export interface ToolExit {
  exitCode: number;
  /** The tool's own stderr, without the script's line. */
  stderr: string;
  /** The signal that killed it, when it was killed by one. */
  signal?: number;
  /** The time limit it ran into, in seconds, when it timed out. */
  timedOutSeconds?: number;
}

/** Undoes the script's mapping: the original exit status, the tool's own stderr, and the signal if one killed it. */
export function readToolExit(exitCode: number, stderr: string): ToolExit {
  const timedOut = new RegExp(`\\n${TIMEOUT_SENTINEL}(\\d+) seconds\\n$`).exec(stderr);
  if (exitCode === TIMED_OUT_EXIT && timedOut) return { exitCode, stderr: stderr.slice(0, timedOut.index), timedOutSeconds: Number(timedOut[1]) };
  const status = exitCode - SHIFT;
  const line = `\n${SENTINEL}${status}\n`;
  if (status < 128 || status >= 192 || !stderr.endsWith(line)) return { exitCode, stderr };
  const own = stderr.slice(0, -line.length);
  return status > 128 ? { exitCode: status, stderr: own, signal: status - 128 } : { exitCode: status, stderr: own };
}

/** A few words on the signals tools die of in CI. */
const HINTS: Record<string, string> = {
  SIGKILL: "often the out-of-memory killer",
  SIGSEGV: "a segmentation fault",
  SIGABRT: "aborted",
  SIGBUS: "a bus error",
  SIGTERM: "asked to stop",
  SIGILL: "an illegal instruction",
};

/** "9 (SIGKILL: often the out-of-memory killer)"; Linux numbers, like the containers'. */
export function describeSignal(signal: number): string {
  const name = Object.entries(constants.signals).find(([, n]) => n === signal)?.[0];
  if (!name) return String(signal);
  const hint = HINTS[name];
  return `${signal} (${name}${hint ? `: ${hint}` : ""})`;
}
