import { constants } from "node:os";

/** The script's last line on stderr, before the status; no quote, percent sign or backslash (it sits in printf's format). */
const SENTINEL = "pipeline: the tool exited with status ";
/** Added to an exit the engine would throw on, to bring it into the range it reads. */
const SHIFT = 64;

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
 */
export const TOOL_EXIT_SCRIPT = [
  // The tool writes to the real stderr (kept as fd 3); the subshell that waits for it writes to /dev/null,
  // so the shell's own "Killed" or "Segmentation fault" never joins the tool's output, and it exits normally.
  "exec 3>&2",
  '( (exec "$@" 2>&3 3>&-); exit "$?" ) 2>/dev/null',
  "status=$?",
  "exec 3>&-",
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
}

/** Undoes the script's mapping: the original exit status, the tool's own stderr, and the signal if one killed it. */
export function readToolExit(exitCode: number, stderr: string): ToolExit {
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
