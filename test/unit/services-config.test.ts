import { describe, expect, it } from "vitest";
import { formatProblem, loadConfig } from "../../pipeline/src/config/load.js";
import { serviceSpecs } from "../../pipeline/src/config/services-schema.js";
import { SERVICE_IMAGES } from "../../pipeline/modules/pins.js";
import { KIND_DEFAULTS } from "../../pipeline/modules/services/spec.js";

/** pipeline.yaml's `services` and stages' `services`: what they read as, and each mistake named at its place with its fix. */

function problemsOf(yaml: string): string[] {
  const loaded = loadConfig(yaml);
  if (loaded.ok) throw new Error("expected the config to be refused");
  return loaded.problems.map(formatProblem);
}

function specsOf(yaml: string) {
  const loaded = loadConfig(yaml);
  if (!loaded.ok) throw new Error(loaded.problems.map(formatProblem).join("\n"));
  return { config: loaded.config, specs: serviceSpecs(loaded.config.services) };
}

describe("services in pipeline.yaml", () => {
  it("gives postgres and redis their pinned images, commands, ports, readiness checks and client env", () => {
    const { specs, config } = specsOf("services:\n  postgres: {}\n  redis: {}\n");
    expect(specs).toEqual([
      {
        name: "postgres",
        image: SERVICE_IMAGES.postgres.image,
        command: ["docker-entrypoint.sh", "postgres"],
        env: { POSTGRES_HOST_AUTH_METHOD: { value: "trust" } },
        ports: [5432],
        ready: ["pg_isready", "--host=127.0.0.1", "--port=5432", "--timeout=5"],
        readyTimeoutSeconds: 60,
        clientEnv: { DATABASE_URL: { value: "postgresql://postgres@postgres:5432/postgres" } },
      },
      {
        name: "redis",
        image: SERVICE_IMAGES.redis.image,
        command: ["docker-entrypoint.sh", "redis-server"],
        env: {},
        ports: [6379],
        ready: ["redis-cli", "-h", "127.0.0.1", "-p", "6379", "ping"],
        readyTimeoutSeconds: 60,
        clientEnv: { REDIS_URL: { value: "redis://redis:6379/0" } },
      },
    ]);
    // The integration stage's per-language defaults.
    expect(config.stages.integration).toMatchObject({ enabled: true, tags: ["integration"], marker: "integration", files: "**/*.integration.test.*" });
  });

  it("takes a kind for another name, secrets as secret:NAME (the password reaching the clients as PGPASSWORD), and services of your own", () => {
    const { specs } = specsOf(`services:
  db:
    kind: postgres
    image: postgres:16.6-bookworm
    env: { POSTGRES_USER: app, POSTGRES_DB: orders, POSTGRES_PASSWORD: secret:DB_PASSWORD }
    ports: [5433]
    readyTimeout: 2m
  search:
    image: docker.io/getmeili/meilisearch:v1.12.3
    env: { MEILI_MASTER_KEY: secret:MEILI_KEY }
    ports: [7700]
    ready: [curl, -fsS, http://127.0.0.1:7700/health]
    clientEnv: { SEARCH_URL: http://search:7700, MEILI_MASTER_KEY: secret:MEILI_KEY }
`);
    expect(specs[0]).toEqual({
      name: "db",
      image: "postgres:16.6-bookworm",
      command: ["docker-entrypoint.sh", "postgres"],
      env: { POSTGRES_USER: { value: "app" }, POSTGRES_DB: { value: "orders" }, POSTGRES_PASSWORD: { secret: "DB_PASSWORD" } },
      ports: [5433],
      ready: KIND_DEFAULTS.postgres.ready(5433),
      readyTimeoutSeconds: 120,
      clientEnv: { DATABASE_URL: { value: "postgresql://app@db:5433/orders" }, PGPASSWORD: { secret: "DB_PASSWORD" } },
    });
    // Its own: no command (the image's ENTRYPOINT and CMD are read from it), its own readiness check, no derived env.
    expect(specs[1]).toMatchObject({ name: "search", command: undefined, ready: ["curl", "-fsS", "http://127.0.0.1:7700/health"] });
    expect(specs[1]!.clientEnv).toEqual({ SEARCH_URL: { value: "http://search:7700" }, MEILI_MASTER_KEY: { secret: "MEILI_KEY" } });
  });

  it("refuses a credential written out, naming the fix (secret:NAME and with-secret)", () => {
    expect(problemsOf("services:\n  postgres:\n    env: { POSTGRES_PASSWORD: hunter2 }\n")).toEqual([
      "pipeline.yaml:3:31 services.postgres.env.POSTGRES_PASSWORD: POSTGRES_PASSWORD holds a credential written in pipeline.yaml, which is committed: its value would be public\n" +
        "  Fix: write POSTGRES_PASSWORD: secret:POSTGRES_PASSWORD and give it to the call: dagger call with-secret --name POSTGRES_PASSWORD --value env://POSTGRES_PASSWORD <function>",
    ]);
    const [url] = problemsOf("services:\n  postgres:\n    clientEnv:\n      DATABASE_URL: postgresql://app:s3cret@postgres:5432/app\n");
    expect(url).toMatch(/^pipeline\.yaml:4:21 services\.postgres\.clientEnv\.DATABASE_URL: DATABASE_URL holds a credential/);
    expect(url).toContain("(the whole URL as the secret, or the URL without its password and the password apart)");
    expect(problemsOf("services:\n  redis:\n    env: { REDIS_ARGS: 'secret:not a name' }\n")[0]).toContain('expected secret:NAME with NAME an env variable\'s name (letters, digits and _), got "secret:not a name"');
  });

  it("names what a service of your own lacks, an unpinned image, a bad timeout and a name that is no hostname", () => {
    expect(problemsOf("services:\n  search: { ports: [7700] }\n")).toEqual([
      'pipeline.yaml:2:11 services.search: service "search" is of no kind the pipeline knows (postgres or redis) and names no image\n  Fix: give it an image pinned by tag or digest, or kind: postgres or redis',
      'pipeline.yaml:2:11 services.search: service "search" has no readiness check, so no stage could know when it is ready\n  Fix: add ready: an argv run in its container until it exits 0, e.g. [curl, -fsS, http://127.0.0.1:8080/health]',
    ]);
    expect(problemsOf("services:\n  redis: { image: redis:latest }\n")[0]).toContain('services.redis.image: "redis:latest" is not pinned');
    expect(problemsOf("services:\n  redis: { readyTimeout: 60 }\n")[0]).toContain("services.redis.readyTimeout: expected a duration with a unit, got the number 60: seconds or minutes?");
    expect(problemsOf("services:\n  redis: { ready: redis-cli ping }\n")[0]).toContain('got the shell line "redis-cli ping"');
    expect(problemsOf("services:\n  Cache_1: { kind: redis }\n")[0]).toMatch(/^pipeline\.yaml:2:3 services\.Cache_1: a service's name is its hostname/);
  });

  it("checks the services each stage names against the file's, in projects against each project's", () => {
    expect(problemsOf("services:\n  postgres: {}\nstages:\n  test: { services: [postgress] }\n")).toEqual([
      'pipeline.yaml:4:22 stages.test.services.0: stage test names the service "postgress", which services does not define\n  Fix: use one of postgres, or add postgress to services',
    ]);
    const projects = loadConfig("stages:\n  test: { services: [redis] }\nprojects:\n  api: { workdir: api, services: { redis: {} } }\n  web: { workdir: web }\n");
    expect(projects.ok).toBe(false);
    expect(projects.problems.map((p) => `${p.path}: ${p.message}`)).toEqual(['projects.web.stages.test.services.0: stage test names the service "redis", which services does not define']);
    const inherited = loadConfig("services: { redis: {} }\nprojects:\n  api: { workdir: api }\n");
    expect(inherited.ok && serviceSpecs(inherited.projects[0]!.config.services).map((s) => s.name)).toEqual(["redis"]);
  });

  it("tells the integration tests apart only when something does", () => {
    expect(problemsOf("stages:\n  integration: { tags: [] }\n")[0]).toContain("stages.integration.tags: no build tags and no run pattern: nothing tells the integration tests from the unit tests");
    expect(specsOf("stages:\n  integration: { tags: [], run: ^TestIntegration }\n").config.stages.integration).toMatchObject({ tags: [], run: "^TestIntegration" });
  });
});

describe("the README's services example", () => {
  it("is a valid pipeline.yaml", async () => {
    const { readFileSync } = await import("node:fs");
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const section = readme.slice(readme.indexOf("## Services and integration tests"));
    const example = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    expect(example).toContain("services:");
    const loaded = loadConfig(example);
    expect(loaded.problems.map(formatProblem)).toEqual([]);
    expect(loaded.ok && serviceSpecs(loaded.config.services).map((s) => s.name)).toEqual(["postgres", "redis", "search"]);
  });
});
