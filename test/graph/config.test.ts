import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { recordRun } from "../../cli/recording-engine/run.js";
import * as goArgs from "../../pipeline/modules/go/args.js";
import { IMAGES } from "../../pipeline/modules/pins.js";
import { TOOL_INPUT_EXCLUDES } from "../../pipeline/modules/project.js";
import { examplePath, tempDir } from "../helpers/examples.js";
import { haveFixtures, readFixture } from "../helpers/fixtures.js";
import { pipelineOn, reportFiles, stageSummary } from "../helpers/pipeline.js";
import { chainOf } from "../helpers/records.js";
import { testsRan } from "../../cli/recording-engine/tests-ran.js";

/** pipeline.yaml as the module reads it: workdir, per-stage switches, configured commands. */

function monorepo(config: string): string {
  const root = tempDir("monorepo-");
  cpSync(examplePath("go-service"), join(root, "services/api"), { recursive: true });
  writeFileSync(join(root, "pipeline.yaml"), config);
  writeFileSync(join(root, "README.md"), "# monorepo\n");
  return root;
}

describe("pipeline.yaml in the module", () => {
  it("runs on the workdir's project, detecting its language there", async () => {
    const root = monorepo("workdir: services/api\n");
    const { engine, error } = await recordRun(async () => (await pipelineOn(root)).test(), testsRan());
    expect(error).toBeUndefined();
    const chain = chainOf(engine.records, goArgs.unitTestArgs({ race: true }));
    expect(chain[1]?.args["address"]).toBe(IMAGES.go);
    const source = chain.find((s) => s.field === "withDirectory" && s.args["include"] === undefined)?.args["source"];
    expect(source).toEqual({
      $chain: [
        { field: "host", args: {} },
        { field: "directory", args: { path: root } },
        { field: "directory", args: { path: "services/api" } },
        // Without the files no tool reads: the filter applies within the project folder.
        { field: "filter", args: { exclude: [...TOOL_INPUT_EXCLUDES] } },
      ],
    });
  });

  it.skipIf(!haveFixtures)("writes coverage paths from the repository root, under workdir", async () => {
    const root = monorepo("workdir: services/api\n");
    const unit = goArgs.unitTestArgs({ race: true }).join(" ");
    const files = await reportFiles(root, {
      execOutcome: (argv) => (argv.join(" ") === unit ? { exitCode: 0, stdout: readFixture("go/test-race-cover.jsonl") } : undefined),
      fileContents: (path) => (path === goArgs.COVERPROFILE ? readFixture("go/cover.out") : undefined),
    });
    // go.mod there says example.com/go-service; the fixture's profile is of example.com/gosample, so its names stay whole.
    expect(files["test/coverage.cobertura.xml"]).toMatch(/filename="services\/api\/example\.com\/gosample\/calc\.go"/);
  });

  it("says how to fix a workdir without a known project", async () => {
    const root = monorepo("");
    const { error } = await recordRun(async () => (await pipelineOn(root)).ci());
    expect((error as Error).name).toBe("PipelineUserError");
    expect((error as Error).message).toContain('Fix: set "language: go|node|python" (and "workdir" if the project is in a subfolder)');
  });

  it("refuses a pipeline.yaml that is a directory instead of applying the defaults", async () => {
    const root = tempDir("config-dir-");
    cpSync(examplePath("go-service"), root, { recursive: true });
    mkdirSync(join(root, "pipeline.yaml"));
    writeFileSync(join(root, "pipeline.yaml", "settings.yaml"), "language: go\n");
    const { engine, error } = await recordRun(async () => (await pipelineOn(root)).ci());
    expect((error as Error).name).toBe("PipelineUserError");
    expect((error as Error).message).toBe(
      "pipeline.yaml is a directory, not a file.\n" +
        "  Fix: remove or rename the pipeline.yaml/ folder at the repository root, and put the pipeline's settings in a file named pipeline.yaml (or in none, for the defaults).",
    );
    expect(engine.executedCommands()).toEqual([]);
  });

  it("fails bench alone, naming stages.bench.baseline and the fix from the repository root, when the baseline is a directory", async () => {
    const root = monorepo("workdir: services/api\nstages:\n  bench: { baseline: perf/baseline.json }\n");
    mkdirSync(join(root, "services/api/perf/baseline.json"), { recursive: true });
    const { engine, error } = await recordRun(async () => (await pipelineOn(root)).ci(), testsRan());
    const message = (error as Error).message;
    expect(message).toContain("❌ Failed**: bench (1 of 6 stages)");
    expect(message).toContain('pipeline.yaml: stages.bench.baseline "perf/baseline.json" is a directory, not a baseline file.');
    // dagger call runs at the repository root, so the -o path includes the workdir.
    expect(message).toContain("Fix: remove or rename the folder services/api/perf/baseline.json, then record a baseline with: dagger call bench-baseline -o services/api/perf/baseline.json");
    expect(message).not.toContain("read ");
    // The other stages ran, and bench-baseline still measures.
    expect(engine.executedCommands().length).toBeGreaterThan(3);
    const baseline = await recordRun(async () => (await pipelineOn(root)).benchBaseline());
    expect(String(baseline.error)).not.toContain("is a directory");
  });

  it("skips a disabled stage with the key that disabled it, and runs nothing for it", async () => {
    const root = monorepo("workdir: services/api\nstages:\n  bench: { enabled: false }\n");
    const { engine, error } = await recordRun(async () => (await pipelineOn(root)).ci(), testsRan());
    expect(error).toBeUndefined();
    const commands = engine.executedCommands().map((c) => c.join(" "));
    expect(commands.some((c) => c.includes("-bench"))).toBe(false);
    const summary = await recordRun(() => stageSummary(root, "bench"));
    expect(summary.result).toContain("disabled in pipeline.yaml (stages.bench.enabled)");
  });

  it("runs configured commands as argv in the toolchain's container, stopping at the first failure", async () => {
    const root = monorepo(
      "workdir: services/api\nstages:\n  lint:\n    commands:\n      - [staticcheck, ./...]\n      - [go, vet, -tags, 'integration; rm -rf /', ./...]\n      - [never, runs]\n",
    );
    const { engine, error } = await recordRun(async () => (await pipelineOn(root)).lint(), {
      execOutcome: (argv) => (argv[0] === "go" && argv[1] === "vet" ? { exitCode: 1, stderr: "vet: main.go:3:2: unreachable code" } : undefined),
    });
    const executed = engine.executedCommands();
    expect(executed).toContainEqual(["staticcheck", "./..."]);
    // A value that looks like shell stays one argument: nothing is ever given to a shell.
    expect(executed).toContainEqual(["go", "vet", "-tags", "integration; rm -rf /", "./..."]);
    expect(executed).not.toContainEqual(["never", "runs"]);
    expect(chainOf(engine.records, ["staticcheck", "./..."])[1]?.args["address"]).toBe(IMAGES.go);
    expect(String(error)).toContain("vet: main.go:3:2: unreachable code");
  });

  it("runs each configured command on the container the previous one left, so it sees that one's files", async () => {
    const root = monorepo("workdir: services/api\nstages:\n  test:\n    commands:\n      - [go, generate, ./...]\n      - [go, test, ./...]\n");
    const { engine, error } = await recordRun(async () => (await pipelineOn(root)).test());
    expect(error).toBeUndefined();
    const execs = chainOf(engine.records, ["go", "test", "./..."]).filter((s) => s.field === "withExec").map((s) => s.args["args"]);
    expect(execs.slice(-2)).toEqual([["go", "generate", "./..."], ["go", "test", "./..."]]);
  });
});
