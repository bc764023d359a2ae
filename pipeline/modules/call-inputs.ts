import type { Container, Secret, Service } from "@dagger.io/dagger";
import { TIMEOUT_ENV, TOOL_ENTRYPOINT } from "./tool-exit.js";

/**
 * What a `dagger call` adds to pipeline.yaml for one run: `--rerun`, and the
 * access to private registries that only the install steps get.
 */

/** Private registries: credentials files (as Secrets) and settings. */
export interface RegistryAccess {
  /** An .npmrc with the registries and their tokens, for the Node install. */
  npmrc?: Secret | undefined;
  /** A pip.conf with the index URL and its credentials, for the Python installs. */
  pipConf?: Secret | undefined;
  /** A .netrc with the hosts' credentials, for `go mod download`. */
  netrc?: Secret | undefined;
  /** GOPRIVATE: module path patterns fetched from their hosts, past the proxy and the checksum database. */
  goprivate?: string | undefined;
}

/** Where a credentials file is mounted for an install, and the variable that points its tool at it. */
export interface SecretFile {
  path: string;
  env: string;
  /** The user the install runs as, who alone may read it; root when absent. */
  owner?: string;
}

/**
 * Adds the steps of `install` with `secret` mounted as a file its user alone
 * can read and `file.env` pointing at it, then unmounts it and drops the
 * variable. The secret's value is never an argument or an env value, and no
 * exec after the install (the tools, the code under test) can read it.
 */
export function withSecretDuring(container: Container, secret: Secret | undefined, file: SecretFile, install: (c: Container) => Container): Container {
  if (!secret) return install(container);
  const mounted = container
    .withMountedSecret(file.path, secret, file.owner ? { owner: file.owner, mode: 0o400 } : {})
    .withEnvVariable(file.env, file.path);
  return install(mounted).withoutMount(file.path).withoutEnvVariable(file.env);
}

/** The variable `--rerun` sets on the tool execs. */
export const RERUN_ENV = "PIPELINE_RERUN";

/**
 * After the installs, before the tools: a new `--rerun` value changes every
 * tool exec, so the engine runs them again rather than return a cached
 * result (a flaky test's failure is cached like any other); the installs
 * before it stay cached.
 */
export function withRerun(container: Container, rerun: string | undefined): Container {
  return rerun === undefined ? container : container.withEnvVariable(RERUN_ENV, rerun);
}

/** A secret a stage's commands and tools get: as the env variable `name`, or as a file at `mount`. */
export interface StageSecretUse {
  name: string;
  secret: Secret;
  mount?: string | undefined;
}

/** A started service a stage's containers are bound to (by `hostname`), and the env pointing their tools at it. */
export interface StageServiceUse {
  hostname: string;
  service: Service;
  env: readonly ({ name: string; value: string } | { name: string; secret: Secret })[];
}

/**
 * What a stage adds to its containers after the installs, before its own
 * tools (pipeline.yaml stages.<stage>: services, timeout, secrets, before).
 */
export interface StageSetup {
  /** The stage its containers run for, as the plan names it (`test`, `api/test` with projects): see withStageLabel. */
  label?: string | undefined;
  /** Its own instances of the services it names, already started and ready. */
  services?: readonly StageServiceUse[] | undefined;
  /** Whole seconds each tool run may take (the exit script's PIPELINE_TIMEOUT). */
  timeoutSeconds?: number | undefined;
  secrets?: readonly StageSecretUse[] | undefined;
  /** Commands run first, in order; what they write, the tools see. */
  before?: readonly (readonly string[])[] | undefined;
}

/**
 * The stage's own layer of a toolchain container, after the installs (which
 * stay shared by every stage and never see the stage's secrets): its
 * services, bound by their names with the env pointing at them, its secrets
 * as secret variables or files only `user` may read, its timeout, then its
 * `before` commands under the tool-exit script (so the timeout holds for them
 * too; one that fails fails the stage with its own output).
 */
export function withStageSetup(container: Container, setup: StageSetup | undefined, user: string): Container {
  if (!setup) return container;
  let c = withStageLabel(container, setup);
  for (const { hostname, service, env } of setup.services ?? []) {
    c = c.withServiceBinding(hostname, service);
    for (const variable of env) c = "secret" in variable ? c.withSecretVariable(variable.name, variable.secret) : c.withEnvVariable(variable.name, variable.value);
  }
  for (const { name, secret, mount } of setup.secrets ?? []) {
    c = mount === undefined ? c.withSecretVariable(name, secret) : c.withMountedSecret(mount, secret, { owner: user, mode: 0o400 });
  }
  if (setup.timeoutSeconds !== undefined) c = c.withEnvVariable(TIMEOUT_ENV, String(Math.ceil(setup.timeoutSeconds)));
  const before = setup.before ?? [];
  if (before.length === 0) return c;
  c = c.withEntrypoint([...TOOL_ENTRYPOINT]);
  for (const argv of before) c = c.withExec([...argv], { useEntrypoint: true });
  return c.withoutEntrypoint();
}

/** The image label naming the stage a container runs for, which `pipeline plan` reads back. */
export const STAGE_LABEL = "org.pipeline.stage";

/**
 * Labels the container with its stage: image metadata no exec sees (so no
 * cache key changes), put after the installs (so the stages still share them).
 */
export function withStageLabel(container: Container, setup: StageSetup | undefined): Container {
  return setup?.label === undefined ? container : container.withLabel(STAGE_LABEL, setup.label);
}
