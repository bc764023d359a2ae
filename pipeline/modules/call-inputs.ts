import type { Container, Secret } from "@dagger.io/dagger";

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
