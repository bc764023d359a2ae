import { readFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { recordRun } from "../../cli/recording-engine/run.js";
import { testsRan } from "../../cli/recording-engine/tests-ran.js";
import { parseGoCoverprofile } from "../../pipeline/modules/report/coverage.js";
import { parseGoTestJson } from "../../pipeline/modules/report/go-test-json.js";
import { copyTestProject, tempDir, type TestProjectName } from "../helpers/examples.js";
import { execFolder } from "../helpers/exec-workdir.js";
import { pipelineOn } from "../helpers/pipeline.js";
import { execChainsOf } from "../helpers/records.js";
import { REAL_TOOL_TIMEOUT } from "../helpers/run-locally.js";

/**
 * The go-nested and go-work projects' planned test and vet commands, each run with the real go in
 * the folder the plan gives it: every module's own tests run and pass, and vet passes everywhere.
 * Run from the root instead, the nested module's tests would not run at all (it is no package of
 * the root's `./...`), and a go.work module's vet would not find its go.mod.
 */

const haveGo = (await execa("go", ["version"], { reject: false }).catch(() => undefined))?.exitCode === 0;
if (!haveGo) console.warn("skipping the Go modules' real runs: no `go` on PATH (install a current Go from go.dev/dl)");

/** The `go test` and `go vet` execs a stage planned, with the folder each runs in. */
async function plannedGoExecs(root: string, stage: "test" | "lint") {
  const { engine } = await recordRun(async () => {
    const pipeline = await pipelineOn(root);
    await (stage === "test" ? pipeline.test() : pipeline.lint());
  }, testsRan());
  return execChainsOf(engine.records)
    .filter((e) => e.argv[0] === "go" && (e.argv[1] === "test" || e.argv[1] === "vet"))
    .map((e) => ({ argv: e.argv, folder: execFolder(e.chain) }));
}

/** Runs argv in `folder` of the copy, as the container does (no GOFLAGS or GOWORK of ours; the projects need no download); the coverprofile goes to a temp folder instead of /tmp. */
async function runIn(root: string, folder: string, argv: readonly string[], profiles: string) {
  const local = argv.map((a) => a.replace(/^-coverprofile=\/tmp\//, `-coverprofile=${profiles}/`));
  const result = await execa(local[0]!, local.slice(1), { cwd: join(root, folder), reject: false, env: { GOFLAGS: "", GOWORK: "", GOPROXY: "off" } });
  return { exitCode: result.exitCode ?? 1, stdout: String(result.stdout), stderr: String(result.stderr), profile: /^-coverprofile=(.+)$/.exec(local.find((a) => a.startsWith("-coverprofile=")) ?? "")?.[1] };
}

const CASES: { project: TestProjectName; tests: Record<string, string[]> }[] = [
  { project: "go-nested", tests: { ".": ["TestAdd"], tools: ["TestDouble"] } },
  { project: "go-work", tests: { ".": ["TestGreet"], lib: ["TestShout"] } },
];

describe.skipIf(!haveGo)("go modules below the root, run as planned with the real go", REAL_TOOL_TIMEOUT, () => {
  for (const { project, tests } of CASES) {
    it(`${project}: each module's tests run and pass in its own folder, with its own coverprofile`, async () => {
      const root = copyTestProject(project);
      const profiles = tempDir("go-profiles-");
      const runs = (await plannedGoExecs(root, "test")).filter((e) => e.argv[1] === "test" && e.argv.includes("-json") && !e.argv.includes("-bench"));
      expect(runs.map((r) => r.folder).sort()).toEqual(Object.keys(tests).sort());
      for (const { argv, folder } of runs) {
        const run = await runIn(root, folder, argv, profiles);
        expect(run.exitCode, `${folder}: ${argv.join(" ")}\n${run.stderr}`).toBe(0);
        const cases = parseGoTestJson(run.stdout).flatMap((s) => s.tests);
        expect(cases.map((t) => t.name).sort(), folder).toEqual(tests[folder]);
        expect(cases.every((t) => t.status === "passed")).toBe(true);
        expect(run.profile, "each module writes a coverprofile of its own").toBeDefined();
        const coverage = parseGoCoverprofile(readFileSync(run.profile!, "utf8"));
        expect(coverage.files.length, folder).toBeGreaterThan(0);
      }
      expect(new Set(runs.map((r) => r.argv.find((a) => a.startsWith("-coverprofile=")))).size, "no two modules share a profile").toBe(runs.length);
    });

    it(`${project}: vet runs in every module's folder and passes there`, async () => {
      const root = copyTestProject(project);
      const vets = (await plannedGoExecs(root, "lint")).filter((e) => e.argv[1] === "vet");
      expect(vets.map((v) => v.folder).sort()).toEqual(Object.keys(tests).sort());
      for (const { argv, folder } of vets) {
        const run = await runIn(root, folder, argv, tempDir("go-vet-"));
        expect(run.exitCode, `${folder}: ${argv.join(" ")}\n${run.stderr}`).toBe(0);
      }
    });
  }
});
