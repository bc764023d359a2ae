import { randomUUID } from "node:crypto";
import { dag, ImageLayerCompression, ImageMediaTypes, ReturnType, type Container, type Directory, type File, type Platform, type Secret } from "@dagger.io/dagger";
import type { GitMetadata } from "../git/metadata.js";
import { NON_ROOT_USER } from "../non-root.js";
import { WORKDIR, type Project } from "../project.js";
import { runTool, type ToolRun } from "../stage.js";
import type { ReleaseVersion } from "../release/semver.js";
import * as args from "./args.js";
import { inspectArgs, INSPECT_TARBALL, parseInspection, type InspectedImage } from "./inspect.js";
import { buildInputs } from "./build-inputs.js";
import { checkImagePolicy, type PolicyOptions, type Violation } from "./policy.js";
import { gateVulnerabilities, parseGrype, parseTrivyImage, type GateResult, type ScanGate } from "./scan.js";

/** The pinned images the image stages run. */
export interface ImageTools {
  go: string;
  node: string;
  python: string;
  syft: string;
  grype: string;
  trivy: string;
  cosign: string;
  alpine: string;
  distrolessStatic: string;
}

/** How the image is built: pipeline.yaml's `image` section with the older `release.*` keys applied. */
export interface BuildSettings {
  language: "go" | "node" | "python";
  /** The Dockerfile, when the project has one (relative to the project). */
  dockerfile: string | undefined;
  target: string | undefined;
  buildArgs: Record<string, string>;
  platforms: readonly string[];
  title: string;
  /** Toolchain builds (no Dockerfile). */
  main: string;
  command: readonly string[] | undefined;
  port: number | undefined;
  healthcheck: { command: readonly string[]; interval: string; timeout: string; startPeriod: string; retries: number } | undefined;
}

export interface BuildContext {
  git: GitMetadata | undefined;
  release: ReleaseVersion | undefined;
  tools: ImageTools;
}

/** One platform's image. */
export interface PlatformImage {
  platform: string;
  container: Container;
}

/**
 * Builds the image for every platform: the project's Dockerfile (target and
 * build args from pipeline.yaml, VERSION, REVISION and SOURCE_DATE_EPOCH from
 * the commit), or, without one, from the toolchain. The OCI labels come from
 * the commit, so two builds of one commit are the same image.
 */
export function buildImages(project: Project, settings: BuildSettings, context: BuildContext): PlatformImage[] {
  const { labels, buildArgs } = buildInputs(settings.buildArgs, settings.title, context.git, context.release);
  const version = buildArgs.find((a) => a.name === "VERSION")!.value;
  return settings.platforms.map((platform) => {
    const built = settings.dockerfile
      ? project.source.dockerBuild({
          dockerfile: settings.dockerfile,
          platform: platform as Platform,
          buildArgs,
          ...(settings.target ? { target: settings.target } : {}),
        })
      : toolchainImage(project, settings, context, platform, version);
    return { platform, container: Object.entries(labels).reduce((c, [name, value]) => c.withLabel(name, value), built) };
  });
}

/** An image without a Dockerfile: Go as a static binary on distroless (uid 65532), Node and Python on their slim images. */
function toolchainImage(project: Project, settings: BuildSettings, context: BuildContext, platform: string, version: string): Container {
  const [os, arch, variant] = platform.split("/") as [string, string, string | undefined];
  let image: Container;
  if (settings.language === "go") {
    // Cross-compiled on the engine's own platform: no emulation, and CGO off makes it static.
    const binary = dag
      .container()
      .from(context.tools.go)
      .withMountedCache("/go/pkg/mod", dag.cacheVolume("go-mod"))
      .withMountedCache("/root/.cache/go-build", dag.cacheVolume("go-build-release"))
      .withDirectory(WORKDIR, project.source)
      .withWorkdir(WORKDIR)
      .withEnvVariable("CGO_ENABLED", "0")
      .withEnvVariable("GOOS", os)
      .withEnvVariable("GOARCH", arch)
      .with((c) => (variant && arch === "arm" ? c.withEnvVariable("GOARM", variant.replace(/^v/, "")) : c))
      .withExec(["go", "build", "-trimpath", "-buildvcs=false", `-ldflags=-s -w -X main.version=${version}`, "-o", "/out/server", settings.main])
      .file("/out/server");
    image = dag
      .container({ platform: platform as Platform })
      .from(context.tools.distrolessStatic)
      .withFile("/app/server", binary, { permissions: 0o755 })
      .withUser(NON_ROOT_USER)
      .withEntrypoint(["/app/server"])
      .withDefaultArgs([...(settings.command ?? [])]);
  } else {
    const base = settings.language === "node" ? context.tools.node : context.tools.python;
    const user = settings.language === "node" ? "1000:1000" : NON_ROOT_USER;
    let runtime = dag.container({ platform: platform as Platform }).from(base).withWorkdir("/app");
    if (settings.language === "node") {
      runtime = runtime
        .withDirectory("/app", project.source, { exclude: ["node_modules", ".git"] })
        .withExec(["npm", "ci", "--no-audit", "--no-fund"])
        .withExec(["npm", "run", "build", "--if-present"])
        .withExec(["npm", "prune", "--omit=dev"])
        .withEnvVariable("NODE_ENV", "production");
    } else {
      runtime = runtime
        .withDirectory("/app", project.source, { exclude: [".venv", "**/__pycache__", ".git"] })
        .withEnvVariable("PYTHONDONTWRITEBYTECODE", "1")
        .withEnvVariable("PYTHONUNBUFFERED", "1")
        .withExec(["sh", "-c", 'if [ -f requirements.txt ]; then pip install --no-cache-dir -r requirements.txt; elif [ -f pyproject.toml ]; then pip install --no-cache-dir .; fi']);
    }
    image = runtime.withUser(user).withDefaultArgs([...settings.command!]);
  }
  if (settings.port) image = image.withExposedPort(settings.port);
  const hc = settings.healthcheck;
  return hc ? image.withDockerHealthcheck([...hc.command], { interval: hc.interval, timeout: hc.timeout, startPeriod: hc.startPeriod, retries: hc.retries }) : image;
}

/** One platform's image as an OCI layout tarball, gzip layers (what the inspection script lists). */
export function imageTarball(images: readonly PlatformImage[]): File {
  const [first, ...rest] = images;
  return first!.container.asTarball({
    platformVariants: rest.map((i) => i.container),
    forcedCompression: ImageLayerCompression.Gzip,
    mediaTypes: ImageMediaTypes.Oci,
  });
}

/** The toolbox (sh, tar, base64) with a tool's binary copied in from its own image, which has no shell. */
function toolbox(tools: ImageTools, binaries: { image: string; path: string; name: string }[] = []): Container {
  return binaries.reduce(
    (c, b) => c.withFile(`/usr/local/bin/${b.name}`, dag.container().from(b.image).file(b.path), { permissions: 0o755 }),
    dag.container().from(tools.alpine),
  );
}

/** Lists every platform's config and layers from one multi-platform tarball, then checks the policy. */
export async function checkPolicy(images: readonly PlatformImage[], tools: ImageTools, options: PolicyOptions): Promise<{ inspected: InspectedImage[]; violations: Violation[] }> {
  const output = await toolbox(tools).withMountedFile(INSPECT_TARBALL, imageTarball(images)).withExec(inspectArgs()).stdout();
  const inspected = parseInspection(output);
  return { inspected, violations: checkImagePolicy(inspected, options) };
}

export interface ScanSettings {
  scanner: "trivy" | "grype";
  gate: ScanGate;
  rerun: string | undefined;
}

export interface PlatformScan {
  platform: string;
  run: ToolRun;
  /** The report as the scanner wrote it, when it wrote one. */
  report: string | undefined;
  gate: GateResult | undefined;
}

/** Scans each platform's exported image (no registry); the gate is ours, so trivy and grype agree. */
export function scanImages(images: readonly PlatformImage[], tools: ImageTools, settings: ScanSettings): Promise<PlatformScan[]> {
  return Promise.all(
    images.map(async ({ platform, container }) => {
      const tarball = container.asTarball({ forcedCompression: ImageLayerCompression.Gzip, mediaTypes: ImageMediaTypes.Oci });
      const scanner =
        settings.scanner === "trivy"
          ? dag.container().from(tools.trivy).withMountedCache("/cache/trivy", dag.cacheVolume("trivy-cache"))
          : toolbox(tools, [{ image: tools.grype, path: "/grype", name: "grype" }]).withMountedCache("/cache/grype", dag.cacheVolume("grype-db")).withEnvVariable("GRYPE_DB_CACHE_DIR", "/cache/grype");
      // The vulnerability databases change daily: a scan result cached from another day would miss new CVEs.
      const ready = scanner
        .withMountedFile(args.IMAGE_TARBALL, tarball)
        .withEnvVariable("PIPELINE_SCAN_DAY", settings.gate.today)
        .with((c) => (settings.rerun ? c.withEnvVariable("PIPELINE_RERUN", settings.rerun) : c));
      const argv = settings.scanner === "trivy" ? args.trivyImageArgs() : args.grypeArgs();
      const run = await runTool(ready, argv, [args.SCAN_REPORT]);
      const report = run.files[args.SCAN_REPORT];
      const gate = report === undefined ? undefined : gateVulnerabilities(settings.scanner === "trivy" ? parseTrivyImage(report) : parseGrype(report), settings.gate);
      return { platform, run, report, gate };
    }),
  );
}

/** SPDX 2.3 and CycloneDX 1.6 SBOMs of each platform's image, by syft, as files named <platform>.spdx.json / .cdx.json. */
export function sboms(images: readonly PlatformImage[], tools: ImageTools, name: string, version: string | undefined): Directory {
  let out = dag.directory();
  for (const { platform, container } of images) {
    const tarball = container.asTarball({ forcedCompression: ImageLayerCompression.Gzip, mediaTypes: ImageMediaTypes.Oci });
    const ran = toolbox(tools, [{ image: tools.syft, path: "/syft", name: "syft" }])
      .withEnvVariable("SYFT_CHECK_FOR_APP_UPDATE", "false")
      .withMountedFile(args.IMAGE_TARBALL, tarball)
      .withExec(["mkdir", "-p", args.SBOM_DIR])
      .withExec(args.syftArgs(args.ociArchive(), name, version));
    const stem = `sbom-${platform.replaceAll("/", "-")}`;
    out = out.withFile(`${stem}.spdx.json`, ran.file(args.SBOM_FILES.spdx)).withFile(`${stem}.cdx.json`, ran.file(args.SBOM_FILES.cyclonedx));
  }
  return out;
}

export interface SigningInputs {
  /** A cosign private key (cosign.key's PEM); keyless signing without it. */
  key: Secret | undefined;
  password: Secret | undefined;
  /** An OIDC identity token for keyless signing (CI providers issue one). */
  identityToken: Secret | undefined;
  transparencyLog: boolean;
}

export class SigningInputError extends Error {
  override readonly name = "SigningInputError";
  readonly code = "IMAGE_SIGNING_INPUT";
}

/** Keyed or keyless, decided before anything is pushed. */
export function signingMode(inputs: SigningInputs): args.SigningMode {
  if (!inputs.key && !inputs.identityToken) {
    throw new SigningInputError(
      "signing needs --signing-key (a cosign key, with --signing-password) or --oidc-token (keyless, from the CI's OIDC provider).\n" +
        "  Fix: pass --signing-key env://COSIGN_KEY --signing-password env://COSIGN_PASSWORD, or in CI --oidc-token env://SIGSTORE_ID_TOKEN.",
    );
  }
  if (!inputs.key && !inputs.transparencyLog) {
    throw new SigningInputError("keyless signing needs the transparency log (its certificate is only trusted through it).\n  Fix: sign with --signing-key, or set image.sign.transparencyLog: true.");
  }
  return { keyed: Boolean(inputs.key), tlog: inputs.transparencyLog };
}

/** The cosign container: credentials only as secret variables, the Docker config on a tmpfs, a nonce so each signing runs. */
export function cosignContainer(tools: ImageTools, inputs: SigningInputs, registry: { host: string; username: string; token: Secret | undefined }): Container {
  let c = toolbox(tools, [{ image: tools.cosign, path: "/ko-app/cosign", name: "cosign" }])
    .withMountedTemp(args.DOCKER_CONFIG_DIR)
    .withEnvVariable("DOCKER_CONFIG", args.DOCKER_CONFIG_DIR)
    .withEnvVariable("REGISTRY_HOST", registry.host)
    .withEnvVariable("REGISTRY_USERNAME", registry.username)
    .withEnvVariable("COSIGN_YES", "true")
    .withEnvVariable("PIPELINE_SIGN_NONCE", randomUUID());
  if (registry.token) c = c.withSecretVariable("REGISTRY_TOKEN", registry.token);
  else c = c.withEnvVariable("REGISTRY_TOKEN", "");
  if (inputs.key) c = c.withSecretVariable(args.SIGNING_ENV.key, inputs.key);
  if (inputs.password) c = c.withSecretVariable(args.SIGNING_ENV.password, inputs.password);
  else if (inputs.key) c = c.withEnvVariable(args.SIGNING_ENV.password, "");
  if (inputs.identityToken) c = c.withSecretVariable(args.SIGNING_ENV.identityToken, inputs.identityToken);
  return c.withEntrypoint([...args.REGISTRY_AUTH_ENTRYPOINT]);
}

/** Signs the digest and attests each platform's SPDX SBOM on it. Throws with cosign's own error when it fails. */
export async function signImage(cosign: Container, ref: string, sbomDir: Directory | undefined, sbomFiles: readonly string[], mode: args.SigningMode): Promise<string[]> {
  let c = cosign.withExec(args.cosignSignArgs(ref, mode), { useEntrypoint: true });
  const done = [`signed ${ref}`];
  if (sbomDir) {
    c = c.withMountedDirectory(args.SBOM_DIR, sbomDir);
    for (const file of sbomFiles.filter((f) => f.endsWith(".spdx.json"))) {
      c = c.withExec(args.cosignAttestArgs(ref, `${args.SBOM_DIR}/${file}`, "spdxjson", mode), { useEntrypoint: true });
      done.push(`attested ${file} on ${ref}`);
    }
  }
  await c.sync();
  return done;
}

/** Signs release files (checksums.txt): a detached .sig each (and a .pem certificate when keyless). */
export function signBlobs(cosign: Container, dir: Directory, files: readonly string[], mode: args.SigningMode): Directory {
  let c = cosign.withMountedDirectory("/release", dir).withWorkdir("/release");
  for (const file of files) c = c.withExec(args.cosignSignBlobArgs(file, mode), { useEntrypoint: true, expect: ReturnType.Success });
  return c.directory("/release");
}

export interface PublishInputs {
  image: string;
  registryHost: string;
  username: string;
  token: Secret | undefined;
  /** Immutable tag first (it is pushed, then signed, then the others follow). */
  tags: readonly string[];
}

export class PublishError extends Error {
  override readonly name = "PublishError";
  readonly code = "IMAGE_PUBLISH";
}

/** Pushes the multi-arch image under one tag and returns `image@sha256:...`. */
export async function pushTag(images: readonly PlatformImage[], inputs: PublishInputs, tag: string): Promise<string> {
  let publisher = dag.container();
  if (inputs.token) publisher = publisher.withRegistryAuth(inputs.registryHost, inputs.username, inputs.token);
  const ref = await publisher.publish(`${inputs.image}:${tag}`, { platformVariants: images.map((i) => i.container), forcedCompression: ImageLayerCompression.Gzip });
  const digest = /@(sha256:[0-9a-f]{64})$/.exec(ref)?.[1];
  if (!digest) throw new PublishError(`the registry returned ${JSON.stringify(ref)} for ${inputs.image}:${tag}, without a digest`);
  return `${inputs.image}@${digest}`;
}

/** The other tags, after signing; each must land on the same digest, or the release stops saying which moved. */
export async function pushRemainingTags(images: readonly PlatformImage[], inputs: PublishInputs, digestRef: string): Promise<Record<string, string>> {
  const refs: Record<string, string> = { [inputs.tags[0]!]: digestRef };
  const rest = await Promise.all(inputs.tags.slice(1).map(async (tag) => [tag, await pushTag(images, inputs, tag)] as const));
  for (const [tag, ref] of rest) {
    if (ref !== digestRef) throw new PublishError(`${inputs.image}:${tag} was pushed as ${ref}, not ${digestRef}: the tags would point at different images`);
    refs[tag] = ref;
  }
  return refs;
}
