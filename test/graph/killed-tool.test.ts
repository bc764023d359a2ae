import { describe, expect, it } from "vitest";
import type { RecordingEngineOptions } from "../../cli/recording-engine/engine.js";
import { recordRun } from "../../cli/recording-engine/run.js";
import * as args from "../../pipeline/modules/go/args.js";
import { TOOL_ENTRYPOINT } from "../../pipeline/modules/tool-exit.js";
import { examplePath } from "../helpers/examples.js";
import { haveFixtures, readFixture } from "../helpers/fixtures.js";
import { pipelineOn, reportFiles } from "../helpers/pipeline.js";
import { chainOf } from "../helpers/records.js";
import { runWrapped } from "../helpers/tool-exit.js";

/**
 * A tool killed by a signal (the out-of-memory killer's SIGKILL): the engine
 * answers its exec with what the exit script really prints for one, run
 * here by /bin/sh, so the stage reads the exit and keeps the reports the
 * tool wrote before it died.
 */

const UNIT = args.unitTestArgs({ race: true });
const OOM = "fatal error: runtime: out of memory";

describe.skipIf(!haveFixtures)("a tool killed by a signal", () => {
  const killed = runWrapped(["sh", "-c", `echo '${OOM}' >&2; kill -KILL $$`]);
  const options: RecordingEngineOptions = {
    execOutcome: (argv) =>
      argv.join(" ") === UNIT.join(" ") ? { exitCode: killed.status, stdout: readFixture("go/test-race-cover.jsonl"), stderr: killed.stderr } : undefined,
    fileContents: (path) => (path === args.COVERPROFILE ? readFixture("go/cover.out") : undefined),
  };

  it("fails its stage saying which signal killed it, with its own stderr, not an exec exception", async () => {
    const { engine, error } = await recordRun(async () => (await pipelineOn(examplePath("go-service"))).ci(), options);
    // The real engine returns that exit only to an exec under the exit script: bare, it throws on 137 and the reports are lost.
    const chain = chainOf(engine.records, UNIT);
    expect(chain.at(-2)).toEqual({ field: "withEntrypoint", args: { args: [...TOOL_ENTRYPOINT] } });
    expect(chain.at(-1)!.args["useEntrypoint"]).toBe(true);
    const summary = (error as Error).message;
    expect(summary).toContain("❌ Failed**: test (1 of 6 stages)");
    expect(summary).toContain(`${UNIT.join(" ")} was killed by signal 9 (SIGKILL: often the out-of-memory killer)`);
    expect(summary).toContain(OOM);
    expect(summary).not.toContain("did not complete successfully");
    expect(summary).not.toContain("pipeline: the tool exited with status");
  });

  it("keeps the JUnit and coverage reports the tool wrote before it died", async () => {
    const files = await reportFiles(examplePath("go-service"), options);
    expect(files["summary.md"]).toContain("| test | ❌ failed |");
    expect(files["test/junit.xml"]).toMatch(/<testcase /);
    expect(files["test/coverage.cobertura.xml"]).toContain("calc.go");
    expect(files["test/coverage.md"]).toMatch(/^# Coverage/);
  });
});

describe("an install killed by a signal", () => {
  it("says which signal killed it in every stage it stopped (installs throw: no exit script around them)", async () => {
    const { error } = await recordRun(async () => (await pipelineOn(examplePath("go-service"))).ci(), {
      execOutcome: (argv) => (argv.join(" ") === "go mod download" ? { exitCode: 137, stderr: "" } : undefined),
    });
    const summary = (error as Error).message;
    expect(summary).toContain("❌ Failed**: lint, test, integration, propertyTest, scan, bench (6 of 6 stages)");
    // Once per stage; the scan's twice (govulncheck and gosec each run on the Go toolchain's container).
    expect(summary.split("killed by signal 9 (SIGKILL: often the out-of-memory killer)")).toHaveLength(8);
  });
});
