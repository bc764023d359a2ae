import { spawnSync } from "node:child_process";
import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { failedRunLine, type ToolRun } from "../../pipeline/modules/stage.js";
import { readToolExit, TIMED_OUT_EXIT, TIMEOUT_ENV, TOOL_ENTRYPOINT } from "../../pipeline/modules/tool-exit.js";
import { tempDir } from "../helpers/examples.js";

/** argv under the tool exit script with the real /bin/sh and coreutils' timeout, as an exec with the stage's env runs it. */
function runTimed(argv: readonly string[], env: Record<string, string>): { status: number; stdout: string; stderr: string; seconds: number } {
  const [, ...entry] = TOOL_ENTRYPOINT;
  const started = Date.now();
  const result = spawnSync("/bin/sh", [...entry, ...argv], { encoding: "utf8", env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", ...env } });
  if (result.status === null) throw new Error(`the exit script itself died of ${result.signal}`);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, seconds: (Date.now() - started) / 1000 };
}

describe("a stage's timeout, applied by the tool exit script", () => {
  it("stops a tool at the limit, keeps what it wrote, and says it timed out", () => {
    const run = runTimed(["sh", "-c", "echo started; echo 'partial report' >&2; sleep 30; echo never"], { [TIMEOUT_ENV]: "1" });
    expect(run.seconds).toBeLessThan(10);
    expect(run.status).toBe(TIMED_OUT_EXIT);
    expect(run.stdout).toBe("started\n");
    const exit = readToolExit(run.status, run.stderr);
    expect(exit).toEqual({ exitCode: 124, stderr: "partial report\n", timedOutSeconds: 1 });
    const toolRun: ToolRun = { argv: ["go", "test", "./..."], exitCode: exit.exitCode, stdout: run.stdout, stderr: exit.stderr, timedOutSeconds: 1, files: {} };
    expect(failedRunLine(toolRun)).toBe("go test ./... timed out after 1s (the stage's timeout): stopped, with the output so far");
  });

  it("kills a tool that ignores SIGTERM once the grace period is over", () => {
    const run = runTimed(["sh", "-c", "trap '' TERM; echo waiting; sleep 60"], { [TIMEOUT_ENV]: "1" });
    expect(run.seconds).toBeGreaterThan(10);
    expect(run.seconds).toBeLessThan(30);
    expect(readToolExit(run.status, run.stderr)).toMatchObject({ exitCode: 124, timedOutSeconds: 1 });
  }, 40_000);

  it("leaves a run that ends before the limit as it was: its own exit code, no timeout line", () => {
    for (const code of [0, 1, 2]) {
      const run = runTimed(["sh", "-c", `echo out; echo err >&2; exit ${code}`], { [TIMEOUT_ENV]: "30" });
      expect(run).toMatchObject({ status: code, stdout: "out\n", stderr: "err\n" });
      expect(readToolExit(run.status, run.stderr)).toEqual({ exitCode: code, stderr: "err\n" });
    }
    // A tool's own 124 before the limit is its own exit, not a timeout.
    expect(readToolExit(124, "err\n")).toEqual({ exitCode: 124, stderr: "err\n" });
  });

  it("still reads a signal exit under a timeout", () => {
    const run = runTimed(["sh", "-c", "kill -9 $$"], { [TIMEOUT_ENV]: "30" });
    expect(readToolExit(run.status, run.stderr)).toEqual({ exitCode: 137, stderr: "", signal: 9 });
  });

  it("fails clearly when the image has no timeout command", () => {
    const bin = join(tempDir("tool-exit-no-timeout-"), "bin");
    mkdirSync(bin);
    for (const tool of ["sh", "date", "echo"]) symlinkSync(spawnSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" }).stdout.trim() || `/bin/${tool}`, join(bin, tool));
    const run = runTimed(["echo", "hi"], { [TIMEOUT_ENV]: "5", PATH: bin });
    expect(run.status).toBe(125);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("this stage has a timeout, but its image has no timeout command");
  });
});
