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
    groups: [{ containers: [{ id: "c1", image: "alpine:3.20", platform: null, stage: null, sharedBy: [], steps, execs: [], reads: [] }] }],
    exports: [],
    publishes: [],
    skippedStages: [],
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

/** A plan of containers, each given by its stage (or the stages sharing it) and its steps after `from`. */
function planWith(containers: { stage?: string; sharedBy?: string[]; steps: Step[] }[], skippedStages: PlanDocument["skippedStages"] = []): PlanDocument {
  const base = planOf(["true"]);
  return {
    ...base,
    skippedStages,
    groups: [
      {
        containers: containers.map((c, i) => ({
          id: `c${i + 1}`,
          image: "golang:1.26",
          platform: null,
          stage: c.stage ?? null,
          sharedBy: c.sharedBy ?? [],
          steps: [{ op: "from", image: "golang:1.26" }, ...c.steps],
          execs: [],
          reads: [],
        })),
      },
    ],
  };
}

const exec = (...argv: string[]): Step => ({ op: "exec", argv, exitCode: "read" });

describe("stages in the plan's text", () => {
  it("heads each container with its stage, a shared one with the stages sharing it, an unlabelled one with none", () => {
    const text = renderPlan(planWith([{ stage: "test", steps: [] }, { stage: "api/lint", steps: [] }, { sharedBy: ["lint", "test"], steps: [] }, { steps: [] }]), ".");
    const heads = text.split("\n").filter((l) => l.startsWith("  ∥"));
    expect(heads).toEqual(["  ∥1 [test] golang:1.26", "  ∥2 [api/lint] golang:1.26", "  ∥3 [shared: lint, test] golang:1.26", "  ∥4 golang:1.26"]);
  });

  it("lists the skipped stages with their reasons after the groups, and no such section when none was skipped", () => {
    const skipped = [
      { stage: "integration", reason: "no test files behind the build tag integration" },
      { stage: "web/bench", reason: "disabled in pipeline.yaml (projects.web.stages.bench.enabled)" },
    ];
    const text = renderPlan(planWith([{ stage: "test", steps: [] }], skipped), ".");
    const at = text.indexOf("Skipped stages:\n");
    expect(at).toBeGreaterThan(text.indexOf("Group 1"));
    expect(text.slice(at).split("\n").slice(0, 3)).toEqual([
      "Skipped stages:",
      "  integration: no test files behind the build tag integration",
      "  web/bench: disabled in pipeline.yaml (projects.web.stages.bench.enabled)",
    ]);
    expect(renderPlan(planWith([{ stage: "test", steps: [] }]), ".")).not.toContain("Skipped stages");
  });
});

describe("repeated execs in the plan's text", () => {
  const execLines = (steps: Step[]) =>
    renderPlan(planWith([{ stage: "bench", steps }]), ".")
      .split("\n")
      .filter((l) => /^ {6}(exec|env) /.test(l))
      .map((l) => l.trim().replace(/\s+/g, " "));

  it("shows identical consecutive execs once, with how many times they run", () => {
    const run = exec("go", "test", "-bench", ".", "./...");
    expect(execLines([run, run, run, run, run])).toEqual(["exec go test -bench . ./... (exit code read, not thrown) ×5"]);
  });

  it("keeps execs apart that differ, or that another step separates, and a single exec bare", () => {
    const a = exec("npm", "run", "bench");
    const b = exec("npm", "run", "bench", "--", "--quick");
    const checked: Step = { op: "exec", argv: ["npm", "run", "bench"], exitCode: "checked" };
    const env: Step = { op: "env", name: "ROUND", value: "2" };
    expect(execLines([a, a, b, a, env, a, a, checked])).toEqual([
      "exec npm run bench (exit code read, not thrown) ×2",
      "exec npm run bench -- --quick (exit code read, not thrown)",
      "exec npm run bench (exit code read, not thrown)",
      "env ROUND=2",
      "exec npm run bench (exit code read, not thrown) ×2",
      "exec npm run bench",
    ]);
  });
});
