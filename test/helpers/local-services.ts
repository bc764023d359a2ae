import { chownSync, existsSync, readdirSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { execa, type ResultPromise } from "execa";
import { supervisorArgv } from "../../pipeline/modules/services/supervisor.js";
import { tempDir } from "./examples.js";
import { asUser, canRunAsOtherUser } from "./run-locally.js";

/**
 * Real PostgreSQL and Redis servers from Debian's packages (postgresql,
 * redis-server; .ci/run installs them), on 127.0.0.1, each run by the
 * pipeline's own supervisor script with the readiness check the pipeline
 * would run: what a service container does, without the container.
 */

/** Debian's PostgreSQL server binaries (initdb, postgres, createdb), newest major version; undefined when not installed. */
export const POSTGRES_BIN = (() => {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, "bin", "postgres"))).sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], "bin");
})();

async function onPath(command: string): Promise<boolean> {
  return (await execa("sh", ["-c", 'command -v "$1"', "sh", command], { reject: false })).exitCode === 0;
}

/** Why the real servers cannot run here, or undefined when they can. */
export async function missingServers(): Promise<string | undefined> {
  const missing = [
    ...(POSTGRES_BIN ? [] : ["PostgreSQL's server (/usr/lib/postgresql/<version>/bin/postgres, Debian's postgresql)"]),
    ...((await onPath("pg_isready")) ? [] : ["pg_isready (postgresql-client)"]),
    ...((await onPath("redis-server")) && (await onPath("redis-cli")) ? [] : ["redis-server and redis-cli (Debian's redis-server)"]),
  ];
  return missing.length === 0 ? undefined : `no ${missing.join(", ")}: .ci/run installs them with apt-get install postgresql redis-server`;
}

/** A port free on 127.0.0.1 just now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * PostgreSQL refuses to run as root, and initdb needs its user in /etc/passwd: as root, the servers run
 * as the `postgres` system user Debian's package creates (the official image's postgres runs as its own).
 */
const SERVER_USER = await (async () => {
  if (process.getuid?.() !== 0 || !canRunAsOtherUser) return undefined;
  const [uid, gid] = await Promise.all(["-u", "-g"].map(async (flag) => (await execa("id", [flag, "postgres"], { reject: false })).stdout));
  return uid && gid ? `${uid}:${gid}` : undefined;
})();

/** A folder the servers' user owns. */
export function serverDir(prefix: string): string {
  const dir = tempDir(prefix);
  if (SERVER_USER) {
    const [uid, gid] = SERVER_USER.split(":").map(Number);
    chownSync(dir, uid!, gid!);
  }
  return dir;
}

function asServerUser(argv: string[]): string[] {
  return SERVER_USER ? asUser(SERVER_USER, argv) : argv;
}

/** An initialized, stopped PostgreSQL data folder with `user` as its superuser (trust auth, as the pipeline's default). */
export async function initPostgres(user: string): Promise<string> {
  const data = join(serverDir("pg-data-"), "data");
  const [file, ...rest] = asServerUser([join(POSTGRES_BIN!, "initdb"), "--auth=trust", `--username=${user}`, "--no-sync", "-D", data]);
  await execa(file!, rest, { cwd: "/" });
  return data;
}

/** `postgres` on 127.0.0.1:port, its socket in the data folder (nothing shared with a system cluster). */
export function postgresCommand(data: string, port: number, extra: string[] = []): string[] {
  return [join(POSTGRES_BIN!, "postgres"), "-D", data, "-p", String(port), "-k", data, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", ...extra];
}

export function redisCommand(port: number): string[] {
  return ["redis-server", "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
}

/** A running supervisor: the exact argv the service container runs, its readiness check and the server's command. */
export interface Supervised {
  process: ResultPromise<{ reject: false; all: true }>;
  /** Resolves once the supervisor says the service is ready (its stdout), or rejects with all it printed when it ends first. */
  ready: Promise<void>;
}

export function supervise(name: string, readyTimeoutSeconds: number, ready: string[], command: string[]): Supervised {
  const [file, ...rest] = asServerUser(supervisorArgv(name, readyTimeoutSeconds, ready, command));
  const process = execa(file!, rest, { reject: false, all: true, cwd: "/", env: { PIPELINE_SERVICE_DIR: serverDir(`supervisor-${name}-`) } });
  const readyLine = `pipeline: service ${name} is ready`;
  const ready_ = new Promise<void>((resolve, reject) => {
    let seen = "";
    process.stdout.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(readyLine)) resolve();
    });
    void process.then((done) => reject(new Error(`supervisor of ${name} ended (exit ${done.exitCode}) before it was ready:\n${String(done.all)}`)));
  });
  // A test that expects no readiness awaits the process instead: not a rejection left unhandled.
  ready_.catch(() => undefined);
  return { process, ready: ready_ };
}

/** Stops a supervised service as the engine does (SIGTERM, passed on to the server) and waits for it. */
export async function stop(supervised: Supervised): Promise<number | undefined> {
  supervised.process.kill("SIGTERM");
  return (await supervised.process).exitCode;
}
