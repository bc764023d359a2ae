import { describe, expect, it } from "vitest";
import { recordRun } from "../../cli/recording-engine/run.js";
import { copyExample, type ExampleName } from "../helpers/examples.js";
import { pipelineOn } from "../helpers/pipeline.js";
import { envOf, execChainsOf, type ExecChain } from "../helpers/records.js";

/**
 * `--rerun`: the engine caches a failing exec like any other, so a flaky
 * test fails again from the cache until something in its exec changes. A
 * new rerun value changes the tool execs and nothing before them.
 */

const RERUN = "PIPELINE_RERUN";

async function ciExecs(root: string, rerun?: string): Promise<ExecChain[]> {
  const { engine } = await recordRun(async () => (await pipelineOn(root)).ci(rerun));
  return execChainsOf(engine.records);
}

const PROJECTS: [ExampleName, Record<string, string>][] = [
  ["go-service", {}],
  ["go-service", { ".golangci.yml": "linters:\n  enable: [errcheck]\n" }],
  ["node-service", {}],
  ["python-service", {}],
];

describe("--rerun", () => {
  it.each(PROJECTS)("%s %j: a new value changes every tool exec's env and no install", async (name, files) => {
    const root = copyExample(name, files);
    const [first, second] = [await ciExecs(root, "1700000000"), await ciExecs(root, "1700000042")];
    const installs = (execs: ExecChain[]) => execs.filter((e) => !e.tool).map((e) => JSON.stringify(e.chain));
    const tools = (execs: ExecChain[]) => execs.filter((e) => e.tool);

    expect(installs(first).length).toBeGreaterThan(0);
    expect(installs(second)).toEqual(installs(first));
    for (const install of first.filter((e) => !e.tool)) expect(envOf(install.chain), install.argv.join(" ")).not.toHaveProperty(RERUN);

    expect(tools(first).length).toBeGreaterThan(1);
    expect(tools(second).map((e) => e.argv)).toEqual(tools(first).map((e) => e.argv));
    for (const tool of tools(first)) expect(envOf(tool.chain)[RERUN], tool.argv.join(" ")).toBe("1700000000");
    for (const tool of tools(second)) expect(envOf(tool.chain)[RERUN], tool.argv.join(" ")).toBe("1700000042");
  });

  it("leaves the graph as it was without a value: nothing to bust", async () => {
    const execs = await ciExecs(copyExample("go-service"));
    for (const exec of execs) expect(envOf(exec.chain)).not.toHaveProperty(RERUN);
  });

  it("is what bench-baseline does on every call, so the baseline is a new measurement, not the cached one", async () => {
    const root = copyExample("go-service");
    const measure = async () => {
      const { engine } = await recordRun(async () => (await pipelineOn(root)).benchBaseline().then((file) => file.id()));
      return execChainsOf(engine.records);
    };
    const [first, second] = [await measure(), await measure()];
    const bench = (execs: ExecChain[]) => envOf(execs.find((e) => e.argv.includes("-bench"))!.chain)[RERUN];
    expect(bench(first)).toEqual(expect.any(String));
    expect(bench(second)).toEqual(expect.any(String));
    expect(bench(first)).not.toBe(bench(second));
    expect(second.filter((e) => !e.tool).map((e) => JSON.stringify(e.chain))).toEqual(first.filter((e) => !e.tool).map((e) => JSON.stringify(e.chain)));
  });
});
