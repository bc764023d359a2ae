#!/usr/bin/env node
// Mutation testing of the pure logic with Stryker (stryker.config.mjs), then the score per folder
// and every survivor, read from Stryker's JSON report. Stryker's sandbox is .stryker-tmp/<sandbox>/,
// so the shared fixtures the tests read at <repo>/../shared are linked at .stryker-tmp/shared.
// Usage: npm run mutate [-- --mutate <file>...]   (any stryker run option; one file takes ~30 s to 3 min)
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

const log = (line) => process.stdout.write(`${line}\n`);
const repo = fileURLToPath(new URL("..", import.meta.url));
const report = join(repo, "reports/mutation/mutation.json");
const sharedLink = join(repo, ".stryker-tmp/shared");
if (existsSync(join(repo, "../shared"))) {
  mkdirSync(dirname(sharedLink), { recursive: true });
  rmSync(sharedLink, { force: true });
  symlinkSync(realpathSync(join(repo, "../shared")), sharedLink);
}
rmSync(report, { force: true });

const started = performance.now();
const stryker = spawnSync(process.execPath, [join(repo, "node_modules/@stryker-mutator/core/bin/stryker.js"), "run", ...process.argv.slice(2)], { cwd: repo, stdio: "inherit" });
const minutes = (performance.now() - started) / 60_000;
if (!existsSync(report)) {
  process.stderr.write("stryker wrote no report\n");
  process.exit(stryker.status || 2);
}

const { files } = JSON.parse(readFileSync(report, "utf8"));
const detected = new Set(["Killed", "Timeout"]);
const counted = new Set([...detected, "Survived", "NoCoverage"]);
const folders = new Map();
const survivors = [];
for (const [file, { mutants }] of Object.entries(files)) {
  const folder = folders.get(dirname(file)) ?? { killed: 0, total: 0 };
  for (const m of mutants) {
    if (!counted.has(m.status)) continue; // compile and runtime errors, ignored: not scored
    folder.total++;
    if (detected.has(m.status)) folder.killed++;
    else survivors.push(`${file}:${m.location.start.line} ${m.mutatorName}${m.replacement === undefined ? "" : ` -> ${JSON.stringify(m.replacement)}`} (${m.status})`);
  }
  folders.set(dirname(file), folder);
}
const all = { killed: 0, total: 0 };
log("\nmutation score per folder (killed or timed out / mutants):");
for (const [name, f] of [...folders].sort()) {
  all.killed += f.killed;
  all.total += f.total;
  log(`  ${name.padEnd(32)} ${`${f.killed}/${f.total}`.padStart(9)}  ${((100 * f.killed) / Math.max(f.total, 1)).toFixed(2)}%`);
}
log(`  ${"all".padEnd(32)} ${`${all.killed}/${all.total}`.padStart(9)}  ${((100 * all.killed) / Math.max(all.total, 1)).toFixed(2)}%`);
log(`\n${survivors.length} survivors (each explained in test/mutation-survivors.md):`);
for (const s of survivors) log(`  ${s}`);
log(`\nmutation run: ${minutes.toFixed(1)} min`);
process.exitCode = stryker.status ?? 1;
