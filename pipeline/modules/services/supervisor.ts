/**
 * The supervisor every service container runs: a fixed sh script that starts
 * the service's own command, runs its readiness check until it passes, and
 * when the service never gets ready (or exits first) stops it and ends with
 * the readiness command, its last output and the service's last log lines.
 *
 * Why a supervisor: the engine keeps no service log a module can read, and
 * its own wait on a service (a TCP dial of each exposed port) retries for up
 * to 15 minutes. A service that exits before its health check passes fails
 * with its own stderr (the engine's ExecError), so the supervisor writes its
 * report there and exits, bounded by the service's readyTimeout.
 *
 * Everything user-given (the name, the readiness argv, the service's argv)
 * reaches the script as positional parameters, run with `exec "$@"` in
 * subshells: nothing is word-split, globbed or parsed as shell code. It needs
 * sh, mkfifo, tee, tail, date and sleep in the image (coreutils or busybox).
 */

/** Where the supervisor keeps the service's log, the readiness check's output and the ready marker. */
export const SUPERVISOR_DIR = "/tmp/pipeline-service";
/** Exists once the readiness check passed: the engine's health check waits for it (see serviceContainer). */
export const READY_FILE = `${SUPERVISOR_DIR}/ready`;
/** How many of the service's last log lines the report keeps. */
export const LOG_LINES = 30;
/** Every line of the supervisor's own report starts with this (no quote, percent sign or backslash: it sits in printf's format). */
export const REPORT_PREFIX = "pipeline: ";
/** Exit status of a supervisor whose service was not ready: the report is on stderr. */
export const NOT_READY_EXIT = 3;

/**
 * $1 the service's name, $2 the seconds it has to get ready, $3 how many of the
 * arguments after it are the readiness check's argv; the rest is the service's
 * argv. The readiness check runs every second, each run bounded by the time
 * left (killed at the deadline), with no stdin.
 */
export const SUPERVISOR_SCRIPT = [
  "name=$1 limit=$2 count=$3",
  "shift 3",
  // PIPELINE_SERVICE_DIR only moves it for the real-tool tests, where several run on one machine.
  `dir=\${PIPELINE_SERVICE_DIR:-${SUPERVISOR_DIR}}`,
  'mkdir -p "$dir" && rm -f "$dir/ready" "$dir/out" "$dir/exit" "$dir/pid" && mkfifo "$dir/out" || exit 125',
  // The service's output goes to its log (for the report) and, through tee, to the supervisor's own output, which the engine shows.
  'tee "$dir/service.log" < "$dir/out" &',
  "tee=$!",
  // The service runs in a subshell that waits for it and records how it ended: no reliance on how a shell reaps its jobs.
  '( ( shift "$count"; exec "$@" ) > "$dir/out" 2>&1 < /dev/null & echo "$!" > "$dir/pid"; wait "$!" 2>/dev/null; echo "$?" > "$dir/exit" ) &',
  "waiter=$!",
  'while [ ! -s "$dir/pid" ]; do sleep 0.1; done',
  'service=$(cat "$dir/pid")',
  "trap 'kill -TERM \"$service\" 2>/dev/null' TERM INT",
  // The first $count arguments alone: every argument is shifted off, the first $count moved to the end first.
  'ready() { i=0; n=$#; while [ "$i" -lt "$n" ]; do if [ "$i" -lt "$count" ]; then set -- "$@" "$1"; fi; shift; i=$((i + 1)); done; exec "$@"; }',
  // $1 what happened; then every argument, of which the readiness check's are printed.
  "report() {",
  `  printf '${REPORT_PREFIX}service %s %s\\n' "$name" "$1"`,
  "  shift",
  `  printf '${REPORT_PREFIX}readiness check:'`,
  '  i=0; while [ "$i" -lt "$count" ]; do printf \' %s\' "$1"; shift; i=$((i + 1)); done',
  '  if [ "$attempts" -eq 0 ]; then',
  `    printf '\\n${REPORT_PREFIX}it never ran\\n'`,
  "  else",
  `    printf '\\n${REPORT_PREFIX}it last exited with code %s (%s attempts); its last output:\\n' "$status" "$attempts"`,
  '    tail -n 5 "$dir/probe.log" | while IFS= read -r line; do printf \'  %s\\n\' "$line"; done',
  "  fi",
  `  printf '${REPORT_PREFIX}the last ${LOG_LINES} log lines of %s:\\n' "$name"`,
  `  tail -n ${LOG_LINES} "$dir/service.log" | while IFS= read -r line; do printf '  %s\\n' "$line"; done`,
  "}",
  "started=$(date +%s) attempts=0 status=",
  "while :; do",
  '  if [ -s "$dir/exit" ] || ! kill -0 "$waiter" 2>/dev/null; then',
  // A moment for tee to write the service's last lines to its log.
  "    sleep 0.5",
  '    report "exited with code $(cat "$dir/exit" 2>/dev/null) before it was ready" "$@" >&2',
  '    kill "$tee" 2>/dev/null',
  `    exit ${NOT_READY_EXIT}`,
  "  fi",
  '  left=$((started + limit - $(date +%s)))',
  '  if [ "$left" -le 0 ]; then',
  '    kill -TERM "$service" 2>/dev/null; sleep 1; kill -KILL "$service" 2>/dev/null',
  '    report "was not ready after ${limit}s (its readyTimeout)" "$@" >&2',
  '    kill "$tee" 2>/dev/null',
  `    exit ${NOT_READY_EXIT}`,
  "  fi",
  "  attempts=$((attempts + 1))",
  '  ( ready "$@" ) > "$dir/probe.log" 2>&1 < /dev/null &',
  "  probe=$!",
  // A readiness check that hangs is killed at the deadline: the wait is bounded whatever the check does.
  // Stopped with the check, it stops its sleep too: no sleeping process is left behind per attempt.
  `  ( trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM; sleep "$left" & sleeper=$!; wait "$sleeper"; kill -KILL "$probe" 2>/dev/null ) > /dev/null 2>&1 &`,
  "  watchdog=$!",
  // The shell's own "Killed" line for a check stopped at the deadline stays out of the report.
  '  wait "$probe" 2>/dev/null; status=$?',
  '  kill "$watchdog" 2>/dev/null',
  '  if [ "$status" -eq 0 ]; then break; fi',
  "  sleep 1",
  "done",
  ': > "$dir/ready"',
  `printf '${REPORT_PREFIX}service %s is ready (%s attempts)\\n' "$name" "$attempts"`,
  // Supervise until the service ends (a TERM is passed on to it), then end as it did.
  'while kill -0 "$waiter" 2>/dev/null; do wait "$waiter"; done',
  'code=$(cat "$dir/exit" 2>/dev/null)',
  'exit "${code:-1}"',
].join("\n");

/** The service container's command: the supervisor, the readiness check and the service's own argv. */
export function supervisorArgv(name: string, readyTimeoutSeconds: number, ready: readonly string[], command: readonly string[]): string[] {
  return ["sh", "-c", SUPERVISOR_SCRIPT, "pipeline-service", name, String(Math.ceil(readyTimeoutSeconds)), String(ready.length), ...ready, ...command];
}

/**
 * The supervisor's report in a failed start's stderr (what the engine's
 * ExecError carries), without its prefix; undefined when there is none (the
 * service failed some other way, or is not one of ours).
 */
export function supervisorReport(stderr: string): string[] | undefined {
  const lines = stderr.split(/\r?\n/);
  const start = lines.findIndex((line) => line.startsWith(`${REPORT_PREFIX}service `));
  if (start < 0) return undefined;
  return lines
    .slice(start)
    .filter((line) => line.trim() !== "")
    .map((line) => (line.startsWith(REPORT_PREFIX) ? line.slice(REPORT_PREFIX.length) : line));
}
