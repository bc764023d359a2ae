import { dag, type Container, type Secret, type Service } from "@dagger.io/dagger";
import type { StageServiceUse } from "../call-inputs.js";
import { pickErrorLines } from "../report/summary.js";
import type { EnvValue, ServiceSpec } from "./spec.js";
import { READY_FILE, supervisorArgv, supervisorReport } from "./supervisor.js";

/**
 * A stage's service containers: built from their specs for that stage alone,
 * started (each ready, or the stage fails with why), bound to the stage's
 * containers by name, and stopped when the stage is done.
 */

/** Set in each service container to the stage it serves: the engine shares a service between identical definitions, so this keeps each stage's its own. */
export const SERVICE_OWNER_ENV = "PIPELINE_SERVICE_FOR";

/** The engine's wait on the supervisor's ready marker: `sh -c` with a fixed line, as an image may have no test binary. */
export const READY_PROBE = ["sh", "-c", `test -e ${READY_FILE}`];
/**
 * How much longer than the readyTimeout the engine's own health check waits before it gives up: the
 * supervisor stops the service and reports at the timeout; this only bounds a supervisor that could not.
 */
export const HEALTHCHECK_GRACE_SECONDS = 30;

/** The services a stage got, started: stop them when the stage is done. */
export interface StartedServices {
  uses: StageServiceUse[];
  stop(): Promise<void>;
}

/**
 * Builds and starts `specs` for the stage `owner` (e.g. stages.integration), all at once. Every
 * secret they name must be in `secrets`. Resolves to the started services, or to the lines that
 * say why one did not start (the others then stopped): its readiness check and its last log lines.
 */
export async function startServices(specs: readonly ServiceSpec[], owner: string, secrets: ReadonlyMap<string, Secret>): Promise<StartedServices | { problem: string[] }> {
  const missing = specs.flatMap((spec) => missingSecrets(spec, secrets));
  if (missing.length > 0) return { problem: missingSecretLines(missing) };
  const built = await Promise.all(specs.map(async (spec) => ({ spec, service: await serviceOf(spec, owner, secrets) })));
  const unbuildable = built.filter((b): b is { spec: ServiceSpec; service: { problem: string } } => "problem" in b.service);
  if (unbuildable.length > 0) return { problem: unbuildable.map((b) => b.service.problem) };
  const services = built as { spec: ServiceSpec; service: Service }[];
  const started = await Promise.allSettled(services.map(({ service }) => service.start()));
  const stop = () => stopAll(services.filter((_, i) => started[i]!.status === "fulfilled").map((s) => s.service));
  const failed = started.findIndex((s) => s.status === "rejected");
  if (failed >= 0) {
    await stop();
    return { problem: startFailureLines(services[failed]!.spec, (started[failed] as PromiseRejectedResult).reason) };
  }
  return { uses: services.map(({ spec, service }) => ({ hostname: spec.name, service, env: envOf(spec.clientEnv, secrets) })), stop };
}

/**
 * One stage's instance of a service: the image with its env and ports, the
 * supervisor as its command, and the engine's health check on the
 * supervisor's ready marker (so the engine waits for the readiness check,
 * never longer than the readyTimeout and the grace).
 */
async function serviceOf(spec: ServiceSpec, owner: string, secrets: ReadonlyMap<string, Secret>): Promise<Service | { problem: string }> {
  const image = dag.container().from(spec.image);
  const command = spec.command ?? (await imageCommand(image));
  if (command.length === 0) {
    return { problem: `services.${spec.name}: the image ${spec.image} has no ENTRYPOINT or CMD to run.\n  Fix: set services.${spec.name}.command to what the service runs, e.g. [my-server, --port, "8080"]` };
  }
  let container = image.withEnvVariable(SERVICE_OWNER_ENV, owner);
  for (const variable of envOf(spec.env, secrets)) {
    container = "secret" in variable ? container.withSecretVariable(variable.name, variable.secret) : container.withEnvVariable(variable.name, variable.value);
  }
  for (const port of spec.ports) container = container.withExposedPort(port);
  return container
    .withDockerHealthcheck(READY_PROBE, { interval: "1s", startPeriod: `${Math.ceil(spec.readyTimeoutSeconds) + HEALTHCHECK_GRACE_SECONDS}s`, retries: 3 })
    .asService({ args: supervisorArgv(spec.name, spec.readyTimeoutSeconds, spec.ready, command) });
}

/** The image's ENTRYPOINT then CMD, as docker run would run them. */
async function imageCommand(image: Container): Promise<string[]> {
  const [entrypoint, args] = await Promise.all([image.entrypoint(), image.defaultArgs()]);
  return [...(entrypoint ?? []), ...(args ?? [])];
}

function envOf(env: Record<string, EnvValue>, secrets: ReadonlyMap<string, Secret>): StageServiceUse["env"][number][] {
  return Object.entries(env).map(([name, value]) => ("secret" in value ? { name, secret: secrets.get(value.secret)! } : { name, value: value.value }));
}

interface MissingSecret {
  where: string;
  secret: string;
}

function missingSecrets(spec: ServiceSpec, secrets: ReadonlyMap<string, Secret>): MissingSecret[] {
  const of = (key: "env" | "clientEnv") =>
    Object.entries(spec[key]).flatMap(([name, value]) => ("secret" in value && !secrets.has(value.secret) ? [{ where: `services.${spec.name}.${key}.${name}`, secret: value.secret }] : []));
  return [...of("env"), ...of("clientEnv")];
}

function missingSecretLines(missing: readonly MissingSecret[]): string[] {
  const names = [...new Set(missing.map((m) => m.secret))];
  return [
    `${missing.map((m) => m.where).join(", ")}: ${names.map((n) => `secret:${n}`).join(", ")} ${names.length === 1 ? "was" : "were"} not given to this call, so the stage did not run.`,
    `  Fix: give ${names.length === 1 ? "it" : "them"} before the function: dagger call ${names.map((n) => `with-secret --name ${n} --value env://${n}`).join(" ")} <function>`,
  ];
}

/**
 * Why a service did not start. The engine fails a service whose command exits
 * before its health check passes with an exec error carrying the command's
 * stderr: the supervisor's report is there (read structurally, as the module
 * bundle has no error classes). Anything else is the error's own lines.
 */
export function startFailureLines(spec: ServiceSpec, error: unknown): string[] {
  const { stderr, stdout } = (error ?? {}) as { stderr?: unknown; stdout?: unknown };
  const report = typeof stderr === "string" ? supervisorReport(stderr) : undefined;
  const fix = `  Fix: look at its log lines above; services.${spec.name}.readyTimeout gives it longer, services.${spec.name}.ready sets the check`;
  if (report) return [...report, fix];
  const message = String((error as Error | undefined)?.message ?? error).split("\n")[0]!;
  const output = [typeof stderr === "string" ? stderr : "", typeof stdout === "string" ? stdout : ""].join("\n");
  return [`service ${spec.name} did not start: ${message}`, ...pickErrorLines(output), fix];
}

async function stopAll(services: readonly Service[]): Promise<void> {
  // A service that will not stop is the engine's to end with the session: the stage's verdict is already known.
  await Promise.allSettled(services.map((service) => service.stop()));
}
