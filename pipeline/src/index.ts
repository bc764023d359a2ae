/**
 * Pipeline-as-code: the whole CI pipeline as Dagger functions. Configure it
 * with pipeline.yaml at the repository root (every key has a default).
 */
import { randomUUID } from "node:crypto";
import { argument, check, Container, dag, Directory, File, func, object, Secret } from "@dagger.io/dagger";
import type { GitMetadata } from "../modules/git/metadata.js";
import { deployEnvironment } from "./run/deploy.js";
import { buildFunction, publishFunction, sbomFunction, scanImageFunction, signFunction } from "./run/image.js";
import { commitOf, historyOf, missingGitLine } from "./run/git.js";
import { cutRelease } from "./run/release.js";
import { loadProject } from "./run/load-project.js";
import { checkedSecretName, StageSecret } from "./run/stage-secret.js";
import { reportsDirectory, runCheck, runLoadedStages, runStages, verdict, type CallInputs } from "./run/stages.js";

@object()
export class Pipeline {
  source: Directory;
  git?: Directory;
  gitRef?: string;
  /** Given with withSecret; the stages naming them in pipeline.yaml (stages.<stage>.secrets) get them. */
  secrets?: StageSecret[];

  /**
   * @param source The repository to run on; defaults to the one holding dagger.json.
   * @param git The checkout whose .git the pipeline reads (commit, branch, tags, history; only .git is uploaded); defaults to the repository holding dagger.json. With --source=., pass --git=. too.
   * @param gitRef The branch or ref CI built (main, refs/heads/main), for a detached HEAD: the wrappers pass it.
   */
  constructor(
    @argument({
      defaultPath: "/",
      // Never an input of anything: VCS data, installed dependencies, local environments, tool caches and reports (local runs rewrite them).
      ignore: ["**/node_modules", "**/.git", "pipeline/sdk", "**/.venv", "**/__pycache__", "**/.pytest_cache", "**/.hypothesis", "**/.mypy_cache", "**/.ruff_cache", "**/.coverage", "**/.nyc_output", "reports"],
    })
    source: Directory,
    // Everything but .git: the history's own upload, which only the git reads and the history scan mount.
    @argument({ defaultPath: "/", ignore: ["*", "!.git"] })
    git?: Directory,
    gitRef?: string,
  ) {
    this.source = source;
    this.git = git;
    this.gitRef = gitRef;
  }

  /**
   * Gives the pipeline a secret, for the stages that name it in pipeline.yaml
   * (stages.<stage>.secrets): they get it as an env variable or a mounted
   * file, never in an argument, a log or a report. Chain it before the
   * function: `dagger call with-secret --name CODECOV_TOKEN --value env://CODECOV_TOKEN ci`.
   *
   * @param name The name pipeline.yaml gives it (letters, digits, _), e.g. CODECOV_TOKEN.
   * @param value The secret: env://NAME, file://path or cmd://command.
   */
  @func()
  withSecret(name: string, value: Secret): Pipeline {
    this.secrets = [...(this.secrets ?? []).filter((s) => s.name !== name), new StageSecret(checkedSecretName(name), value)];
    return this;
  }

  /**
   * Runs lint, unit tests with coverage, integration tests with their
   * services, property tests and the security scans concurrently, then the benchmarks alone, prints the summary, and
   * fails if any stage or gate fails. Use `reports` to export the JUnit,
   * Cobertura, SARIF and benchmark reports.
   *
   * @param rerun Any new value runs the tools again instead of returning their cached results, for a flaky test: --rerun=$(date +%s). The installs stay cached.
   * @param npmrc An .npmrc for private npm registries, mounted for the Node install only: env://NPMRC or file://.npmrc.
   * @param pipConf A pip.conf with a private index and its credentials, mounted for the Python installs only: env://PIP_CONF or file://pip.conf.
   * @param netrc A .netrc with the credentials of private Go module hosts, mounted for go mod download only: env://NETRC or file://.netrc.
   * @param goprivate Private Go module path patterns (GOPRIVATE), fetched from their hosts past the proxy, e.g. github.com/acme/*.
   */
  @func()
  async ci(rerun?: string, npmrc?: Secret, pipConf?: Secret, netrc?: Secret, goprivate?: string): Promise<string> {
    return verdict(await runStages(this.source, "all", this.callInputs(rerun, npmrc, pipConf, netrc, goprivate)));
  }

  /**
   * Runs the linters (golangci-lint or go vet + gofmt, the lint/typecheck scripts, ruff).
   *
   * @param rerun Any new value runs the tools again instead of returning their cached results, for a flaky test: --rerun=$(date +%s). The installs stay cached.
   * @param npmrc An .npmrc for private npm registries, mounted for the Node install only: env://NPMRC or file://.npmrc.
   * @param pipConf A pip.conf with a private index and its credentials, mounted for the Python installs only: env://PIP_CONF or file://pip.conf.
   * @param netrc A .netrc with the credentials of private Go module hosts, mounted for go mod download only: env://NETRC or file://.netrc.
   * @param goprivate Private Go module path patterns (GOPRIVATE), fetched from their hosts past the proxy, e.g. github.com/acme/*.
   */
  @func()
  @check()
  async lint(rerun?: string, npmrc?: Secret, pipConf?: Secret, netrc?: Secret, goprivate?: string): Promise<void> {
    await runCheck(this.source, "lint", this.callInputs(rerun, npmrc, pipConf, netrc, goprivate));
  }

  /**
   * Runs unit tests with coverage (Go with the race detector) and applies the coverage gate.
   *
   * @param rerun Any new value runs the tools again instead of returning their cached results, for a flaky test: --rerun=$(date +%s). The installs stay cached.
   * @param npmrc An .npmrc for private npm registries, mounted for the Node install only: env://NPMRC or file://.npmrc.
   * @param pipConf A pip.conf with a private index and its credentials, mounted for the Python installs only: env://PIP_CONF or file://pip.conf.
   * @param netrc A .netrc with the credentials of private Go module hosts, mounted for go mod download only: env://NETRC or file://.netrc.
   * @param goprivate Private Go module path patterns (GOPRIVATE), fetched from their hosts past the proxy, e.g. github.com/acme/*.
   */
  @func()
  @check()
  async test(rerun?: string, npmrc?: Secret, pipConf?: Secret, netrc?: Secret, goprivate?: string): Promise<void> {
    await runCheck(this.source, "test", this.callInputs(rerun, npmrc, pipConf, netrc, goprivate));
  }

  /**
   * Runs the integration tests (Go: the files behind the integration build tag; Python: pytest -m
   * integration; Node: *.integration.test.* or a script) against the services of pipeline.yaml's
   * services, fresh instances of its own, started and ready first; writes their JUnit report.
   *
   * @param rerun Any new value runs the tools again instead of returning their cached results, for a flaky test: --rerun=$(date +%s). The installs stay cached.
   * @param npmrc An .npmrc for private npm registries, mounted for the Node install only: env://NPMRC or file://.npmrc.
   * @param pipConf A pip.conf with a private index and its credentials, mounted for the Python installs only: env://PIP_CONF or file://pip.conf.
   * @param netrc A .netrc with the credentials of private Go module hosts, mounted for go mod download only: env://NETRC or file://.netrc.
   * @param goprivate Private Go module path patterns (GOPRIVATE), fetched from their hosts past the proxy, e.g. github.com/acme/*.
   */
  @func()
  @check()
  async integration(rerun?: string, npmrc?: Secret, pipConf?: Secret, netrc?: Secret, goprivate?: string): Promise<void> {
    await runCheck(this.source, "integration", this.callInputs(rerun, npmrc, pipConf, netrc, goprivate));
  }

  /**
   * Runs property tests (testing/quick and fuzz seeds, hypothesis, fast-check) with the configured iterations.
   *
   * @param rerun Any new value runs the tools again instead of returning their cached results, for a flaky test: --rerun=$(date +%s). The installs stay cached.
   * @param npmrc An .npmrc for private npm registries, mounted for the Node install only: env://NPMRC or file://.npmrc.
   * @param pipConf A pip.conf with a private index and its credentials, mounted for the Python installs only: env://PIP_CONF or file://pip.conf.
   * @param netrc A .netrc with the credentials of private Go module hosts, mounted for go mod download only: env://NETRC or file://.netrc.
   * @param goprivate Private Go module path patterns (GOPRIVATE), fetched from their hosts past the proxy, e.g. github.com/acme/*.
   */
  @func()
  @check()
  async propertyTest(rerun?: string, npmrc?: Secret, pipConf?: Secret, netrc?: Secret, goprivate?: string): Promise<void> {
    await runCheck(this.source, "propertyTest", this.callInputs(rerun, npmrc, pipConf, netrc, goprivate));
  }

  /**
   * Runs the security scans: known vulnerabilities in dependencies (govulncheck,
   * osv-scanner, pip-audit), SAST (semgrep with the bundled rules and .semgrep/,
   * gosec, bandit), secrets in the tree and the git history (gitleaks) and
   * misconfiguration (trivy config, hadolint). Fails on findings at
   * stages.scan.failOn (high) or above that .pipeline/scan-ignore.yaml does
   * not accept, and on any scanner that could not scan. `reports` exports
   * scan/scan.sarif (one run per tool), scan/summary.md and GitLab's reports.
   *
   * @param rerun Any new value runs the tools again instead of returning their cached results, for a flaky test: --rerun=$(date +%s). The installs stay cached.
   * @param npmrc An .npmrc for private npm registries, mounted for the Node install only: env://NPMRC or file://.npmrc.
   * @param pipConf A pip.conf with a private index and its credentials, mounted for the Python installs only: env://PIP_CONF or file://pip.conf.
   * @param netrc A .netrc with the credentials of private Go module hosts, mounted for go mod download only: env://NETRC or file://.netrc.
   * @param goprivate Private Go module path patterns (GOPRIVATE), fetched from their hosts past the proxy, e.g. github.com/acme/*.
   */
  @func()
  @check()
  async scan(rerun?: string, npmrc?: Secret, pipConf?: Secret, netrc?: Secret, goprivate?: string): Promise<void> {
    await runCheck(this.source, "scan", this.callInputs(rerun, npmrc, pipConf, netrc, goprivate));
  }

  /**
   * Runs benchmarks and fails on a significant regression against the committed baseline.
   *
   * @param rerun Any new value runs the tools again instead of returning their cached results, for a flaky test: --rerun=$(date +%s). The installs stay cached.
   * @param npmrc An .npmrc for private npm registries, mounted for the Node install only: env://NPMRC or file://.npmrc.
   * @param pipConf A pip.conf with a private index and its credentials, mounted for the Python installs only: env://PIP_CONF or file://pip.conf.
   * @param netrc A .netrc with the credentials of private Go module hosts, mounted for go mod download only: env://NETRC or file://.netrc.
   * @param goprivate Private Go module path patterns (GOPRIVATE), fetched from their hosts past the proxy, e.g. github.com/acme/*.
   */
  @func()
  @check()
  async bench(rerun?: string, npmrc?: Secret, pipConf?: Secret, netrc?: Secret, goprivate?: string): Promise<void> {
    await runCheck(this.source, "bench", this.callInputs(rerun, npmrc, pipConf, netrc, goprivate));
  }

  /**
   * Runs every stage and returns their reports (summary.md, JUnit XML,
   * Cobertura coverage, benchmark comparison) without failing, so CI can
   * upload them: `dagger call reports export --path reports`.
   *
   * @param rerun Any new value runs the tools again instead of returning their cached results, for a flaky test: --rerun=$(date +%s). The installs stay cached.
   * @param npmrc An .npmrc for private npm registries, mounted for the Node install only: env://NPMRC or file://.npmrc.
   * @param pipConf A pip.conf with a private index and its credentials, mounted for the Python installs only: env://PIP_CONF or file://pip.conf.
   * @param netrc A .netrc with the credentials of private Go module hosts, mounted for go mod download only: env://NETRC or file://.netrc.
   * @param goprivate Private Go module path patterns (GOPRIVATE), fetched from their hosts past the proxy, e.g. github.com/acme/*.
   */
  @func()
  async reports(rerun?: string, npmrc?: Secret, pipConf?: Secret, netrc?: Secret, goprivate?: string): Promise<Directory> {
    return reportsDirectory(await runStages(this.source, "all", this.callInputs(rerun, npmrc, pipConf, netrc, goprivate)));
  }

  /**
   * Measures the benchmarks and returns a new baseline file, without
   * comparing with the old one (replacing it after an accepted slowdown is
   * what this is for): `dagger call bench-baseline -o .pipeline/bench-baseline.json`.
   * Never cached: every call measures anew, as a stale measurement is no baseline.
   *
   * @param npmrc An .npmrc for private npm registries, mounted for the Node install only: env://NPMRC or file://.npmrc.
   * @param pipConf A pip.conf with a private index and its credentials, mounted for the Python installs only: env://PIP_CONF or file://pip.conf.
   * @param netrc A .netrc with the credentials of private Go module hosts, mounted for go mod download only: env://NETRC or file://.netrc.
   * @param goprivate Private Go module path patterns (GOPRIVATE), fetched from their hosts past the proxy, e.g. github.com/acme/*.
   * @param project With pipeline.yaml's projects: the one to run on, by its key (e.g. api).
   */
  @func({ cache: "never" })
  async benchBaseline(npmrc?: Secret, pipConf?: Secret, netrc?: Secret, goprivate?: string, project?: string): Promise<File> {
    const loaded = await loadProject(this.source, project);
    // A fresh rerun value: the bench exec itself would otherwise come from the cache, an old measurement.
    const inputs = this.callInputs(randomUUID(), npmrc, pipConf, netrc, goprivate);
    const run = await runLoadedStages({ ...loaded, baselineText: undefined, baselineProblem: undefined, recordingBaseline: true }, ["bench"], inputs);
    const current = run.results[0]?.reports["bench/current.json"];
    if (run.failed || current === undefined) throw new Error(run.summary);
    return dag.directory().withNewFile("bench-baseline.json", current).file("bench-baseline.json");
  }

  /**
   * Builds the container image for every platform of pipeline.yaml's image
   * section (the project's Dockerfile, or without one from the toolchain),
   * with OCI labels from the commit, and checks the image policy (non-root
   * numeric user, healthcheck, no secret-looking env, no .git/.env/key files
   * in any layer, labels). Returns one container per platform.
   *
   * @param platform Only this platform (os/arch or os/arch/variant), e.g. linux/amd64.
   * @param project With pipeline.yaml's projects: the one to run on, by its key (e.g. api).
   */
  @func()
  async build(platform?: string, project?: string): Promise<Container[]> {
    const images = await buildFunction(await loadProject(this.source, project), { ...(await this.commit()), platform });
    return images.map((i) => i.container);
  }

  /**
   * Builds the image, checks its policy and scans every platform for known
   * vulnerabilities (trivy or grype on the exported image, no registry);
   * fails on image.scan.failOn (default high) unless accepted in image.scan.ignore.
   *
   * @param platform Only this platform, e.g. linux/amd64.
   * @param rerun Any new value scans again (the scan is also redone daily, as the databases change).
   * @param project With pipeline.yaml's projects: the one to run on, by its key (e.g. api).
   */
  @func()
  async scanImage(platform?: string, rerun?: string, project?: string): Promise<string> {
    return scanImageFunction(await loadProject(this.source, project), { ...(await this.commit()), platform, rerun });
  }

  /**
   * The SBOMs of every platform's image (syft): sbom-<os>-<arch>.spdx.json
   * (SPDX 2.3) and .cdx.json (CycloneDX 1.6): `dagger call sbom export --path sbom`.
   *
   * @param platform Only this platform, e.g. linux/amd64.
   * @param project With pipeline.yaml's projects: the one to run on, by its key (e.g. api).
   */
  @func()
  async sbom(platform?: string, project?: string): Promise<Directory> {
    return sbomFunction(await loadProject(this.source, project), { ...(await this.commit()), platform });
  }

  /**
   * Builds, checks, scans and SBOMs the image, then pushes it with the tag
   * scheme (sha-<short> on the main branch, the branch name if
   * image.tags.branch): the immutable tag first, then the signature and SBOM
   * attestations when a key or an OIDC token is given, then the other tags,
   * all on one digest. Returns image@sha256:<digest>. Never cached.
   *
   * @param registryToken Registry password or token, e.g. env://REGISTRY_TOKEN.
   * @param registryUsername Registry user; defaults to pipeline.yaml's image.registryUsername.
   * @param signingKey A cosign private key (the contents of cosign.key), e.g. env://COSIGN_KEY.
   * @param signingPassword The key's password, e.g. env://COSIGN_PASSWORD.
   * @param oidcToken Keyless signing: an OIDC identity token with audience sigstore, e.g. env://SIGSTORE_ID_TOKEN.
   * @param project With pipeline.yaml's projects: the one to run on, by its key (e.g. api).
   */
  @func({ cache: "never" })
  async publish(registryToken?: Secret, registryUsername?: string, signingKey?: Secret, signingPassword?: Secret, oidcToken?: Secret, project?: string): Promise<string> {
    const { digestRef, summary } = await publishFunction(
      await loadProject(this.source, project),
      await this.commit(),
      { token: registryToken, username: registryUsername },
      { key: signingKey, password: signingPassword, identityToken: oidcToken },
    );
    console.log(summary);
    return digestRef;
  }

  /**
   * Signs an image already pushed, by digest (cosign sign, with a key or keyless). Never cached.
   *
   * @param ref The image by digest: registry/owner/name@sha256:<64 hex>.
   * @param registryToken Registry password or token, e.g. env://REGISTRY_TOKEN (the signature is pushed beside the image).
   * @param registryUsername Registry user; defaults to pipeline.yaml's image.registryUsername.
   * @param signingKey A cosign private key (the contents of cosign.key), e.g. env://COSIGN_KEY.
   * @param signingPassword The key's password, e.g. env://COSIGN_PASSWORD.
   * @param oidcToken Keyless signing: an OIDC identity token with audience sigstore, e.g. env://SIGSTORE_ID_TOKEN.
   */
  @func({ cache: "never" })
  async sign(ref: string, registryToken?: Secret, registryUsername?: string, signingKey?: Secret, signingPassword?: Secret, oidcToken?: Secret): Promise<string> {
    return signFunction(await loadProject(this.source), ref, { token: registryToken, username: registryUsername }, { key: signingKey, password: signingPassword, identityToken: oidcToken });
  }

  /**
   * Cuts a release: checks the tag (semver) against the project's version
   * file, runs every gate, then builds, checks, scans and SBOMs the image,
   * pushes it (X.Y.Z signed first, then X.Y, X, latest and sha-<short> on the
   * same digest; a prerelease only its own tag), builds the artifacts
   * (release.binaries, npm pack, Python sdist and wheel) with checksums.txt and
   * checksums-sha512.txt, and creates or completes the GitHub or GitLab release
   * with notes from the conventional commits since the previous tag. Re-running
   * changes nothing; a different asset or a tag on another commit is refused.
   * Never cached.
   *
   * @param tag The release tag: v + a semantic version, like v1.2.0.
   * @param registryToken Registry password or token, e.g. env://REGISTRY_TOKEN.
   * @param registryUsername Registry user; defaults to pipeline.yaml's release.registryUsername.
   * @param rerun Any new value runs the tools again instead of returning their cached results, for a flaky test: --rerun=$(date +%s). The installs stay cached.
   * @param npmrc An .npmrc for private npm registries, mounted for the Node install only: env://NPMRC or file://.npmrc.
   * @param pipConf A pip.conf with a private index and its credentials, mounted for the Python installs only: env://PIP_CONF or file://pip.conf.
   * @param netrc A .netrc with the credentials of private Go module hosts, mounted for go mod download only: env://NETRC or file://.netrc.
   * @param goprivate Private Go module path patterns (GOPRIVATE), fetched from their hosts past the proxy, e.g. github.com/acme/*.
   * @param dryRun Build, check and sign nothing remotely: run the gates, build and check the image and the artifacts, and say what would be pushed and uploaded.
   * @param githubToken A token that may write releases (contents: write), e.g. env://GITHUB_TOKEN.
   * @param gitlabToken A GitLab token with the api scope, e.g. env://GITLAB_TOKEN.
   * @param signingKey A cosign private key (the contents of cosign.key), e.g. env://COSIGN_KEY.
   * @param signingPassword The key's password, e.g. env://COSIGN_PASSWORD.
   * @param oidcToken Keyless signing: an OIDC identity token with audience sigstore, e.g. env://SIGSTORE_ID_TOKEN.
   * @param project With pipeline.yaml's projects: the one to release, by its key (e.g. api); its gates, image and artifacts.
   */
  @func({ cache: "never" })
  async release(
    tag: string,
    registryToken?: Secret,
    registryUsername?: string,
    rerun?: string,
    npmrc?: Secret,
    pipConf?: Secret,
    netrc?: Secret,
    goprivate?: string,
    dryRun?: boolean,
    githubToken?: Secret,
    gitlabToken?: Secret,
    signingKey?: Secret,
    signingPassword?: Secret,
    oidcToken?: Secret,
    project?: string,
  ): Promise<string> {
    return cutRelease(this.source, {
      tag,
      project,
      registryToken,
      registryUsername,
      ...this.callInputs(rerun, npmrc, pipConf, netrc, goprivate),
      dryRun,
      githubToken,
      gitlabToken,
      signing: { key: signingKey, password: signingPassword, identityToken: oidcToken },
      ...(await this.commit()),
      history: await historyOf(this.source, this.git, this.gitRef),
    });
  }

  /** The commit the call runs on, for labels, sha tags and release notes, read from --git; without one, why and how to give it. */
  private async commit(): Promise<{ git: GitMetadata | undefined; gitNote: string | undefined }> {
    const reading = await commitOf(this.source, this.git, this.gitRef);
    return { git: reading.metadata, gitNote: missingGitLine(reading) };
  }

  /**
   * Deploys an image, by digest, to an environment of pipeline.yaml's deploy
   * section: renders its kustomize overlay or Helm chart with the digest,
   * checks the manifests, validates them on the server, diffs, applies them
   * server-side, waits for the rollout, then runs the health check with
   * retries and backoff. On failure it rolls back (rollout undo or helm
   * rollback), waits until the previous revision is healthy again, and fails
   * with both outcomes in the summary. A GitOps environment gets a commit of
   * the digest to its deploy repository instead. Never cached.
   *
   * @param environment The environment, a key of pipeline.yaml's deploy.environments: staging, production...
   * @param image The image to run, by digest (never a tag): ghcr.io/acme/go-service@sha256:<64 hex>, as release printed it.
   * @param kubeconfig The cluster's kubeconfig, as a secret: file://$HOME/.kube/config, or env://KUBECONFIG_DATA holding the file's contents.
   * @param gitToken GitOps: a token that may push to the deploy repository, e.g. env://DEPLOY_REPO_TOKEN.
   * @param dryRun Render, validate on the server and diff (or show the GitOps commit), and change nothing.
   */
  @func({ cache: "never" })
  async deploy(environment: string, image: string, kubeconfig?: Secret, gitToken?: Secret, dryRun?: boolean): Promise<string> {
    return deployEnvironment(this.source, { environment, image, kubeconfig, gitToken, dryRun: dryRun ?? false });
  }

  /** The functions' optional arguments and the object's git and secrets, as the stages take them. */
  private callInputs(rerun: string | undefined, npmrc?: Secret, pipConf?: Secret, netrc?: Secret, goprivate?: string): CallInputs {
    return {
      rerun,
      registries: { npmrc, pipConf, netrc, goprivate },
      gitSource: { checkout: this.git, ref: this.gitRef },
      secrets: new Map((this.secrets ?? []).map((s) => [s.name, s.value])),
    };
  }
}
