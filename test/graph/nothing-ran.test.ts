import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { recordRun } from "../../cli/recording-engine/run.js";
import * as goArgs from "../../pipeline/modules/go/args.js";
import { NO_VITEST_COVERAGE } from "../../pipeline/modules/node/args.js";
import { copyExample } from "../helpers/examples.js";
import { pipelineOn, stageSummary } from "../helpers/pipeline.js";
import { testsRan } from "../../cli/recording-engine/tests-ran.js";

/**
 * Never green without running tests: a stage that finds nothing to run fails ci (lint and test by
 * default) or, with `ifNothingRuns: skip`, is skipped with its reason, and the headline then says
 * that nothing ran. The recording engine answers every exec with empty output: go test finds nothing.
 */

const UNIT = goArgs.unitTestArgs({ race: true });

describe("a stage that finds nothing to run", () => {
  it("fails go's ci when go test finds no test, naming the stage, why and the key that accepts it", async () => {
    const { error } = await recordRun(async () => (await pipelineOn(copyExample("go-service"))).ci());
    const message = String((error as Error).message);
    expect(message).toContain("**❌ Failed**: test (1 of 6 stages)");
    expect(message).toContain(`test: nothing ran: no tests found by ${UNIT.join(" ")}`);
    expect(message).toContain("Fix: give the stage something to run (tests, a linter), or accept it with stages.test.ifNothingRuns: skip in pipeline.yaml");
  });

  it("with ifNothingRuns: skip, skips the stage with its reason, and the headline says nothing ran, not passed", async () => {
    const root = copyExample("go-service", { "pipeline.yaml": "stages:\n  test: { ifNothingRuns: skip }\n" });
    const { error } = await recordRun(async () => (await pipelineOn(root)).test());
    expect(error).toBeUndefined();
    const summary = (await recordRun(() => stageSummary(root, "test"))).result!;
    expect(summary).toContain("**⏭ Nothing ran**: all 1 stages skipped, none passed");
    expect(summary).not.toContain("Passed");
    expect(summary).toContain(`Skipped: test (nothing ran: no tests found by ${UNIT.join(" ")} (stages.test.ifNothingRuns: skip))`);
  });

  it("skips the coverage gate with the fix when vitest has no coverage provider, rather than failing for a missing report", async () => {
    const root = copyExample("node-service");
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string>; devDependencies: Record<string, string> };
    // The project's own test script runs vitest, which has no coverage provider installed.
    pkg.scripts["test"] = "vitest run";
    pkg.devDependencies["vitest"] = "3.2.4";
    const withVitest = copyExample("node-service", { "package.json": JSON.stringify(pkg) });
    const { error } = await recordRun(async () => (await pipelineOn(withVitest)).test(), testsRan());
    expect(error).toBeUndefined();
    const summary = (await recordRun(() => stageSummary(withVitest, "test"), testsRan())).result!;
    expect(summary).toContain(`coverage gate skipped: ${NO_VITEST_COVERAGE}, or set stages.test.coverageThreshold: 0 to check no coverage`);
    expect(summary).toContain("| test | ✅ passed |");
  });
});

describe("benchmarks without a baseline", () => {
  const benchOutput = { execOutcome: (argv: readonly string[]) => (argv.includes("-bench") ? { exitCode: 0, stdout: "BenchmarkX-2 \t 100\t 10 ns/op\n" } : undefined) };

  it("run once (-count 1) to record figures, and say how to record a baseline", async () => {
    const root = copyExample("go-service", { "pipeline.yaml": "stages:\n  bench: { count: 9 }\n" });
    const { engine, error } = await recordRun(async () => (await pipelineOn(root)).bench(), benchOutput);
    expect(error).toBeUndefined();
    const benches = engine.executedCommands().filter((c) => c.includes("-bench"));
    expect(benches).toEqual([goArgs.benchArgs(1)]);
    const summary = (await recordRun(() => stageSummary(root, "bench"), benchOutput)).result!;
    expect(summary).toContain("1 benchmark measured; no baseline at .pipeline/bench-baseline.json");
    expect(summary).toContain("record one with: dagger call bench-baseline -o .pipeline/bench-baseline.json");
  });

  it("with withoutBaseline: skip, do not run, and the stage says why and how to record one", async () => {
    const root = copyExample("go-service", { "pipeline.yaml": "stages:\n  bench: { withoutBaseline: skip }\n" });
    const { engine, error } = await recordRun(async () => (await pipelineOn(root)).bench(), benchOutput);
    expect(error).toBeUndefined();
    expect(engine.executedCommands().filter((c) => c.includes("-bench"))).toEqual([]);
    const summary = (await recordRun(() => stageSummary(root, "bench"))).result!;
    expect(summary).toContain("| bench | ⏭ skipped |");
    expect(summary).toContain("no baseline at .pipeline/bench-baseline.json to compare with (stages.bench.withoutBaseline: skip); record one with: dagger call bench-baseline -o .pipeline/bench-baseline.json");
  });

  it("bench-baseline still measures stages.bench.count samples", async () => {
    const root = copyExample("go-service", { "pipeline.yaml": "stages:\n  bench: { count: 7, withoutBaseline: skip }\n" });
    const { engine, error } = await recordRun(async () => (await pipelineOn(root)).benchBaseline().then((f) => f.id()), benchOutput);
    expect(error).toBeUndefined();
    expect(engine.executedCommands().filter((c) => c.includes("-bench"))).toEqual([goArgs.benchArgs(7)]);
  });
});
