#!/usr/bin/env node
// Mutation check: applies each one-line mutant of scripts/named-mutants.json alone, in a copy of the
// repository (never the work tree), runs the test files that mutant names, and counts it killed
// when they fail. Prints the score per folder and every survivor; exits 1 when a survivor is not
// marked `equivalent` (with the reason it cannot be killed), or a mutant marked so is killed.
// Usage: npm run mutate:named [-- <id or path substring>...]
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { performance } from "node:perf_hooks";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const log = (line) => process.stdout.write(`${line}\n`);
const repo = fileURLToPath(new URL("..", import.meta.url));
const filters = process.argv.slice(2);
const all = JSON.parse(readFileSync(join(repo, "scripts/named-mutants.json"), "utf8")).mutants;
const mutants = all.filter((m) => filters.length === 0 || filters.some((f) => m.id.includes(f) || m.file.includes(f)));
if (mutants.length === 0) {
  process.stderr.write(`no mutant matches ${filters.join(" ")}\n`);
  process.exit(2);
}
if (mutants.some((m) => !Array.isArray(m.tests) || m.tests.length === 0)) throw new Error("every mutant names the test files to run (an empty list would run the whole suite)");

// The sandbox: tracked and untracked (not ignored) files, the installed node_modules, and ../shared
// beside it, as the tests find their fixtures there.
const root = mkdtempSync(join(tmpdir(), "pipeline-mutate-"));
const sandbox = join(root, "repo");
const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: repo, encoding: "utf8" }).split("\0").filter(Boolean);
for (const file of files) {
  if (!existsSync(join(repo, file))) continue; // deleted in the work tree
  mkdirSync(dirname(join(sandbox, file)), { recursive: true });
  cpSync(join(repo, file), join(sandbox, file));
}
symlinkSync(join(repo, "node_modules"), join(sandbox, "node_modules"));
if (existsSync(join(repo, "../shared"))) symlinkSync(realpathSync(join(repo, "../shared")), join(root, "shared"));
// The spawned-CLI tests run dist/bin.js: built once, unmutated, so a mutant of cli/ is killed only
// by the tests that run it in-process or from source.
execFileSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "cli/build/main.ts"], { cwd: sandbox, stdio: "inherit" });
// Each mutant of the module builds its own runtime view in the temp folder: removed at the end.
const viewsBefore = new Set(readdirSync(tmpdir()).filter((name) => name.startsWith("pipeline-runtime-view-")));

function runTests(tests) {
  const started = performance.now();
  const result = spawnSync(process.execPath, ["node_modules/vitest/vitest.mjs", "run", "--bail=1", "--reporter=dot", ...tests], {
    cwd: sandbox,
    encoding: "utf8",
    timeout: 600_000,
  });
  return { passed: result.status === 0, seconds: (performance.now() - started) / 1000, output: `${result.stdout}${result.stderr}` };
}

const results = [];
try {
  // Unmutated, the tests must pass, or a "kill" means nothing.
  const tests = [...new Set(mutants.flatMap((m) => m.tests))];
  const clean = runTests(tests);
  if (!clean.passed) {
    process.stderr.write(`${clean.output}\nthe unmutated tests fail; fix them first\n`);
    process.exit(2);
  }
  log(`unmutated: ${tests.length} test paths pass (${clean.seconds.toFixed(0)} s)`);
  for (const m of mutants) {
    const path = join(sandbox, m.file);
    const original = readFileSync(path, "utf8");
    const at = original.indexOf(m.from);
    if (at === -1 || original.indexOf(m.from, at + 1) !== -1) {
      results.push({ ...m, status: "stale" });
      log(`STALE    ${m.id}: ${m.file} has ${at === -1 ? "no" : "more than one"} ${JSON.stringify(m.from)}`);
      continue;
    }
    writeFileSync(path, original.slice(0, at) + m.to + original.slice(at + m.from.length));
    try {
      const run = runTests(m.tests);
      const status = run.passed ? "survived" : "killed";
      results.push({ ...m, status });
      log(`${status.toUpperCase().padEnd(8)} ${m.id} (${run.seconds.toFixed(0)} s)`);
    } finally {
      writeFileSync(path, original);
    }
  }
} finally {
  rmSync(root, { recursive: true, force: true });
  for (const name of readdirSync(tmpdir())) {
    if (name.startsWith("pipeline-runtime-view-") && !viewsBefore.has(name)) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

const folders = new Map();
for (const r of results) {
  const folder = dirname(r.file);
  const f = folders.get(folder) ?? { killed: 0, total: 0 };
  f.total++;
  if (r.status === "killed") f.killed++;
  folders.set(folder, f);
}
log("\nscore per folder (killed / mutants):");
for (const [folder, f] of [...folders].sort()) log(`  ${folder.padEnd(32)} ${`${f.killed}/${f.total}`.padStart(7)}  ${((100 * f.killed) / f.total).toFixed(0)}%`);
const killed = results.filter((r) => r.status === "killed").length;
log(`  ${"all".padEnd(32)} ${`${killed}/${results.length}`.padStart(7)}  ${((100 * killed) / Math.max(results.length, 1)).toFixed(0)}%`);

const survivors = results.filter((r) => r.status === "survived");
const unexplained = survivors.filter((r) => !r.equivalent);
const stale = results.filter((r) => r.status === "stale" || (r.status === "killed" && r.equivalent));
for (const r of survivors) log(`survived: ${r.id}${r.equivalent ? ` (equivalent: ${r.equivalent})` : ""}`);
for (const r of stale) log(`update scripts/named-mutants.json: ${r.id} is ${r.status === "stale" ? "no longer in its file" : "killed but marked equivalent"}`);
process.exitCode = unexplained.length > 0 || stale.length > 0 ? 1 : 0;
