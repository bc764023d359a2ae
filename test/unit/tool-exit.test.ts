import { describe, expect, it } from "vitest";
import { describeSignal, readToolExit } from "../../pipeline/modules/tool-exit.js";
import { runWrapped } from "../helpers/tool-exit.js";

describe("the tool exit script, run by the real /bin/sh", () => {
  it("turns a SIGKILL into an exit the engine reads, and readToolExit gives back 137, the signal and the tool's own stderr", () => {
    const killed = runWrapped(["sh", "-c", "echo partial; echo 'fatal error: out of memory' >&2; kill -9 $$"]);
    expect(killed.status).toBeGreaterThanOrEqual(192);
    expect(killed.stdout).toBe("partial\n");
    expect(readToolExit(killed.status, killed.stderr)).toEqual({ exitCode: 137, stderr: "fatal error: out of memory\n", signal: 9 });
  });

  it("does the same for a segmentation fault, with no stderr of the tool's own", () => {
    const crashed = runWrapped(["sh", "-c", "kill -SEGV $$"]);
    expect(readToolExit(crashed.status, crashed.stderr)).toEqual({ exitCode: 139, stderr: "", signal: 11 });
  });

  it.each([0, 1, 2, 5, 125, 200, 255])("passes exit %i, stdout and stderr through unchanged", (code) => {
    const run = runWrapped(["sh", "-c", `printf 'out\\n'; printf 'no newline at the end' >&2; exit ${code}`]);
    expect(run).toEqual({ status: code, stdout: "out\n", stderr: "no newline at the end" });
    expect(readToolExit(run.status, run.stderr)).toEqual({ exitCode: code, stderr: "no newline at the end" });
  });

  it("gives the tool its argv as is: no expansion, splitting or globbing, and no shell builtin in its place", () => {
    expect(runWrapped(["printf", "%s|", "$(id)", "a b", "*", "'", "$HOME"]).stdout).toBe("$(id)|a b|*|'|$HOME|");
    // /bin/echo prints a backslash as it is; dash's builtin echo would turn \n into a new line.
    expect(runWrapped(["echo", "a\\nb"]).stdout).toBe("a\\nb\n");
    expect(runWrapped(["no-such-tool-anywhere"]).status).toBe(127);
  });

  it("reads a stderr that merely ends like the script's line as the tool's own, unless the exit code agrees", () => {
    const lookalike = runWrapped(["sh", "-c", "kill -9 $$"]).stderr;
    expect(readToolExit(1, lookalike)).toEqual({ exitCode: 1, stderr: lookalike });
    expect(readToolExit(137 + 64 + 1, lookalike)).toEqual({ exitCode: 202, stderr: lookalike });
  });

  it("names the signal and what it usually means", () => {
    expect(describeSignal(9)).toBe("9 (SIGKILL: often the out-of-memory killer)");
    expect(describeSignal(11)).toBe("11 (SIGSEGV: a segmentation fault)");
    expect(describeSignal(63)).toBe("63");
  });
});
