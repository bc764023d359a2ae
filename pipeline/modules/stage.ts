import { ReturnType, type Container } from "@dagger.io/dagger";
import { pickErrorLines } from "./report/summary.js";
import { describeSignal, readToolExit, TOOL_ENTRYPOINT } from "./tool-exit.js";

export type StageStatus = "passed" | "failed" | "skipped";

/** What a stage produced: its verdict, what to tell the user, and its report files. */
export interface StageResult {
  name: string;
  status: StageStatus;
  durationSeconds: number;
  /** Facts worth a line in the summary (counts, coverage, comparisons). */
  details: string[];
  /** The failing tool's own error lines, shown when the stage failed. */
  errorLines: string[];
  /** Report files, by path relative to the reports directory. */
  reports: Record<string, string>;
  /**
   * Set when the stage found nothing to run (no test, no linter, nothing planned): why. The stage
   * runner then fails it or skips it, as pipeline.yaml's `stages.<stage>.ifNothingRuns` says.
   */
  nothingRan?: string;
}

/** A stage's outcome before `timed` adds its name and duration. */
export type StageVerdict = Omit<StageResult, "name" | "durationSeconds">;

/** A finished tool run: its exit code is data, never an exception. */
export interface ToolRun {
  argv: string[];
  /** As a shell reports it: 128 + the signal when one killed the tool. */
  exitCode: number;
  stdout: string;
  stderr: string;
  /** The signal that killed the tool, when one did. */
  signal?: number;
  /** The stage's time limit, in seconds, when the tool ran into it (and was stopped). */
  timedOutSeconds?: number;
  /** Files the tool was expected to write, `undefined` when it did not. */
  files: Record<string, string | undefined>;
}

/**
 * Runs `argv` so that a non-zero exit is read rather than thrown, then reads
 * its output and the files it wrote: reports survive a failing tool, and one
 * killed by a signal (through the exit script of tool-exit.ts).
 */
export async function runTool(container: Container, argv: string[], files: readonly string[] = []): Promise<ToolRun> {
  return (await runToolThen(container, argv, files)).run;
}

/** Like runTool, also returning the container after the exec, for a next run that must follow this one. */
export async function runToolThen(
  container: Container,
  argv: string[],
  files: readonly string[] = [],
): Promise<{ run: ToolRun; after: Container }> {
  // The argv stays the exec's own (plans and records show it as given); the entrypoint only wraps it.
  const ran = container.withEntrypoint([...TOOL_ENTRYPOINT]).withExec(argv, { useEntrypoint: true, expect: ReturnType.Any });
  const [wrappedExit, stdout, wrappedStderr, ...contents] = await Promise.all([
    ran.exitCode(),
    ran.stdout(),
    ran.stderr(),
    ...files.map((path) => readIfPresent(ran, path)),
  ]);
  const { exitCode, stderr, signal, timedOutSeconds } = readToolExit(wrappedExit, wrappedStderr);
  const run: ToolRun = {
    argv,
    exitCode,
    stdout,
    stderr,
    ...(signal === undefined ? {} : { signal }),
    ...(timedOutSeconds === undefined ? {} : { timedOutSeconds }),
    files: Object.fromEntries(files.map((path, i) => [path, contents[i]])),
  };
  return { run, after: ran };
}

/**
 * The error line of a failed run: "<argv> exited with code 2", "<argv> was
 * killed by signal 9 (SIGKILL: ...)", or "<argv> timed out after 10m (the stage's timeout)".
 */
export function failedRunLine(run: ToolRun): string {
  const command = run.argv.join(" ");
  if (run.timedOutSeconds !== undefined) return `${command} timed out after ${durationText(run.timedOutSeconds)} (the stage's timeout): stopped, with the output so far`;
  return run.signal === undefined ? `${command} exited with code ${run.exitCode}` : `${command} was killed by signal ${describeSignal(run.signal)}`;
}

/** How a run ended, for the logs kept as reports. */
export function exitLogLine(run: ToolRun): string {
  if (run.timedOutSeconds !== undefined) return `exit code ${run.exitCode}: timed out after ${durationText(run.timedOutSeconds)}`;
  return `exit code ${run.exitCode}${run.signal === undefined ? "" : `: killed by signal ${describeSignal(run.signal)}`}`;
}

/** 600 → "10m", 5400 → "1h30m", 90 → "1m30s". */
export function durationText(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.round(seconds % 60);
  return `${h ? `${h}h` : ""}${m ? `${m}m` : ""}${s || (!h && !m) ? `${s}s` : ""}`;
}

async function readIfPresent(ran: Container, path: string): Promise<string | undefined> {
  try {
    // An empty report carries no data: treat it like a missing one (a tool that crashed, or a plan).
    return (await ran.file(path).contents()) || undefined;
  } catch (error) {
    // The module bundle has no error classes to test with instanceof: read the message.
    if (/no such file|not found|does not exist/i.test(String((error as Error).message))) return undefined;
    throw error;
  }
}

/** Times a stage body and turns an unexpected exception into a failed stage, so other stages keep their reports. */
export async function timed(name: string, body: () => Promise<StageVerdict>): Promise<StageResult> {
  const started = Date.now();
  try {
    const result = await body();
    return { name, durationSeconds: (Date.now() - started) / 1000, ...result };
  } catch (error) {
    return {
      name,
      status: "failed",
      durationSeconds: (Date.now() - started) / 1000,
      details: [],
      errorLines: failureLines(error),
      reports: {},
    };
  }
}

/**
 * What to show of an unexpected failure. A step that must succeed (an install)
 * throws the SDK's exec error, whose message only names the command: its own
 * output is in `stderr`/`stdout`, read structurally since the module bundle
 * has no error classes.
 */
function failureLines(error: unknown): string[] {
  const message = String((error as Error | undefined)?.message ?? error);
  const { stdout, stderr, exitCode } = (error ?? {}) as { stdout?: unknown; stderr?: unknown; exitCode?: unknown };
  if (typeof stdout !== "string" && typeof stderr !== "string") return message.split("\n").slice(0, 20);
  // A step that is not a tool run (an install) has no exit script: say which signal killed it, if one did.
  const killed = typeof exitCode === "number" && exitCode > 128 && exitCode < 192 ? [`killed by signal ${describeSignal(exitCode - 128)}`] : [];
  return [message.split("\n")[0]!, ...killed, ...pickErrorLines(`${typeof stderr === "string" ? stderr : ""}\n${typeof stdout === "string" ? stdout : ""}`)];
}

/** A stage that found nothing to run, and says why (see StageResult.nothingRan). */
export function skippedVerdict(reason: string): StageVerdict {
  return { status: "skipped", details: [reason], errorLines: [], reports: {}, nothingRan: reason };
}

/** A stage that did not run by the user's choice (disabled), and says why. */
export function skipped(name: string, reason: string): StageResult {
  return { name, durationSeconds: 0, status: "skipped", details: [reason], errorLines: [], reports: {} };
}
