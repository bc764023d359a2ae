import { describe, expect, it } from "vitest";
import { PLAN_SCHEMA_VERSION, type PlanDocument, type Step } from "../../cli/plan/document.js";
import { renderPlan } from "../../cli/plan/render.js";

/**
 * The plan shows each exec as a POSIX shell would read it back: plain words
 * bare, anything else in single quotes, with a quote inside written '\'' (close,
 * escaped quote, reopen), so pasting the line runs the same argv.
 */

function planOf(argv: string[], exitCode: "checked" | "read" | "must-fail" = "checked"): PlanDocument {
  const steps: Step[] = [{ op: "from", image: "alpine:3.20" }, { op: "exec", argv, exitCode }];
  return {
    schemaVersion: PLAN_SCHEMA_VERSION,
    function: "lint",
    arguments: {},
    source: "/src",
    sourceReads: [],
    groups: [{ containers: [{ id: "c1", image: "alpine:3.20", platform: null, steps, execs: [], reads: [] }] }],
    exports: [],
    publishes: [],
    outcome: { ok: true, returns: "nothing" },
  };
}

const execLine = (argv: string[], exitCode?: "checked" | "read" | "must-fail") => renderPlan(planOf(argv, exitCode), "the source").split("\n").find((l) => l.trimStart().startsWith("exec"))!.replace(/^\s+exec\s+/, "");

describe("exec arguments in the plan's text", () => {
  it("leaves plain words bare", () => {
    expect(execLine(["go", "test", "-race", "-coverprofile=/tmp/cover.out", "./...", "user@host:8080/a,b+c%d"])).toBe("go test -race -coverprofile=/tmp/cover.out ./... user@host:8080/a,b+c%d");
  });

  it("quotes spaces, globs and shell characters", () => {
    expect(execLine(["sh", "-c", "echo $HOME && ls *.go"])).toBe("sh -c 'echo $HOME && ls *.go'");
    expect(execLine(["grep", "-E", "a|b"])).toBe("grep -E 'a|b'");
  });

  it("writes a quote inside an argument as '\\'' so the shell reads the argument back whole", () => {
    expect(execLine(["echo", "it's"])).toBe("echo 'it'\\''s'");
    expect(execLine(["sh", "-c", "printf '%s\\n' \"$x\""])).toBe("sh -c 'printf '\\''%s\\n'\\'' \"$x\"'");
    expect(execLine(["echo", "'"])).toBe("echo ''\\'''");
  });

  it("shows an empty argument as ''", () => {
    expect(execLine(["env", "-u", "", "true"])).toBe("env -u '' true");
  });

  it("says when the exit code is read, or the exec must fail", () => {
    expect(execLine(["go", "vet"], "read")).toBe("go vet  (exit code read, not thrown)");
    expect(execLine(["false"], "must-fail")).toBe("false  (must fail)");
  });
});

describe("the shell reads the quoted line back as the same argv", () => {
  it("round-trips through sh", async () => {
    const { execFileSync } = await import("node:child_process");
    const argv = ["it's", "a 'quoted' word", "'", "''", "", "$HOME", "a\\b", "tab\there", "*"];
    const line = execLine(["printf", "%s\\0", ...argv]);
    const out = execFileSync("sh", ["-c", line], { encoding: "utf8" });
    expect(out.split("\0").slice(0, -1)).toEqual(argv);
  });
});
