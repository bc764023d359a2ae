import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { dag } from "@dagger.io/dagger";
import { describe, expect, it } from "vitest";
import type { CallRecord, ExecOutcome } from "../../cli/recording-engine/engine.js";
import { argText, isChainRef, type Step } from "../../cli/recording-engine/query.js";
import { recordRun } from "../../cli/recording-engine/run.js";
import * as goArgs from "../../pipeline/modules/go/args.js";
import * as nodeArgs from "../../pipeline/modules/node/args.js";
import { SERVICE_IMAGES } from "../../pipeline/modules/pins.js";
import * as pythonArgs from "../../pipeline/modules/python/args.js";
import { HEALTHCHECK_GRACE_SECONDS, READY_PROBE, SERVICE_OWNER_ENV } from "../../pipeline/modules/services/index.js";
import { KIND_DEFAULTS } from "../../pipeline/modules/services/spec.js";
import { supervisorArgv } from "../../pipeline/modules/services/supervisor.js";
import { copyExample } from "../helpers/examples.js";
import { haveFixtures, readFixture } from "../helpers/fixtures.js";
import { newFilesOf, chainOf, envOf } from "../helpers/records.js";
import { pipelineOn } from "../helpers/pipeline.js";
import { testsRan } from "../../cli/recording-engine/tests-ran.js";

/**
 * pipeline.yaml's services, recorded: each stage naming a service gets its
 * own instance (a service definition of its own, started before its tools
 * and stopped after them), bound by the service's name after the installs,
 * with the env pointing its tools at it; a service that never gets ready
 * fails its stage alone with the supervisor's report; credentials only as
 * secrets.
 */

const PLANTED_PASSWORD = "pg-password-planted-3f9d21";
const INTEGRATION = pythonArgs.integrationTestArgs();
const UNIT = pythonArgs.unitTestArgs();

/** The Python example's services (its own pipeline.yaml), a password as a secret, the unit tests given redis, the other stages off. */
const CONFIG = `services:
  postgres:
    env: { POSTGRES_DB: ledger, POSTGRES_USER: ledger, POSTGRES_PASSWORD: secret:PG_PASSWORD }
  redis: {}
stages:
  test: { services: [redis] }
  lint: { enabled: false }
  propertyTest: { enabled: false }
  scan: { enabled: false }
  bench: { enabled: false }
`;

function fileContents(path: string): string | undefined {
  if (path === pythonArgs.reportPaths().testJunit || path === pythonArgs.reportPaths().integrationJunit) return readFixture("python/pytest-pass.junit.xml");
  if (path === pythonArgs.reportPaths().coverageXml) return readFixture("python/coverage.cobertura.xml");
  return undefined;
}

/** The services a chain is bound to, by alias: each service's own chain. */
function bindingsOf(chain: readonly Step[]): Record<string, Step[]> {
  const bound: Record<string, Step[]> = {};
  for (const step of chain) {
    const service = step.args["service"];
    if (step.field === "withServiceBinding" && isChainRef(service)) bound[argText(step.args["alias"])] = service.$chain;
  }
  return bound;
}

/** The secret variables a chain sets: name → the name the secret was created with (setSecret). */
function secretVariablesOf(chain: readonly Step[]): Record<string, string> {
  const found: Record<string, string> = {};
  for (const step of chain) {
    const secret = step.args["secret"];
    if (step.field === "withSecretVariable" && isChainRef(secret)) found[argText(step.args["name"])] = argText(secret.$chain[0]?.args["name"]);
  }
  return found;
}

/** The service chains started (or stopped), in call order, as JSON (one service definition, one string); a start that failed is not one. */
function lifecycle(records: readonly CallRecord[], leaf: "start" | "stop"): string[] {
  return records.filter((r) => r.leaf === leaf && r.error === undefined).map((r) => JSON.stringify(r.steps.slice(0, -1)));
}

async function reportsOf(root: string, options: { password?: boolean; execOutcome?: (args: readonly string[]) => ExecOutcome | undefined } = {}) {
  const bodies: string[] = [];
  const run = await recordRun(
    async () => {
      let pipeline = await pipelineOn(root);
      if (options.password !== false) pipeline = pipeline.withSecret("PG_PASSWORD", dag.setSecret("pg-password", PLANTED_PASSWORD));
      return (await pipeline.reports()).id();
    },
    { fileContents, onRequestBody: (body) => bodies.push(body), ...(options.execOutcome ? { execOutcome: options.execOutcome } : {}) },
  );
  if (run.error) throw run.error instanceof Error ? run.error : new Error("reports() failed");
  const built = run.engine.records.filter((r) => r.leaf === "id" && r.steps[0]?.field === "directory").pop()!;
  return { ...run, bodies, files: newFilesOf(built.steps) };
}

describe.skipIf(!haveFixtures)("services, recorded", () => {
  it("binds each service by its name after the installs, with DATABASE_URL, REDIS_URL and the password as a secret", async () => {
    const root = copyExample("python-service", { "pipeline.yaml": CONFIG });
    const { engine, bodies, files } = await reportsOf(root);

    const chain = chainOf(engine.records, INTEGRATION);
    const bound = bindingsOf(chain);
    expect(Object.keys(bound)).toEqual(["postgres", "redis"]);
    // After the dependency installs (which stay shared by every stage and never wait for a service), before the tool.
    const firstBinding = chain.findIndex((s) => s.field === "withServiceBinding");
    const installs = chain.map((s, i) => (s.field === "withExec" && i < chain.length - 1 ? i : -1)).filter((i) => i >= 0);
    expect(firstBinding).toBeGreaterThan(Math.max(...installs));

    expect(bound["postgres"]).toEqual([
      { field: "container", args: {} },
      { field: "from", args: { address: SERVICE_IMAGES.postgres.image } },
      { field: "withEnvVariable", args: { name: SERVICE_OWNER_ENV, value: "stages.integration" } },
      { field: "withEnvVariable", args: { name: "POSTGRES_DB", value: "ledger" } },
      { field: "withEnvVariable", args: { name: "POSTGRES_USER", value: "ledger" } },
      { field: "withSecretVariable", args: { name: "POSTGRES_PASSWORD", secret: { $chain: [{ field: "setSecret", args: { name: "pg-password", plaintext: "[redacted]" } }] } } },
      { field: "withExposedPort", args: { port: 5432 } },
      { field: "withDockerHealthcheck", args: { args: READY_PROBE, interval: "1s", startPeriod: `${60 + HEALTHCHECK_GRACE_SECONDS}s`, retries: 3 } },
      { field: "asService", args: { args: supervisorArgv("postgres", 60, KIND_DEFAULTS.postgres.ready(5432), SERVICE_IMAGES.postgres.command) } },
    ]);
    expect(bound["redis"]!.at(-1)).toEqual({ field: "asService", args: { args: supervisorArgv("redis", 60, KIND_DEFAULTS.redis.ready(6379), SERVICE_IMAGES.redis.command) } });

    // The tools find them by name; the password reaches them as a secret variable (PGPASSWORD), never as a value.
    expect(envOf(chain)).toMatchObject({ DATABASE_URL: "postgresql://ledger@postgres:5432/ledger", REDIS_URL: "redis://redis:6379/0" });
    expect(envOf(chain)).not.toHaveProperty("PGPASSWORD");
    expect(secretVariablesOf(chain)).toEqual({ PGPASSWORD: "pg-password" });
    // Only the test's own setSecret queries hold the plaintext (the SDK asks for the secret's ID at each use); no other request, record or report.
    const own = (body: string) => /^\{ setSecret \(name: "pg-password",plaintext: "[a-z0-9-]+"\) \{ id \} \}$/.test((JSON.parse(body) as { query: string }).query.replace(/\s+/g, " ").trim());
    const holding = bodies.filter((b) => b.includes(PLANTED_PASSWORD));
    expect(holding.length).toBeGreaterThanOrEqual(1);
    expect(holding.filter((b) => !own(b))).toEqual([]);
    expect(JSON.stringify(engine.records) + JSON.stringify(files)).not.toContain(PLANTED_PASSWORD);

    // Its own JUnit report, beside the unit tests'.
    expect(Object.keys(files).filter((p) => p.endsWith("junit.xml")).sort()).toEqual(["integration/junit.xml", "test/junit.xml"]);
    expect(files["summary.md"]).toMatch(/integration[^\n]*\n?[\s\S]*services: postgres, redis/);
  });

  it("gives two stages two instances of a service, each started before the stage's tools and stopped after them", async () => {
    const root = copyExample("python-service", { "pipeline.yaml": CONFIG });
    const { engine } = await reportsOf(root);

    const unitRedis = bindingsOf(chainOf(engine.records, UNIT))["redis"]!;
    const integrationRedis = bindingsOf(chainOf(engine.records, INTEGRATION))["redis"]!;
    expect(Object.keys(bindingsOf(chainOf(engine.records, UNIT)))).toEqual(["redis"]);
    // The engine shares one running service between identical definitions: each stage's carries its own name.
    expect(JSON.stringify(unitRedis)).not.toBe(JSON.stringify(integrationRedis));
    expect(unitRedis.filter((s, i) => JSON.stringify(s) !== JSON.stringify(integrationRedis[i]))).toEqual([
      { field: "withEnvVariable", args: { name: SERVICE_OWNER_ENV, value: "stages.test" } },
    ]);

    const started = lifecycle(engine.records, "start");
    expect(started).toHaveLength(3);
    expect(new Set(started).size).toBe(3);
    expect(started).toEqual(expect.arrayContaining([unitRedis, integrationRedis].map((c) => JSON.stringify(c))));
    expect(lifecycle(engine.records, "stop").sort()).toEqual([...started].sort());

    // Started (and ready) before the first query on the stage's tool exec; stopped after its last.
    for (const [argv, service] of [[UNIT, unitRedis], [INTEGRATION, integrationRedis]] as const) {
      const toolQueries = engine.records.filter((r) => r.steps.some((s) => s.field === "withExec" && JSON.stringify(s.args["args"]) === JSON.stringify(argv)));
      const start = engine.records.find((r) => r.leaf === "start" && JSON.stringify(r.steps.slice(0, -1)) === JSON.stringify(service))!;
      const stop = engine.records.find((r) => r.leaf === "stop" && JSON.stringify(r.steps.slice(0, -1)) === JSON.stringify(service))!;
      expect(start.endedAt).toBeLessThanOrEqual(Math.min(...toolQueries.map((r) => r.startedAt)));
      expect(stop.startedAt).toBeGreaterThanOrEqual(Math.max(...toolQueries.map((r) => r.endedAt)));
    }
  });

  it("fails the stage whose service never gets ready with the readiness check and the service's last log lines; nothing runs against it", async () => {
    const root = copyExample("python-service", { "pipeline.yaml": CONFIG });
    // What the engine's exec error carries when the supervisor gives up at the readyTimeout (its stderr; test/tools/services.test.ts runs it for real).
    const report = [
      "pipeline: service postgres was not ready after 60s (its readyTimeout)",
      "pipeline: readiness check: pg_isready --host=127.0.0.1 --port=5432 --timeout=5",
      "pipeline: it last exited with code 2 (58 attempts); its last output:",
      "  127.0.0.1:5432 - no response",
      "pipeline: the last 30 log lines of postgres:",
      '  FATAL:  data directory "/var/lib/postgresql/data" has wrong ownership',
      "",
    ].join("\n");
    const isPostgresSupervisor = (argv: readonly string[]) => argv[3] === "pipeline-service" && argv[4] === "postgres";
    const { engine, files } = await reportsOf(root, { execOutcome: (argv) => (isPostgresSupervisor(argv) ? { exitCode: 3, stderr: report } : undefined) });

    const summary = files["summary.md"]!;
    expect(summary).toContain("service postgres was not ready after 60s (its readyTimeout)");
    expect(summary).toContain("readiness check: pg_isready --host=127.0.0.1 --port=5432 --timeout=5");
    expect(summary).toContain("127.0.0.1:5432 - no response");
    expect(summary).toContain('FATAL:  data directory "/var/lib/postgresql/data" has wrong ownership');
    expect(summary).toContain("Fix: look at its log lines above; services.postgres.readyTimeout gives it longer");
    expect(summary).not.toContain("pipeline: service");
    // No test ran against it; the unit tests, with their own redis, passed.
    expect(engine.executedCommands().map((c) => c.join(" "))).not.toContain(INTEGRATION.join(" "));
    expect(engine.executedCommands().map((c) => c.join(" "))).toContain(UNIT.join(" "));
    expect(files["test/junit.xml"]).toBeDefined();
    expect(files["integration/junit.xml"]).toBeUndefined();
    // The integration stage's redis, which did start, was stopped with it.
    const started = lifecycle(engine.records, "start");
    expect(started.filter((c) => c.includes('"stages.integration"'))).toHaveLength(1);
    expect(lifecycle(engine.records, "stop").sort()).toEqual([...started].sort());
    expect(engine.records.filter((r) => r.leaf === "start" && r.error !== undefined)).toHaveLength(1);
  });

  it("fails the stage whose service's secret the call did not give, saying how to give it, and starts none of its services", async () => {
    const root = copyExample("python-service", { "pipeline.yaml": CONFIG });
    const { engine, files } = await reportsOf(root, { password: false });
    expect(files["summary.md"]).toContain("services.postgres.env.POSTGRES_PASSWORD, services.postgres.clientEnv.PGPASSWORD: secret:PG_PASSWORD was not given to this call, so the stage did not run.");
    expect(files["summary.md"]).toContain("Fix: give it before the function: dagger call with-secret --name PG_PASSWORD --value env://PG_PASSWORD <function>");
    // Only the unit tests' redis started.
    expect(lifecycle(engine.records, "start").map((c) => c.includes('"stages.test"'))).toEqual([true]);
    expect(files["test/junit.xml"]).toBeDefined();
  });
});

describe("the integration stage's defaults per language, recorded", () => {
  it("Go: runs the packages the integration build tag adds test files to, with -count=1, bound to the services", async () => {
    const root = copyExample("go-service", {
      "pipeline.yaml": "services:\n  redis: {}\nstages: { lint: { enabled: false }, propertyTest: { enabled: false }, scan: { enabled: false }, bench: { enabled: false } }\n",
    });
    writeFileSync(join(root, "internal", "api", "cache_integration_test.go"), "//go:build integration\n\npackage api\n");
    const tagged = goArgs.listTestFilesArgs(["integration"]);
    const untagged = goArgs.listTestFilesArgs([]);
    const listing = (extra: string) => `example.com/go-service\nexample.com/go-service/internal/api api_test.go${extra}\nexample.com/go-service/internal/semver semver_test.go\n`;
    const { engine, error } = await recordRun(async () => (await pipelineOn(root)).integration(), {
      execOutcome: (argv) => {
        if (argv.join(" ") === tagged.join(" ")) return { exitCode: 0, stdout: listing(" cache_integration_test.go") };
        if (argv.join(" ") === untagged.join(" ")) return { exitCode: 0, stdout: listing("") };
        return undefined;
      },
    });
    expect(error).toBeUndefined();
    expect(tagged).toEqual(["go", "list", "-e", "-tags=integration", "-f", "{{.ImportPath}}{{range .TestGoFiles}} {{.}}{{end}}{{range .XTestGoFiles}} {{.}}{{end}}", "./..."]);
    const run = ["go", "test", "-tags=integration", "-count=1", "-json", "example.com/go-service/internal/api"];
    const chain = chainOf(engine.records, run);
    expect(Object.keys(bindingsOf(chain))).toEqual(["redis"]);
    expect(envOf(chain)).toMatchObject({ REDIS_URL: "redis://redis:6379/0" });
  });

  it("Go: skips, naming the tag, when no test file is behind it (and the unit tests keep their own argv)", async () => {
    const root = copyExample("go-service", { "pipeline.yaml": "stages: { lint: { enabled: false }, propertyTest: { enabled: false }, scan: { enabled: false }, bench: { enabled: false } }\n" });
    const { engine, error } = await recordRun(async () => (await pipelineOn(root)).reports().then((d) => d.id()));
    expect(error).toBeUndefined();
    const summary = newFilesOf(engine.records.filter((r) => r.leaf === "id" && r.steps[0]?.field === "directory").pop()!.steps)["summary.md"]!;
    expect(summary).toContain("no test files behind the build tag integration (//go:build integration)");
    expect(engine.executedCommands()).toContainEqual(goArgs.unitTestArgs({ race: true }));
    expect(engine.records.some((r) => r.leaf === "start")).toBe(false);
  });

  it("Node: runs the *.integration.test.* files with the project's runner and leaves them out of the unit tests", async () => {
    const root = copyExample("node-service", { "test/ledger.integration.test.ts": "import test from 'node:test';\ntest('x', () => {});\n" });
    const { engine, error } = await recordRun(async () => {
      const pipeline = await pipelineOn(root);
      await pipeline.test();
      await pipeline.integration();
    }, testsRan());
    expect(error).toBeUndefined();
    const commands = engine.executedCommands();
    const integration = commands.find((c) => c.includes(`--test-reporter-destination=${nodeArgs.reportPaths().integrationJunit}`))!;
    expect(integration.slice(-1)).toEqual(["test/ledger.integration.test.ts"]);
    // The unit tests are the project's own test script (its own file list), whose runner gets the reporters through NODE_OPTIONS.
    expect(commands).toContainEqual(["npm", "run", "test"]);
    expect(commands.filter((c) => c.includes(`--test-reporter-destination=${nodeArgs.reportPaths().integrationJunit}`))).toHaveLength(1);
  });

  it("Python: pytest -m integration, and the unit tests -m 'not property and not integration'", () => {
    expect(INTEGRATION).toEqual(["python", "-m", "pytest", "-p", "no:cacheprovider", "-m", "integration", "--benchmark-skip", "--junitxml=/tmp/python-integration-junit.xml", "-q"]);
    expect(UNIT.slice(0, 8)).toEqual(["python", "-m", "pytest", "-p", "no:cacheprovider", "-m", "not property and not integration", "--benchmark-skip"]);
    expect(pythonArgs.unitTestArgs("/tmp", "python", "db").slice(5, 7)).toEqual(["-m", "not property and not db"]);
  });
});
