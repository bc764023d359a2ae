import { readFileSync } from "node:fs";
import { join } from "node:path";
import { execa, execaSync } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../pipeline/src/config/load.js";
import { serviceSpecs } from "../../pipeline/src/config/services-schema.js";
import * as args from "../../pipeline/modules/python/args.js";
import { parseJUnit } from "../../pipeline/modules/report/junit.js";
import { startFailureLines } from "../../pipeline/modules/services/index.js";
import { KIND_DEFAULTS, type ServiceSpec } from "../../pipeline/modules/services/spec.js";
import { NOT_READY_EXIT } from "../../pipeline/modules/services/supervisor.js";
import { testVerdict } from "../../pipeline/modules/verdicts.js";
import { copyExample, examplePath } from "../helpers/examples.js";
import { freePort, initPostgres, missingServers, POSTGRES_BIN, postgresCommand, redisCommand, stop, supervise, type Supervised } from "../helpers/local-services.js";
import { REAL_TOOL_TIMEOUT, runLocally } from "../helpers/run-locally.js";
import { TOOLS_MANIFEST } from "../helpers/tools-manifest.js";

/**
 * Real-tool tests of the services: PostgreSQL and Redis from Debian's
 * packages on 127.0.0.1, each started by the pipeline's supervisor script
 * with the readiness check the pipeline runs, then the exact integration
 * command of examples/python-service (pytest -m integration, writing to
 * and reading from both) with the env the pipeline derives from its
 * pipeline.yaml, read with the real parser and verdict. And a service that
 * never gets ready: the supervisor's report, bounded by its readyTimeout.
 */

const PYTHON = (() => {
  const found = execaSync("python3", ["-c", "import sys; print(sys.executable)"], { reject: false });
  return found.exitCode === 0 ? String(found.stdout).trim() : "python3";
})();
const clientsReady = execaSync(PYTHON, ["-c", "import pytest, pytest_cov, psycopg, redis"], { reject: false }).exitCode === 0;
const serversMissing = await missingServers();
const skipReason = serversMissing ?? (clientsReady ? undefined : `${PYTHON} lacks pytest, pytest-cov, psycopg or redis: python3 -m pip install -r ${TOOLS_MANIFEST}`);

/** The example's services as the pipeline reads them from its pipeline.yaml. */
function exampleSpecs(): Record<string, ServiceSpec> {
  const loaded = loadConfig(readFileSync(join(examplePath("python-service"), "pipeline.yaml"), "utf8"));
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
  return Object.fromEntries(serviceSpecs(loaded.config.services).map((spec) => [spec.name, spec]));
}

/** A clientEnv value as the stage's container gets it, its service's hostname:port bound to where the local server listens. */
function clientValue(spec: ServiceSpec, variable: string, port: number): string {
  const value = spec.clientEnv[variable];
  if (!value || !("value" in value)) throw new Error(`${spec.name} has no literal ${variable}`);
  return value.value.replace(`//${spec.name}:${spec.ports[0]}`, `//127.0.0.1:${port}`).replace(`@${spec.name}:${spec.ports[0]}`, `@127.0.0.1:${port}`);
}

describe.skipIf(skipReason !== undefined)(`the Python example's integration tests on real PostgreSQL and Redis ${skipReason ? `(skipped: ${skipReason})` : ""}`, REAL_TOOL_TIMEOUT, () => {
  const specs = exampleSpecs();
  const running: Supervised[] = [];
  const ports = { postgres: 0, redis: 0 };

  beforeAll(async () => {
    ports.postgres = await freePort();
    ports.redis = await freePort();
    const pg = specs["postgres"]!;
    // The image's entrypoint makes POSTGRES_USER the superuser and creates POSTGRES_DB: initdb and createdb do here.
    const user = (pg.env["POSTGRES_USER"] as { value: string }).value;
    const data = await initPostgres(user);
    running.push(supervise("postgres", pg.readyTimeoutSeconds, KIND_DEFAULTS.postgres.ready(ports.postgres), postgresCommand(data, ports.postgres)));
    running.push(supervise("redis", specs["redis"]!.readyTimeoutSeconds, KIND_DEFAULTS.redis.ready(ports.redis), redisCommand(ports.redis)));
    await Promise.all(running.map((s) => s.ready));
    const database = (pg.env["POSTGRES_DB"] as { value: string }).value;
    await execa(join(POSTGRES_BIN!, "createdb"), ["-h", "127.0.0.1", "-p", String(ports.postgres), "-U", user, database]);
  }, 120_000);

  afterAll(async () => {
    // SIGTERM through the supervisor, as the engine stops a service: the servers shut down and the supervisors end as they did.
    const exits = await Promise.all(running.map(stop));
    expect(exits).toEqual(running.map(() => 0));
  });

  it("derives DATABASE_URL and REDIS_URL from pipeline.yaml's services, pointing at each service's name", () => {
    expect(specs["postgres"]!.clientEnv).toEqual({ DATABASE_URL: { value: "postgresql://ledger@postgres:5432/ledger" } });
    expect(specs["redis"]!.clientEnv).toEqual({ REDIS_URL: { value: "redis://redis:6379/0" } });
    expect(specs["postgres"]!.env).toEqual({ POSTGRES_DB: { value: "ledger" }, POSTGRES_USER: { value: "ledger" }, POSTGRES_HOST_AUTH_METHOD: { value: "trust" } });
  });

  it("runs pytest -m integration: the ledger writes to and reads from both servers, and the JUnit report counts its tests", async () => {
    const root = copyExample("python-service");
    const env = {
      DATABASE_URL: clientValue(specs["postgres"]!, "DATABASE_URL", ports.postgres),
      REDIS_URL: clientValue(specs["redis"]!, "REDIS_URL", ports.redis),
    };
    const junitPath = args.reportPaths(root).integrationJunit;
    const run = await runLocally(args.integrationTestArgs("integration", root, PYTHON), root, env, [junitPath]);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const suites = parseJUnit(run.files[junitPath]!);
    const names = suites.flatMap((s) => s.tests).map((t) => `${t.name}: ${t.status}`);
    expect(names.sort()).toEqual([
      "test_an_unknown_invoice_has_no_total_and_caches_nothing: passed",
      "test_reads_the_cache_before_the_database: passed",
      "test_records_in_postgres_and_caches_in_redis_on_first_read: passed",
      "test_the_same_total_again_is_accepted_another_is_refused: passed",
    ]);
    expect(testVerdict({ stage: "integration", run, suites })).toMatchObject({ status: "passed", details: ["4 tests: 4 passed, 0 failed, 0 skipped"] });

    // What they wrote is in the servers themselves.
    const rows = await execa("psql", ["-h", "127.0.0.1", "-p", String(ports.postgres), "-U", "ledger", "-d", "ledger", "-At", "-c", "SELECT count(*) FROM invoice_totals"]);
    expect(Number(rows.stdout)).toBeGreaterThanOrEqual(3);
    const keys = await execa("redis-cli", ["-h", "127.0.0.1", "-p", String(ports.redis), "--scan", "--pattern", "invoice-total:*"]);
    expect(keys.stdout.split("\n").filter(Boolean).length).toBeGreaterThanOrEqual(1);
  });

  it("fails the integration tests, naming the variable, without the services' env", async () => {
    const root = copyExample("python-service");
    const junitPath = args.reportPaths(root).integrationJunit;
    const run = await runLocally(args.integrationTestArgs("integration", root, PYTHON), root, {}, [junitPath]);
    const verdict = testVerdict({ stage: "integration", run, suites: parseJUnit(run.files[junitPath]!) });
    expect(verdict.status).toBe("failed");
    expect(run.stdout).toContain("DATABASE_URL is not set");
  });

  it("leaves them out of the unit tests, which pass with no service at all", async () => {
    const root = copyExample("python-service");
    const paths = args.reportPaths(root);
    const run = await runLocally(args.unitTestArgs(root, PYTHON), root, { DATABASE_URL: "", REDIS_URL: "" }, [paths.testJunit]);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const names = parseJUnit(run.files[paths.testJunit]!).flatMap((s) => s.tests.map((t) => `${t.classname}.${t.name}`));
    expect(names.length).toBeGreaterThan(20);
    expect(names.filter((n) => n.includes("ledger"))).toEqual([]);
  });
});

describe.skipIf(serversMissing !== undefined)(`a service that never gets ready ${serversMissing ? `(skipped: ${serversMissing})` : ""}`, REAL_TOOL_TIMEOUT, () => {
  const spec = (ready: string[], readyTimeoutSeconds: number): ServiceSpec => ({
    name: "postgres",
    image: "postgres",
    command: undefined,
    env: {},
    ports: [5432],
    ready,
    readyTimeoutSeconds,
    clientEnv: {},
  });

  it("stops PostgreSQL at its readyTimeout and reports the readiness check's output and the server's last log lines", async () => {
    const port = await freePort();
    const elsewhere = await freePort();
    const data = await initPostgres("postgres");
    // A readiness check that can never pass: it asks a port nothing listens on.
    const ready = KIND_DEFAULTS.postgres.ready(elsewhere);
    const started = Date.now();
    const supervised = supervise("postgres", 4, ready, postgresCommand(data, port));
    await expect(supervised.ready).rejects.toThrow(/before it was ready/);
    const done = await supervised.process;
    const seconds = (Date.now() - started) / 1000;
    expect(done.exitCode).toBe(NOT_READY_EXIT);
    // Bounded by the timeout: 4s, plus the last check and the server's stop.
    expect(seconds).toBeGreaterThanOrEqual(4);
    expect(seconds).toBeLessThan(15);

    const lines = startFailureLines(spec(ready, 4), { message: "start postgres: exit code 3", stderr: String(done.stderr) });
    expect(lines[0]).toBe("service postgres was not ready after 4s (its readyTimeout)");
    expect(lines[1]).toBe(`readiness check: ${ready.join(" ")}`);
    expect(lines[2]).toMatch(/^it last exited with code 2 \(\d+ attempts\); its last output:$/);
    expect(lines[3]).toBe(`  127.0.0.1:${elsewhere} - no response`);
    expect(lines).toContain("the last 30 log lines of postgres:");
    // The server's own log, kept by the supervisor: it was up, and was stopped at the deadline.
    expect(lines.some((l) => /database system is ready to accept connections/.test(l))).toBe(true);
    expect(lines.some((l) => /received (fast|smart) shutdown request/.test(l))).toBe(true);
    expect(lines.at(-1)).toBe("  Fix: look at its log lines above; services.postgres.readyTimeout gives it longer, services.postgres.ready sets the check");
    // Nothing left listening.
    expect((await execa("pg_isready", ["--host=127.0.0.1", `--port=${port}`], { reject: false })).exitCode).not.toBe(0);
  });

  it("reports a server that exits before it is ready with its own last lines, at once", async () => {
    const port = await freePort();
    const data = await initPostgres("postgres");
    const ready = KIND_DEFAULTS.postgres.ready(port);
    const started = Date.now();
    const supervised = supervise("postgres", 60, ready, postgresCommand(data, port, ["-c", "no_such_setting=1"]));
    const done = await supervised.process;
    expect(done.exitCode).toBe(NOT_READY_EXIT);
    expect((Date.now() - started) / 1000).toBeLessThan(20);
    const lines = startFailureLines(spec(ready, 60), { stderr: String(done.stderr) });
    expect(lines[0]).toBe("service postgres exited with code 1 before it was ready");
    expect(lines.some((l) => /unrecognized configuration parameter "no_such_setting"/.test(l))).toBe(true);
  });
});
