/**
 * `npm run bench`: figures, not a test. Prints
 *  1. the parallel efficiency of `ci` under the recording engine with equal
 *     latency per exec: wall time / the longest chain of execs, counted in
 *     the engine's waves (target <= 1.1);
 *  2. whether two plans of the same tree are identical;
 *  3. the cold start of the compiled CLI (dist/, which `npm run build` writes):
 *     `pipeline --version`, `validate` and `plan ci` on each example, as
 *     ratios to a bare `node -e 0` spawned in the same rounds (targets 3x, 5x,
 *     10x), and where plan's time goes: Node's start, loading the CLI and the
 *     SDK, loading the module, running it against the recording engine, and
 *     rendering the plan;
 *  4. the Dagger runtime's cold-start steps this module triggers: its install
 *     step (none, or the command), the files its entrypoint imports at every
 *     call, and their load time under tsx as a ratio to the SDK library alone;
 *  5. bundle or tsc: the cold start of the esbuild bundle against tsc's
 *     per-file output of the same CLI (`--version`, `validate`, 21 rounds,
 *     ratios to bare Node in the same rounds), the measure behind the build.
 * With BENCH_OUTPUT set, it also writes the CLI timing samples there as
 * tinybench-style JSON (`{ tasks: [{ name, samples }] }`, ms), which the
 * pipeline's own bench stage compares against a baseline.
 */
import { execFileSync } from "node:child_process";
import { statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runtimeView } from "../cli/runtime-view/view.js";
import { buildTscOutput } from "./tsc-output.js";

const repo = new URL("../", import.meta.url).pathname;
const EXAMPLES = ["examples/go-service", "examples/node-service", "examples/python-service"];
const LATENCY_MS = 1000;

/** The compiled CLI's API, what users run: its module is the one compiled in from the runtime's view. */
const { planFunction } = (await import(`${repo}dist/index.js`)) as typeof import("../cli/index.js");

/**
 * The longest chain of execs `reports` needs, data dependencies included (an
 * exec whose argv comes from another's output): the number of waves the
 * recording engine answers them in.
 */
async function longestChain(example: string): Promise<number> {
  const { recording } = await planFunction({ fn: "reports", source: `${repo}${example}` });
  return Math.max(0, ...recording.executions.map((e) => e.wave));
}

/** Time `reports` takes to run with every exec taking `latencyMs`. */
async function wallTime(example: string, latencyMs: number): Promise<number> {
  return (await planFunction({ fn: "reports", source: `${repo}${example}`, execLatencyMs: latencyMs })).timings.runMs;
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
const ms = (n: number) => `${n.toFixed(0)} ms`;
const DIST_BIN = `${repo}dist/bin.js`;

/**
 * Wall times of spawning each command, in rounds (one spawn of each per
 * round), so a machine busy for a moment slows every command alike and the
 * ratios to bare Node stay fair; every sample is kept for BENCH_OUTPUT.
 */
function spawnTimes(commands: { name: string; argv: string[]; cwd: string }[], rounds = 7): Map<string, number> {
  const samples = new Map(commands.map((c) => [c.name, [] as number[]]));
  for (let round = 0; round < rounds; round++) {
    for (const { name, argv, cwd } of commands) {
      const started = performance.now();
      execFileSync(argv[0]!, argv.slice(1), { cwd, stdio: ["ignore", "ignore", "pipe"] });
      samples.get(name)!.push(performance.now() - started);
    }
  }
  for (const [name, values] of samples) tasks.push({ name, samples: values });
  return new Map([...samples].map(([name, values]) => [name, median(values)]));
}

/**
 * Where a cold `plan ci` spends its time, measured inside fresh processes
 * (median of each phase): Node's own start (until the first line runs), the
 * CLI and the SDK's load, then planFunction's phases and the rendering.
 */
function planPhases(example: string, runs = 5): Record<string, number> {
  const probe = `const boot = performance.now();
const api = await import(${JSON.stringify(`${repo}dist/index.js`)});
const loaded = performance.now();
const { document, timings } = await api.planFunction({ fn: "ci", source: "." });
const rendered = performance.now();
api.renderPlan(document, ".");
console.log(JSON.stringify({ "Node start": boot, "CLI + SDK load": loaded - boot, "module load": timings.loadMs, "module run": timings.runMs, render: timings.buildMs + performance.now() - rendered }));`;
  const phases = Array.from({ length: runs }, () => JSON.parse(execFileSync("node", ["--input-type=module", "-e", probe], { cwd: `${repo}${example}`, encoding: "utf8" })) as Record<string, number>);
  return Object.fromEntries(Object.keys(phases[0]!).map((phase) => [phase, median(phases.map((p) => p[phase]!))]));
}

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
  const [ja, jb] = [JSON.stringify(a.document), JSON.stringify(b.document)];
  const execs = a.document.groups.flatMap((g) => g.containers).reduce((n, c) => n + c.execs.length, 0);
  console.log(`   ${example.padEnd(26)} ${ja === jb ? "identical" : "DIFFERENT"} (${execs} execs)`);
}

console.log("\n3. Cold start of the compiled CLI (median of 7 rounds; ratio to a bare `node -e 0` in the same rounds)");
const commands = [
  { name: "node -e 0", argv: ["node", "-e", "0"], cwd: repo, target: undefined },
  { name: "pipeline --version", argv: ["node", DIST_BIN, "--version"], cwd: repo, target: 3 },
  ...EXAMPLES.flatMap((example) => [
    { name: `pipeline validate  (in ${example})`, argv: ["node", DIST_BIN, "validate"], cwd: `${repo}${example}`, target: 5 },
    { name: `pipeline plan ci   (in ${example})`, argv: ["node", DIST_BIN, "plan", "ci"], cwd: `${repo}${example}`, target: 10 },
  ]),
];
const times = spawnTimes(commands);
const bare = times.get("node -e 0")!;
for (const { name, target } of commands) {
  const ratio = times.get(name)! / bare;
  const verdict = target === undefined ? "" : `  (target <= ${target}x${ratio > target ? ": OVER" : ""})`;
  console.log(`   ${name.padEnd(48)} ${ms(times.get(name)!).padStart(8)}  ${ratio.toFixed(2)}x${verdict}`);
}
console.log("   plan ci, phase by phase (in-process clocks, median of 5 cold processes):");
for (const example of EXAMPLES) {
  const phases = Object.entries(planPhases(example)).map(([phase, time]) => `${phase} ${ms(time)}`);
  console.log(`   ${example.padEnd(26)} ${phases.join(", ")}`);
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

console.log("\n5. Bundle or tsc? Cold start of the esbuild bundle (dist/) vs tsc's per-file output of the same CLI (issue 11)");
const tscBuild = buildTscOutput(repo);
console.log(`   tsc output: ${tscBuild.files} .js files in a temp folder, compiled in ${ms(tscBuild.buildMs)}`);
const VALIDATED = "examples/python-service";
const builds = [
  { build: "bundle", bin: DIST_BIN },
  { build: "tsc", bin: tscBuild.bin },
];
const compared = [
  { name: "node -e 0", argv: ["node", "-e", "0"], cwd: repo },
  ...builds.flatMap(({ build, bin }) => [
    { name: `${build} --version`, argv: ["node", bin, "--version"], cwd: repo },
    { name: `${build} validate`, argv: ["node", bin, "validate"], cwd: `${repo}${VALIDATED}` },
  ]),
];
const ROUNDS = 21;
const coldStarts = spawnTimes(compared, ROUNDS);
const bareNode = coldStarts.get("node -e 0")!;
console.log(`   median of ${ROUNDS} rounds, ratio to \`node -e 0\` (${ms(bareNode)}) in the same rounds; validate in ${VALIDATED}:`);
for (const command of ["--version", "validate"]) {
  const [bundle, tsc] = builds.map(({ build }) => coldStarts.get(`${build} ${command}`)!);
  console.log(
    `   pipeline ${command.padEnd(10)} bundle ${ms(bundle!).padStart(7)} ${(bundle! / bareNode).toFixed(2)}x   tsc ${ms(tsc!).padStart(7)} ${(tsc! / bareNode).toFixed(2)}x` +
      `   faster: ${bundle! <= tsc! ? "bundle" : "tsc"} (tsc/bundle ${(tsc! / bundle!).toFixed(2)})`,
  );
}

const output = process.env["BENCH_OUTPUT"];
if (output) writeFileSync(output, `${JSON.stringify({ tasks }, null, 2)}\n`);
