import { SERVICE_IMAGES } from "../pins.js";

/**
 * A service container as the stages get it, every default applied (see
 * pipeline/src/config/services-schema.ts, which reads pipeline.yaml's
 * `services` into these), and the defaults of the kinds the pipeline knows.
 * Pure data: no Dagger here.
 */

/** A service's name: the hostname its stages reach it by, so a DNS label (lower-case letters, digits, -). */
export const SERVICE_NAME = /^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** The kinds with defaults (image, command, port, readiness check, env): pins.ts's SERVICE_IMAGES. */
export type ServiceKind = keyof typeof SERVICE_IMAGES;
export const SERVICE_KINDS = Object.keys(SERVICE_IMAGES) as ServiceKind[];

/** An env value: written in pipeline.yaml, or a secret given to the call with with-secret, by its name. */
export type EnvValue = { value: string } | { secret: string };

export interface ServiceSpec {
  /** Its key under `services`: the hostname, and its label in messages. */
  name: string;
  image: string;
  /** What the supervisor runs; undefined: the image's own ENTRYPOINT and CMD, read from the image. */
  command: string[] | undefined;
  /** The service container's env. */
  env: Record<string, EnvValue>;
  ports: number[];
  /** Run in the service container until it exits 0. */
  ready: string[];
  readyTimeoutSeconds: number;
  /** Set in the containers of the stages that use it: where their tools find it. */
  clientEnv: Record<string, EnvValue>;
}

interface KindDefaults {
  port: number;
  /** Run inside the service container, so against 127.0.0.1. */
  ready(port: number): string[];
  /** What the image needs to start when pipeline.yaml sets none of it. */
  env(written: Record<string, EnvValue>): Record<string, EnvValue>;
  /** The URL variables the clients read, or why they cannot be derived. */
  clientEnv(name: string, port: number, env: Record<string, EnvValue>): { env: Record<string, EnvValue> } | { problem: string };
}

export const KIND_DEFAULTS: Record<ServiceKind, KindDefaults> = {
  postgres: {
    port: 5432,
    // The official image's first start runs its init scripts on a server listening on its socket alone: TCP answers once that is done.
    ready: (port) => ["pg_isready", "--host=127.0.0.1", `--port=${port}`, "--timeout=5"],
    // Without a password the image refuses to start; a test database reachable only by its stage needs none.
    env: (written): Record<string, EnvValue> =>
      "POSTGRES_PASSWORD" in written || "POSTGRES_HOST_AUTH_METHOD" in written ? {} : { POSTGRES_HOST_AUTH_METHOD: { value: "trust" } },
    clientEnv: (name, port, env) => {
      const user = env["POSTGRES_USER"] ?? { value: "postgres" };
      const database = env["POSTGRES_DB"] ?? user;
      if ("secret" in user || "secret" in database) return { problem: "POSTGRES_USER or POSTGRES_DB is a secret, so DATABASE_URL cannot be written from them" };
      const password = env["POSTGRES_PASSWORD"];
      const derived: Record<string, EnvValue> = {
        DATABASE_URL: { value: `postgresql://${encodeURIComponent(user.value)}@${name}:${port}/${encodeURIComponent(database.value)}` },
      };
      // libpq, psycopg, pgx and node-postgres read the password from PGPASSWORD when the URL has none: it stays a secret.
      if (password && "secret" in password) derived["PGPASSWORD"] = password;
      return { env: derived };
    },
  },
  redis: {
    port: 6379,
    ready: (port) => ["redis-cli", "-h", "127.0.0.1", "-p", String(port), "ping"],
    env: () => ({}),
    clientEnv: (name, port) => ({ env: { REDIS_URL: { value: `redis://${name}:${port}/0` } } }),
  },
};

/** The kind a service takes its defaults from: the one it names, else its name when that is a kind. */
export function serviceKind(name: string, kind: ServiceKind | undefined): ServiceKind | undefined {
  return kind ?? (SERVICE_KINDS as string[]).find((k) => k === name) as ServiceKind | undefined;
}
