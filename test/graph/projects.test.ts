import { cpSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { argText } from "../../cli/recording-engine/query.js";
import { recordRun } from "../../cli/recording-engine/run.js";
import * as goArgs from "../../pipeline/modules/go/args.js";
import { examplePath, tempDir, type ExampleName } from "../helpers/examples.js";
import { haveFixtures, readFixture } from "../helpers/fixtures.js";
import { pipelineOn, reportFiles } from "../helpers/pipeline.js";

/**
 * `projects:` in one repository, recorded: every project's stages at once,
 * each project's reports under its name, and one project's failure (a failing
 * tool, a folder that is not there) leaving the others' reports whole.
 */

const NOT_COPIED = new Set(["node_modules", ".venv", "__pycache__", ".pytest_cache", ".hypothesis", ".benchmarks", "coverage"]);

/** A repository holding examples in subfolders, and its pipeline.yaml. */
function monorepo(folders: Record<string, ExampleName>, config: string): string {
  const root = tempDir("monorepo-");
  for (const [folder, example] of Object.entries(folders)) {
    cpSync(examplePath(example), join(root, folder), { recursive: true, filter: (src) => !NOT_COPIED.has(basename(src)) });
  }
  writeFileSync(join(root, "pipeline.yaml"), config);
  return root;
}

// Two Go services told apart by their test argv (api's without the race detector), a Node front end, and a
// project whose folder is missing. The top-level stages are every project's defaults, merged key by key.
const CONFIG = `stages:
  test: { coverageThreshold: 30 }
  propertyTest: { enabled: false }
  scan: { enabled: false }
  bench: { enabled: false }
projects:
  api:
    workdir: services/api
    stages: { test: { race: false } }
  jobs: { workdir: services/jobs }
  web:
    workdir: web
    stages: { test: { enabled: false } }
  broken: { workdir: services/gone, language: go }
`;

const API_TEST = goArgs.unitTestArgs({ race: false });
const JOBS_TEST = goArgs.unitTestArgs({ race: true });
const same = (a: readonly string[], b: readonly string[]) => a.join("\0") === b.join("\0");

/** api's tests fail (real failing output); jobs' pass (real passing output and coverage profile). */
const outcomes = {
  execOutcome: (argv: readonly string[]) => {
    if (same(argv, API_TEST)) return { exitCode: 1, stdout: readFixture("go/test-fail.jsonl") };
    if (same(argv, JOBS_TEST)) return { exitCode: 0, stdout: readFixture("go/test-race-cover.jsonl") };
    return undefined;
  },
  fileContents: (path: string) => (path === goArgs.COVERPROFILE ? readFixture("go/cover.out") : undefined),
};

describe.skipIf(!haveFixtures)("projects: several projects in one repository", () => {
  it("runs every project's stages at once, reports each under reports/<name>/, and keeps the others' reports when one fails", async () => {
    const root = monorepo({ "services/api": "go-service", "services/jobs": "go-service", web: "node-service" }, CONFIG);
    const run = await recordRun(async () => (await (await pipelineOn(root)).reports()).id(), outcomes);
    expect(run.error).toBeUndefined();

    // Concurrent: both services' tests were answered in the same wave, which neither waited for the other to end.
    const executions = await run.engine.executions();
    const waveOf = (argv: readonly string[]) => executions.filter((e) => same(e.args, argv)).map((e) => e.wave);
    expect(waveOf(API_TEST)).toHaveLength(1);
    expect(waveOf(API_TEST)).toEqual(waveOf(JOBS_TEST));
    // Every project's install in the run's first wave, then its tools as soon as its own installs end: none waited for another project.
    // The Node project's lifecycle scripts (rebuild, then prepare) follow its install, after the source is copied.
    const firstWave = Math.min(...executions.map((e) => e.wave));
    const installs = executions.filter((e) => /^(go mod download|npm ci)\b/.test(e.args.join(" ")));
    expect(installs.map((e) => e.wave)).toEqual([firstWave, firstWave, firstWave]);
    const lifecycle = executions.filter((e) => /^npm (rebuild|run --if-present prepare)$/.test(e.args.join(" ")));
    expect(lifecycle.map((e) => e.wave).sort()).toEqual([firstWave + 1, firstWave + 2]);
    const tools = executions.filter((e) => !installs.includes(e) && !lifecycle.includes(e));
    const isNode = (e: (typeof executions)[number]) => /^(npm|node|npx) /.test(e.args.join(" "));
    expect(new Set(tools.filter((e) => !isNode(e)).map((e) => e.wave))).toEqual(new Set([firstWave + 1]));
    expect(new Set(tools.filter(isNode).map((e) => e.wave))).toEqual(new Set([firstWave + 3]));

    const built = run.engine.records.filter((r) => r.leaf === "id" && r.steps[0]?.field === "directory").pop()!;
    const paths = built.steps.filter((s) => s.field === "withNewFile").map((s) => argText(s.args["path"]));
    // Each project's reports in its own folder, the failing one's too; nothing at the top but the summary.
    expect(paths).toEqual(expect.arrayContaining(["api/test/junit.xml", "jobs/test/junit.xml", "jobs/test/coverage.cobertura.xml", "web/lint/output.txt", "summary.md"]));
    expect(paths.filter((p) => !p.includes("/"))).toEqual(["summary.md"]);
    expect(paths.filter((p) => p.startsWith("broken/"))).toEqual([]);

    const files = await reportFiles(root, outcomes);
    const summary = files["summary.md"]!;
    expect(summary).toMatch(/^# Pipeline: 4 projects\n/);
    expect(summary).toContain("**❌ Failed**: api: test, broken: not loaded");
    // Skipped: propertyTest, scan and bench (off), and integration (no test file behind the integration tag).
    expect(summary).toContain("| jobs | go | services/jobs | 2 | 0 | 4 |");
    expect(summary).toContain('## ❌ broken: not loaded\n\n```text\npipeline.yaml projects.broken: workdir "services/gone" is not a folder of the repository.');
    // jobs' own report is its own: its tests passed and its coverage was measured.
    expect(files["jobs/test/junit.xml"]).toMatch(/failures="0"/);
    expect(files["api/test/junit.xml"]).not.toMatch(/failures="0"/);
  });

  it("fails ci with every project's verdict, after running them all", async () => {
    const root = monorepo({ "services/api": "go-service", "services/jobs": "go-service", web: "node-service" }, CONFIG);
    const run = await recordRun(async () => (await pipelineOn(root)).ci(), outcomes);
    expect(String((run.error as Error).message)).toContain("**❌ Failed**: api: test, broken: not loaded");
    const ran = run.engine.executedCommands();
    expect(ran).toContainEqual(JOBS_TEST);
    expect(ran.some((argv) => argv.join(" ").includes("run lint"))).toBe(true);
  });

  it("keeps a single-project file as short as before: no projects key, reports at the top", async () => {
    const root = monorepo({ ".": "go-service" }, "stages:\n  test: { coverageThreshold: 30 }\n  bench: { enabled: false }\n");
    const files = await reportFiles(root, outcomes);
    expect(Object.keys(files)).toContain("test/junit.xml");
    expect(files["summary.md"]).toMatch(/^# /);
    expect(files["summary.md"]).not.toContain("projects");
  });

  it("builds one project's image, named with --project; without it, says which projects there are", async () => {
    const config = "projects:\n  api: { workdir: services/api, image: { name: ghcr.io/acme/api } }\n  web: { workdir: web }\n";
    const root = monorepo({ "services/api": "go-service", web: "node-service" }, config);
    const unnamed = await recordRun(async () => (await pipelineOn(root)).build());
    expect(String((unnamed.error as Error).message)).toBe("pipeline.yaml has several projects (api, web), and this function runs on one.\n  Fix: name it, e.g. --project api");
    expect(unnamed.engine.executedCommands()).toEqual([]);

    const api = await recordRun(async () => (await pipelineOn(root)).build("linux/amd64", "api"));
    const builds = api.engine.records.flatMap((r) => r.steps).filter((s) => s.field === "dockerBuild");
    expect(builds.length).toBeGreaterThan(0);
    // The build context is api's folder, not the repository's.
    expect(JSON.stringify(api.engine.records.filter((r) => r.steps.some((s) => s.field === "dockerBuild")))).toContain('"services/api"');
  });
});
