/**
 * `npm run bench`: figures, not a test. Prints
 *  1. the parallel efficiency of `ci` under the recording engine with equal
 *     latency per exec: wall time / the longest chain of execs, counted in
 *     the engine's waves (target <= 1.1);
 *  2. whether two plans of the same tree are identical;
 *  3. the wall time of `pipeline validate` and `pipeline plan ci` on each
 *     example, as a ratio to `pipeline --version` measured in the same run;
 *  4. the Dagger runtime's cold-start steps this module triggers: its install
 *     step (none, or the command), the files its entrypoint imports at every
 *     call, and their load time under tsx as a ratio to the SDK library alone.
 * With BENCH_OUTPUT set, it also writes the CLI timing samples there as
 * tinybench-style JSON (`{ tasks: [{ name, samples }] }`, ms), which the
 * pipeline's own bench stage compares against a baseline.
 */
import { execFileSync } from "node:child_process";
import { statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dag } from "@dagger.io/dagger";
import { planFunction } from "../cli/commands/plan.js";
import { recordRun } from "../cli/recording-engine/run.js";
import { importFromRuntimeView } from "../cli/runtime-view/load.js";
import { runtimeView } from "../cli/runtime-view/view.js";

const { Pipeline } = await importFromRuntimeView();

const repo = new URL("../", import.meta.url).pathname;
const EXAMPLES = ["examples/go-service", "examples/node-service", "examples/python-service"];
const LATENCY_MS = 1000;

/**
 * The longest chain of execs `reports` needs, data dependencies included (an
 * exec whose argv comes from another's output): the number of waves the
 * recording engine answers them in.
 */
async function longestChain(example: string): Promise<number> {
  const { engine } = await recordRun(() => new Pipeline(dag.host().directory(`${repo}${example}`)).reports());
  return Math.max(0, ...(await engine.executions()).map((e) => e.wave));
}

/** Wall time of `reports` with every exec taking `latencyMs`. */
async function wallTime(example: string, latencyMs: number): Promise<number> {
  const started = performance.now();
  await recordRun(() => new Pipeline(dag.host().directory(`${repo}${example}`)).reports(), { execLatencyMs: latencyMs });
  return performance.now() - started;
}

/** The ratio, and the orchestration's own cost (every exec instant) that makes it exceed 1. */
async function parallelEfficiency(example: string): Promise<{ wall: number; ideal: number; ratio: number; overhead: number }> {
  const ideal = (await longestChain(example)) * LATENCY_MS;
  const wall = await wallTime(example, LATENCY_MS);
  return { wall, ideal, ratio: wall / ideal, overhead: await wallTime(example, 0) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const tasks: { name: string; samples: number[] }[] = [];

/** Median wall time of spawning the CLI; every sample is kept for BENCH_OUTPUT. */
function timeCli(args: string[], cwd: string, runs = 5): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    execFileSync("node", [`${repo}cli/bin.js`, ...args], { cwd, stdio: "ignore" });
    samples.push(performance.now() - started);
  }
  tasks.push({ name: `pipeline ${args.join(" ")} (${cwd === repo ? "." : cwd.slice(repo.length)})`, samples });
  return median(samples);
}

const ms = (n: number) => `${n.toFixed(0)} ms`;

console.log(`1. Parallel efficiency of ci (recording engine, ${LATENCY_MS} ms per exec; target <= 1.10)`);
for (const example of EXAMPLES) {
  const { wall, ideal, ratio, overhead } = await parallelEfficiency(example);
  console.log(
    `   ${example.padEnd(26)} wall ${ms(wall).padStart(8)}  longest chain ${ms(ideal).padStart(8)}  ratio ${ratio.toFixed(2)}` +
      `  (orchestration alone ${ms(overhead)})`,
  );
}

console.log("\n2. Plan determinism (two plans of the same tree)");
for (const example of [".", ...EXAMPLES]) {
  const [a, b] = [await planFunction({ fn: "ci", source: example }), await planFunction({ fn: "ci", source: example })];
  console.log(`   ${example.padEnd(26)} ${a.output === b.output ? "identical" : "DIFFERENT"} (${a.output.split("\n").length} lines)`);
}

console.log("\n3. CLI wall time (median of 5 spawns; ratio to `pipeline --version` in the same run)");
const baseline = timeCli(["--version"], repo);
console.log(`   ${"pipeline --version".padEnd(46)} ${ms(baseline).padStart(8)}  1.00x`);
for (const example of EXAMPLES) {
  for (const args of [["validate"], ["plan", "ci"]]) {
    const time = timeCli(args, `${repo}${example}`);
    console.log(`   ${`pipeline ${args.join(" ")}  (in ${example})`.padEnd(46)} ${ms(time).padStart(8)}  ${(time / baseline).toFixed(2)}x`);
  }
}

console.log("\n4. Dagger runtime cold start for this module (what every cold engine and every call pays)");
const view = runtimeView();
const { install } = view;
console.log(
  `   install step      ${install.install ? `\`${install.install.join(" ")}\`` : "none"} (${install.packageManager} ${install.version}: ${install.reason};` +
    ` TypeScript ${install.mountsTypescript ? "mounted" : "installed"}; setup exec ${install.setup ? "`" + install.setup.join(" ") + "`" : "none"})`,
);
const kb = (files: string[]) => `${(files.reduce((sum, f) => sum + statSync(join(view.modulePath, f)).size, 0) / 1024).toFixed(0)} KB`;
const imported = view.sourceFiles.filter((f) => /^src\/.*\.m?ts$/.test(f));
console.log(`   source copied     ${view.sourceFiles.length} files, ${kb(view.sourceFiles)}`);
console.log(`   imported per call ${imported.length} files under src/ (${kb(imported)}) and sdk/client.gen.ts, with what they import`);
const tsxCli = join(createRequire(import.meta.url).resolve("tsx/package.json"), "../dist/cli.mjs");
const probe = join(tmpdir(), "pipeline-bench-load-probe.mjs");
writeFileSync(probe, "await import(process.argv[2]);\n");
/** Median wall time of a fresh tsx process (the module's tsconfig) importing one file of the view. */
const loadTime = (file: string) => {
  const samples = [1, 2, 3].map(() => {
    const started = performance.now();
    execFileSync("node", [tsxCli, "--tsconfig", join(view.modulePath, "tsconfig.json"), probe, join(view.modulePath, file)], { stdio: "ignore" });
    return performance.now() - started;
  });
  return median(samples);
};
const sdkAlone = loadTime("sdk/index.ts");
const moduleLoad = loadTime("src/index.ts");
console.log(`   load under tsx    module ${ms(moduleLoad)}, SDK library alone ${ms(sdkAlone)}: ${(moduleLoad / sdkAlone).toFixed(2)}x`);

const output = process.env["BENCH_OUTPUT"];
if (output) writeFileSync(output, `${JSON.stringify({ tasks }, null, 2)}\n`);
