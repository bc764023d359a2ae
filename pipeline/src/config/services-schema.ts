import { z } from "../../vendor/zod.js";
import { SERVICE_IMAGES } from "../../modules/pins.js";
import { KIND_DEFAULTS, SERVICE_KINDS, SERVICE_NAME, serviceKind, type EnvValue, type ServiceSpec } from "../../modules/services/spec.js";
import { emptyIsAbsent, explained, pinnedImage, type RuleProblem } from "./rules.js";
import { argvCommand, DURATION, durationSeconds } from "./stage-keys.js";

/**
 * pipeline.yaml's `services`: the service containers (PostgreSQL, Redis, your
 * own) the stages naming them get, and how they are read into ServiceSpecs.
 */

/** A value that is a secret given to the call: `secret:NAME`, NAME as with-secret --name spells it. */
export const SECRET_ENV_VALUE = /^secret:([A-Za-z_][A-Za-z0-9_]*)$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Names that hold credentials whenever they hold anything (not AUTH: POSTGRES_HOST_AUTH_METHOD is a setting). */
const CREDENTIAL_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?)/i;
/** A URL with a password in it: scheme://user:password@host. */
const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/:@\s]*:[^/@\s]+@/i;

const MAX_READY_SECONDS = 30 * 60;

function envValueProblem(key: string, value: string): RuleProblem | undefined {
  const give = (name: string) => `and give it to the call: dagger call with-secret --name ${name} --value env://${name} <function>`;
  if (value.startsWith("secret:")) {
    if (SECRET_ENV_VALUE.test(value)) return undefined;
    return { message: `expected secret:NAME with NAME an env variable's name (letters, digits and _), got ${JSON.stringify(value)}`, fix: `write secret:${key} ${give(key)}` };
  }
  if (CREDENTIAL_NAME.test(key) || URL_WITH_PASSWORD.test(value)) {
    return {
      message: `${key} holds a credential written in pipeline.yaml, which is committed: its value would be public`,
      fix: `write ${key}: secret:${key} ${give(key)}${URL_WITH_PASSWORD.test(value) ? " (the whole URL as the secret, or the URL without its password and the password apart)" : ""}`,
    };
  }
  return undefined;
}

const envMap = (what: string) =>
  emptyIsAbsent(
    z
      .record(z.string().regex(ENV_NAME, { error: "an env variable's name: letters, digits and _, not starting with a digit" }), z.string())
      .superRefine((record, ctx) => {
        for (const [key, value] of Object.entries(record)) {
          const problem = envValueProblem(key, value);
          if (problem) ctx.addIssue({ code: "custom", path: [key], message: problem.message, params: { fix: problem.fix }, input: value });
        }
      })
      .optional(),
  ).describe(`${what} A value secret:NAME is the secret given to the call as with-secret --name NAME, set as a secret variable; a credential written out is refused.`);

function readyTimeoutProblem(value: unknown): RuleProblem | undefined {
  const fix = "write how long the service may take to get ready, e.g. 60s or 2m";
  if (typeof value === "number") return { message: `expected a duration with a unit, got the number ${value}: seconds or minutes?`, fix };
  if (typeof value !== "string") return { message: `expected a duration like 60s, got ${value === null ? "null" : typeof value}`, fix };
  const seconds = durationSeconds(value);
  if (seconds === undefined) return { message: `expected a duration like 60s, 2m or 1m30s, got ${JSON.stringify(value)}`, fix };
  if (seconds < 1) return { message: `a readyTimeout of ${value} gives the service no time to start`, fix: "give it at least 1s, e.g. 60s" };
  if (seconds > MAX_READY_SECONDS) return { message: `a readyTimeout of ${value} is longer than 30m`, fix: "give it at most 30m: a service that takes longer is not starting" };
  return undefined;
}

const service = z
  .strictObject({
    kind: z
      .enum(SERVICE_KINDS)
      .optional()
      .describe(`What the service is, for its defaults (image, command, port, readiness check, env, clientEnv): ${SERVICE_KINDS.join(" or ")}; default: the service's name when it is one of them.`),
    image: pinnedImage("services.<name>.image", SERVICE_IMAGES.postgres.image)
      .optional()
      .describe("The image, pinned by a version tag or a digest; default: the kind's, pinned by digest (pipeline/modules/pins.ts SERVICE_IMAGES)."),
    command: argvCommand()
      .optional()
      .describe("What the service runs, as an argv array: the image's ENTRYPOINT and CMD by default (the kind's, or read from the image). The pipeline's supervisor runs it, keeping its last log lines."),
    env: envMap("The service container's env (e.g. POSTGRES_DB: app). postgres without POSTGRES_PASSWORD gets POSTGRES_HOST_AUTH_METHOD: trust."),
    ports: emptyIsAbsent(z.array(z.number().int().min(1).max(65535)).min(1).optional()).describe("The ports it listens on; default: the kind's (postgres 5432, redis 6379)."),
    ready: argvCommand()
      .optional()
      .describe("The readiness check, an argv array run in the service container every second until it exits 0; default: pg_isready or redis-cli ping. Required for a service of no kind."),
    readyTimeout: (explained(z.unknown(), readyTimeoutProblem).default("60s") as unknown as z.ZodDefault<z.ZodString>)
      .meta({ type: "string", pattern: DURATION.source })
      .describe("How long the service may take to pass its readiness check (e.g. 60s, 2m): then the stages using it fail with the readiness check's output and the service's last log lines."),
    clientEnv: envMap(
      "Env the stages using it get, pointing their tools at it, over the kind's: postgres DATABASE_URL (postgresql://<POSTGRES_USER>@<name>:<port>/<POSTGRES_DB>, and PGPASSWORD when POSTGRES_PASSWORD is a secret), redis REDIS_URL (redis://<name>:<port>/0).",
    ),
  })
  .describe("A service container, reachable by its name from the stages using it (stages.<stage>.services; the integration stage: every one).");

export type ServiceConfig = z.output<typeof service>;

/** What a service of the written config lacks, or why its defaults cannot apply. */
function serviceProblems(name: string, settings: ServiceConfig): { path: (string | number)[]; problem: RuleProblem }[] {
  const kind = serviceKind(name, settings.kind);
  const problems: { path: (string | number)[]; problem: RuleProblem }[] = [];
  const kinds = SERVICE_KINDS.join(" or ");
  if (!kind && !settings.image) {
    problems.push({ path: [], problem: { message: `service "${name}" is of no kind the pipeline knows (${kinds}) and names no image`, fix: `give it an image pinned by tag or digest, or kind: ${kinds}` } });
  }
  if (!kind && !settings.ready) {
    problems.push({
      path: [],
      problem: { message: `service "${name}" has no readiness check, so no stage could know when it is ready`, fix: "add ready: an argv run in its container until it exits 0, e.g. [curl, -fsS, http://127.0.0.1:8080/health]" },
    });
  }
  if (kind) {
    const derived = KIND_DEFAULTS[kind].clientEnv(name, settings.ports?.[0] ?? KIND_DEFAULTS[kind].port, readEnv(settings.env));
    if ("problem" in derived && !settings.clientEnv) {
      problems.push({ path: ["clientEnv"], problem: { message: derived.problem, fix: "set clientEnv yourself, e.g. DATABASE_URL: secret:DATABASE_URL" } });
    }
  }
  return problems;
}

export const services = emptyIsAbsent(
  z
    .record(z.string().regex(SERVICE_NAME, { error: "a service's name is its hostname: a lower-case letter, then lower-case letters, digits or -" }), service)
    .superRefine((record, ctx) => {
      for (const [name, settings] of Object.entries(record)) {
        for (const { path, problem } of serviceProblems(name, settings)) {
          ctx.addIssue({ code: "custom", path: [name, ...path], message: problem.message, params: { fix: problem.fix }, input: settings });
        }
      }
    })
    .optional(),
)
  .meta({ propertyNames: { pattern: SERVICE_NAME.source } })
  .describe(
    "Service containers for the tests, by name (the hostname the stages reach it by): postgres and redis have defaults, `postgres: {}` is enough. " +
      "Each stage naming one gets its own fresh instance, started and ready before its commands run.",
  );

function readEnv(env: Record<string, string> | undefined): Record<string, EnvValue> {
  return Object.fromEntries(Object.entries(env ?? {}).map(([key, value]) => [key, readEnvValue(value)]));
}

function readEnvValue(value: string): EnvValue {
  const secret = SECRET_ENV_VALUE.exec(value)?.[1];
  return secret === undefined ? { value } : { secret };
}

/** The written services with their kinds' defaults; they validated, so every default applies. */
export function serviceSpecs(written: Record<string, ServiceConfig> | undefined): ServiceSpec[] {
  return Object.entries(written ?? {}).map(([name, settings]) => {
    const kind = serviceKind(name, settings.kind);
    const defaults = kind ? KIND_DEFAULTS[kind] : undefined;
    const ports = settings.ports ?? (defaults ? [defaults.port] : []);
    const env = readEnv(settings.env);
    const derived = defaults?.clientEnv(name, ports[0] ?? defaults.port, env);
    return {
      name,
      image: settings.image ?? SERVICE_IMAGES[kind!].image,
      command: settings.command ?? (kind ? [...SERVICE_IMAGES[kind].command] as string[] : undefined),
      env: { ...defaults?.env(env), ...env },
      ports,
      ready: settings.ready ?? defaults!.ready(ports[0] ?? defaults!.port),
      readyTimeoutSeconds: durationSeconds(settings.readyTimeout)!,
      clientEnv: { ...(derived && "env" in derived ? derived.env : {}), ...readEnv(settings.clientEnv) },
    };
  });
}

/** The stages' `services` that name no service of the file, as problems at their paths. */
export function unknownServiceProblems(config: {
  services?: Record<string, unknown> | undefined;
  stages: Record<string, { services?: string[] | undefined } | undefined>;
}): { path: (string | number)[]; problem: RuleProblem }[] {
  const known = Object.keys(config.services ?? {});
  return Object.entries(config.stages).flatMap(([stage, settings]) =>
    (settings?.services ?? []).flatMap((name, i) =>
      known.includes(name)
        ? []
        : [
            {
              path: ["stages", stage, "services", i],
              problem: {
                message: `stage ${stage} names the service "${name}", which services does not define`,
                fix: known.length > 0 ? `use one of ${known.join(", ")}, or add ${name} to services` : `add it to services, e.g. services: { ${name}: {} } for postgres or redis`,
              },
            },
          ],
    ),
  );
}
