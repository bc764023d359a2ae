import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dag } from "@dagger.io/dagger";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordRun } from "../../cli/recording-engine/run.js";
import { importFromRuntimeView } from "../../cli/runtime-view/load.js";
import { headArgs } from "../../pipeline/modules/git/args.js";
import type { GitMetadata } from "../../pipeline/modules/git/metadata.js";
import * as args from "../../pipeline/modules/image/args.js";
import { buildInputs, type BuildInputs } from "../../pipeline/modules/image/build-inputs.js";
import { inspectArgs, parseInspection } from "../../pipeline/modules/image/inspect.js";
import { checkImagePolicy } from "../../pipeline/modules/image/policy.js";
import { tagScheme } from "../../pipeline/modules/image/tags.js";
import { GO_SCAN_TOOLS, IMAGES } from "../../pipeline/modules/pins.js";
import { parseReleaseTag } from "../../pipeline/modules/release/semver.js";
import { copyExample, REPO } from "../helpers/examples.js";
import { commitAll, GIT_ARGUMENT_EXCLUDE, gitIn, realGitOutcomes } from "../helpers/git.js";
import { findTool, TOOLS_HOME } from "../helpers/deploy-host.js";
import { imageHostUnavailable, startImageHost, type ImageHost } from "../helpers/image-host.js";

/**
 * The image stages with the real tools, against a real Docker Engine and a
 * real registry on 127.0.0.1 (helpers/image-host.ts): the project's
 * Dockerfile built per platform with exactly the build args, target and
 * labels the pipeline gives Dagger's build (buildInputs, planImage), pushed
 * as one multi-arch index under the pipeline's tag scheme; then crane reads
 * back labels, user, healthcheck and the tag→digest map, the pipeline's own
 * policy script lists the pushed image's layers, syft writes the SBOMs
 * (checked against the SPDX 2.3 and CycloneDX 1.6 schemas), and cosign signs,
 * attests and verifies through the pipeline's registry-auth script with a
 * generated key pair. Every tool argv is the module's own builder's.
 *
 * Stand-ins, named: no image can be pulled here, so the Dockerfile's build
 * stage is a local image of the binaries the test cross-compiles (`docker
 * import`), as the example's golang stage would compile them. Debian's Docker
 * 20.10 holds one platform per image, so each platform is pushed to a
 * staging repository and `docker manifest` joins them, where Dagger pushes
 * the index at once. What cannot run here (the vulnerability databases'
 * download) is tested on ../shared/fixtures (test/unit/image/policy-scan.test.ts).
 */

/** A planted registry password: it must show in no argv, output or SBOM. */
const TOKEN = "registry-token-3c9e71d2a4";
const KEY_PASSWORD = "cosign-key-password-51b7";
const TAG = "v1.2.0";

const unavailable = await imageHostUnavailable();
if (unavailable) console.warn(`skipping the image real-tool tests: ${unavailable}`);
const host: ImageHost | undefined = unavailable ? undefined : await startImageHost(TOKEN);
afterAll(() => host?.stop());
if (host?.daemonProblem) console.warn(`skipping the Docker build tests: dockerd did not start: ${host.daemonProblem}`);

const tool = async (name: string) => (await findTool(name)) ?? name;
const bin = { crane: await tool("crane"), cosign: await tool("cosign"), syft: await tool("syft") };
/** The tools' argv as the module builds them, with the binary found here; every one run is kept for the token check. */
const ran: { argv: string[]; output: string }[] = [];

async function run(argv: readonly string[], env: Record<string, string> = {}, options: { reject?: boolean; cwd?: string } = {}) {
  const [name, ...rest] = argv;
  const file = name! in bin ? bin[name as keyof typeof bin] : name!;
  const done = await execa(file, rest, { env: { PATH: process.env["PATH"] ?? "", HOME, ...env }, extendEnv: false, reject: false, timeout: 300_000, cwd: options.cwd });
  ran.push({ argv: [...argv], output: `${done.stdout}\n${done.stderr}` });
  if (done.exitCode !== 0 && options.reject !== false) throw new Error(`${argv.join(" ")} failed with exit code ${done.exitCode}:\n${done.stderr}`);
  return done;
}

/** Every folder the tests make outside a test (keys, SBOMs, layouts), removed with the daemons' when the file ends. */
const WORK = mkdtempSync(join(tmpdir(), "image-test-"));
afterAll(() => rmSync(WORK, { recursive: true, force: true }));
const workDir = (prefix: string) => mkdtempSync(join(WORK, prefix));
/** A HOME of the test's own: cosign and syft write caches there, never in the real one. */
const HOME = workDir("home-");

/** Debian's docker CLI on the test's daemon, its argv and output kept with the others. */
async function docker(argv: string[], options: { cwd?: string } = {}): Promise<string> {
  const output = await host!.docker(argv, options);
  ran.push({ argv: ["docker", ...argv], output });
  return output;
}

const craneEnv = () => ({ DOCKER_CONFIG: host!.dockerConfig });
const crane = async (...argv: string[]) => (await run(["crane", ...argv], craneEnv())).stdout.trim();

/**
 * The project's Dockerfile, the example's shape: a build stage on the build machine's platform (here a local
 * image of the cross-compiled binaries), then a non-root runtime stage with the binary and its own healthcheck.
 */
const DOCKERFILE = `FROM --platform=$BUILDPLATFORM pipeline-test/go-service-binaries:local AS build

FROM scratch AS runtime
ARG TARGETOS TARGETARCH
ARG VERSION=dev
ARG REVISION=unknown
ARG HTTP_PORT=80
ENV APP_VERSION=\${VERSION} APP_REVISION=\${REVISION}
COPY --from=build /out/\${TARGETOS}-\${TARGETARCH}/server /app/server
USER 65532:65532
EXPOSE \${HTTP_PORT}
HEALTHCHECK --interval=30s --timeout=5s --start-period=5s --retries=3 CMD ["/app/server", "-healthcheck", "-addr", ":8080"]
ENTRYPOINT ["/app/server"]
CMD ["-addr", ":8080"]

# After the target, so never built: it would run as root.
FROM runtime AS debug
USER 0:0
`;

type Plan = Awaited<ReturnType<typeof import("../../pipeline/src/run/image.js").planImage>>;

/** planImage on the project, as every image function resolves pipeline.yaml (its checks included). */
async function planOf(root: string): Promise<Plan> {
  const run = await recordRun(async () => {
    const { planImage } = await importFromRuntimeView<typeof import("../../pipeline/src/run/image.js")>("src/run/image.ts");
    const { loadProject } = await importFromRuntimeView<typeof import("../../pipeline/src/run/load-project.js")>("src/run/load-project.ts");
    return planImage(await loadProject(dag.host().directory(root, { exclude: ["**/.git"] })));
  });
  if (run.error) throw run.error as Error;
  return run.result!;
}

/** The commit, read by the module's git reader from the checkout (the real git answering its argv). */
async function commitOf(root: string): Promise<GitMetadata> {
  const execOutcome = await realGitOutcomes(root, [headArgs()]);
  const run = await recordRun(async () => {
    const { readGitMetadata } = await importFromRuntimeView<typeof import("../../pipeline/modules/git/read.js")>("modules/git/read.ts");
    return readGitMetadata({ checkout: dag.host().directory(root, { exclude: GIT_ARGUMENT_EXCLUDE }), image: IMAGES.git });
  }, { execOutcome });
  const metadata = run.result?.metadata;
  if (!metadata) throw new Error(`no git metadata: ${run.error ? (run.error as Error).message : run.result?.notes.join("; ")}`);
  return metadata;
}

/** What Dagger's Directory.dockerBuild (platform, target, build args) and withLabel get, as docker CLI flags. */
function dockerBuildArgv(dockerfile: string, target: string | undefined, platform: string, inputs: BuildInputs, tag: string): string[] {
  return [
    "build",
    "--network=none",
    "--file",
    dockerfile,
    "--platform",
    platform,
    ...(target ? ["--target", target] : []),
    ...inputs.buildArgs.flatMap((a) => ["--build-arg", `${a.name}=${a.value}`]),
    ...Object.entries(inputs.labels).flatMap(([name, value]) => ["--label", `${name}=${value}`]),
    "--tag",
    tag,
    ".",
  ];
}

/** A static binary of the example for one platform, with the version the build gives it. */
async function goBinary(root: string, platform: string, version: string, out: string): Promise<void> {
  const [os, arch] = platform.split("/") as [string, string];
  await execa("go", ["build", "-trimpath", `-ldflags=-s -w -X main.version=${version}`, "-o", out, "."], {
    cwd: root,
    env: { CGO_ENABLED: "0", GOOS: os, GOARCH: arch, GOFLAGS: "-buildvcs=false" },
  });
}

/** A checkout of the Go example with the local Dockerfile, committed and tagged for the release. */
async function releaseCheckout(registry: string): Promise<string> {
  const root = copyExample("go-service", {
    Dockerfile: DOCKERFILE,
    "pipeline.yaml": `image:\n  name: ${registry}/acme/go-service\n  target: runtime\n  buildArgs: { HTTP_PORT: "8080" }\nrelease:\n  provider: none\n`,
  });
  await commitAll(root, "main", "feat: serve version ranges");
  await gitIn(root, "tag", TAG);
  await gitIn(root, "remote", "add", "origin", "https://github.com/acme/go-service.git");
  return root;
}

const release = parseReleaseTag(TAG);

describe.skipIf(!host?.dockerHost)("the image, built by Docker Engine and published to a local registry", { timeout: 300_000 }, () => {
  const state = {} as {
    root: string;
    plan: Plan;
    git: GitMetadata;
    tags: string[];
    inputs: BuildInputs;
    /** Each platform's manifest digest. */
    platforms: Record<string, string>;
    digestRef: string;
    tagDigests: Record<string, string>;
    keys: { dir: string; other: string };
    sboms: Record<string, { spdx: string; cyclonedx: string }>;
    signEnv: Record<string, string>;
  };
  // The checkout is made in beforeAll, outside any test that would remove it.
  afterAll(() => state.root && rmSync(state.root, { recursive: true, force: true }));

  beforeAll(async () => {
    const h = host!;
    state.root = await releaseCheckout(h.registry);
    state.git = await commitOf(state.root);
    state.plan = await planOf(state.root);
    const { plan, git } = state;
    state.tags = tagScheme({ git, release, mainBranches: plan.tags.mainBranches, branchTags: plan.tags.branch });
    state.inputs = buildInputs(plan.build.buildArgs, plan.build.title, git, release);
    const version = state.inputs.buildArgs.find((a) => a.name === "VERSION")!.value;

    // The build stage's image: the binaries of every platform, cross-compiled here.
    const base = workDir("go-service-binaries-");
    for (const platform of plan.build.platforms) await goBinary(state.root, platform, version, join(base, "out", platform.replace("/", "-"), "server"));
    await execa("tar", ["-C", base, "--sort=name", "--owner=0", "--group=0", "--numeric-owner", "-cf", join(base, "rootfs.tar"), "out"]);
    await docker(["import", join(base, "rootfs.tar"), "pipeline-test/go-service-binaries:local"]);

    // Each platform built as the pipeline builds it, then pushed to the staging repository.
    const staging = `${plan.name}-platforms`;
    state.platforms = {};
    for (const platform of plan.build.platforms) {
      const tag = `${staging}:${platform.replace("/", "-")}`;
      await docker(dockerBuildArgv(plan.build.dockerfile!, plan.build.target, platform, state.inputs, tag), { cwd: state.root });
      await docker(["push", "--quiet", tag]);
      state.platforms[platform] = (await docker(["inspect", "--format", "{{index .RepoDigests 0}}", tag])).trim().split("@")[1]!;
    }
    const pushIndex = async (tag: string) => {
      const ref = `${plan.name}:${tag}`;
      await docker(["manifest", "create", "--insecure", ref, ...plan.build.platforms.map((p) => `${staging}@${state.platforms[p]}`)]);
      const digest = (await docker(["manifest", "push", "--insecure", "--purge", ref])).trim().split("\n").pop()!;
      return `${plan.name}@${digest}`;
    };

    // The immutable tag first; then the SBOMs, the signature and the attestations on its digest; then the moving tags.
    state.digestRef = await pushIndex(state.tags[0]!);
    const sbomDir = workDir("sbom-");
    state.sboms = {};
    for (const platform of plan.build.platforms) {
      const files = { spdx: join(sbomDir, `sbom-${platform.replace("/", "-")}.spdx.json`), cyclonedx: join(sbomDir, `sbom-${platform.replace("/", "-")}.cdx.json`) };
      await run(args.syftArgs(`registry:${plan.name}@${state.platforms[platform]}`, plan.name!, release.version, files), {
        DOCKER_CONFIG: h.dockerConfig,
        SYFT_REGISTRY_INSECURE_USE_HTTP: "true",
        SYFT_CHECK_FOR_APP_UPDATE: "false",
      });
      state.sboms[platform] = { spdx: readFileSync(files.spdx, "utf8"), cyclonedx: readFileSync(files.cyclonedx, "utf8") };
    }

    state.keys = { dir: workDir("cosign-keys-"), other: workDir("cosign-other-") };
    for (const dir of [state.keys.dir, state.keys.other]) await run(["cosign", "generate-key-pair"], { COSIGN_PASSWORD: KEY_PASSWORD }, { cwd: dir });
    // What cosignContainer gives the signing execs: credentials as variables, a Docker config folder of its own.
    const signingConfig = workDir("docker-config-");
    state.signEnv = {
      DOCKER_CONFIG: signingConfig,
      REGISTRY_HOST: h.registry,
      REGISTRY_USERNAME: h.username,
      REGISTRY_TOKEN: h.token,
      COSIGN_YES: "true",
      [args.SIGNING_ENV.key]: readFileSync(join(state.keys.dir, "cosign.key"), "utf8"),
      [args.SIGNING_ENV.password]: KEY_PASSWORD,
    };
    const mode = { keyed: true, tlog: false };
    await run([...args.REGISTRY_AUTH_ENTRYPOINT, ...args.cosignSignArgs(state.digestRef, mode)], state.signEnv);
    for (const platform of plan.build.platforms) {
      await run([...args.REGISTRY_AUTH_ENTRYPOINT, ...args.cosignAttestArgs(state.digestRef, join(sbomDir, `sbom-${platform.replace("/", "-")}.spdx.json`), "spdxjson", mode)], state.signEnv);
    }

    state.tagDigests = { [state.tags[0]!]: state.digestRef };
    for (const tag of state.tags.slice(1)) state.tagDigests[tag] = await pushIndex(tag);
  }, 600_000);

  it("resolves pipeline.yaml and the commit as the pipeline does: the release's tags, labels and build args", () => {
    const { plan, git, tags, inputs } = state;
    expect(plan.build).toMatchObject({ dockerfile: "Dockerfile", target: "runtime", platforms: ["linux/amd64", "linux/arm64"], title: "go-service" });
    expect(git).toMatchObject({ branch: "main", tags: [TAG], remoteUrl: "https://github.com/acme/go-service" });
    expect(tags).toEqual(["1.2.0", "1.2", "1", "latest", `sha-${git.shortSha}`]);
    expect(inputs.buildArgs.map((a) => a.name)).toEqual(["HTTP_PORT", "VERSION", "REVISION", "SOURCE_DATE_EPOCH"]);
  });

  it("publishes one multi-arch index under every tag, all on the digest the immutable tag got", async () => {
    const { plan, tags, digestRef } = state;
    const digest = digestRef.split("@")[1]!;
    expect(state.tagDigests).toEqual(Object.fromEntries(tags.map((t) => [t, digestRef])));
    for (const tag of tags) expect(await crane("digest", `${plan.name}:${tag}`)).toBe(digest);
    // The repository holds the scheme's tags and cosign's signature and attestation of that digest, nothing else.
    const cosignTag = digest.replace(":", "-");
    expect((await crane("ls", plan.name!)).split("\n").sort()).toEqual([...tags, `${cosignTag}.att`, `${cosignTag}.sig`].sort());
    const index = JSON.parse(await crane("manifest", digestRef)) as { manifests: { digest: string; platform: { os: string; architecture: string } }[] };
    expect(index.manifests.map((m) => [`${m.platform.os}/${m.platform.architecture}`, m.digest]).sort()).toEqual(Object.entries(state.platforms).sort());
  });

  it("gives each platform the commit's OCI labels, the non-root user, the healthcheck and the build args", async () => {
    const { plan, git, digestRef } = state;
    for (const platform of plan.build.platforms) {
      const config = JSON.parse(await crane("config", "--platform", platform, digestRef)) as {
        os: string;
        architecture: string;
        config: { Labels: Record<string, string>; User: string; Healthcheck: { Test: string[]; Retries: number }; Env: string[]; ExposedPorts: Record<string, unknown> };
      };
      expect(`${config.os}/${config.architecture}`).toBe(platform);
      expect(config.config.Labels).toEqual({
        "org.opencontainers.image.title": "go-service",
        "org.opencontainers.image.version": "1.2.0",
        "org.opencontainers.image.revision": git.sha,
        "org.opencontainers.image.created": git.commitTime,
        "org.opencontainers.image.source": "https://github.com/acme/go-service",
      });
      expect(config.config.User).toBe("65532:65532");
      expect(config.config.Healthcheck).toMatchObject({ Test: ["CMD", "/app/server", "-healthcheck", "-addr", ":8080"], Retries: 3 });
      expect(config.config.Env).toEqual(expect.arrayContaining(["APP_VERSION=1.2.0", `APP_REVISION=${git.sha}`]));
      expect(config.config.ExposedPorts).toEqual({ "8080/tcp": {} });
    }
  });

  it("passes the pipeline's image policy, run by its own script on the pushed image's layout", async () => {
    const layout = workDir("pulled-");
    await crane("pull", "--format=oci", state.digestRef, join(layout, "oci"));
    await execa("tar", ["-C", join(layout, "oci"), "-cf", join(layout, "image.tar"), "."]);
    const listed = await run(inspectArgs(join(layout, "image.tar")));
    const inspected = parseInspection(listed.stdout);
    expect(inspected.map((i) => i.platform).sort()).toEqual([...state.plan.build.platforms].sort());
    expect(inspected.every((i) => i.layers.some((l) => l.files.includes("app/server")))).toBe(true);
    expect(checkImagePolicy(inspected, state.plan.policy)).toEqual([]);
  });

  it("writes each platform's SBOMs: SPDX 2.3 and CycloneDX 1.6 by the specifications' schemas, listing the service's module", async (ctx) => {
    const validators = await sbomValidators();
    if (!validators) return ctx.skip("no lib4sbom in the Python on PATH or the tools virtualenv (tools/requirements.txt)");
    for (const platform of state.plan.build.platforms) {
      const spdx = JSON.parse(state.sboms[platform]!.spdx) as { spdxVersion: string; name: string; packages: { name: string; versionInfo?: string }[] };
      expect(validators.spdx(spdx), JSON.stringify(validators.spdx.errors)).toBe(true);
      expect(spdx.spdxVersion).toBe("SPDX-2.3");
      expect(spdx.packages.map((p) => p.name)).toContain("example.com/go-service");
      const cdx = JSON.parse(state.sboms[platform]!.cyclonedx) as { specVersion: string; metadata: { component: { name: string; version: string } }; components: { name: string }[] };
      expect(validators.cyclonedx(cdx), JSON.stringify(validators.cyclonedx.errors)).toBe(true);
      expect(cdx.specVersion).toBe("1.6");
      expect(cdx.metadata.component).toMatchObject({ name: state.plan.name, version: "1.2.0" });
      expect(cdx.components.map((c) => c.name)).toContain("example.com/go-service");
    }
  });

  it("signs and attests the digest through the registry-auth script: verified with the key pair's public key, refused with another", async () => {
    const { digestRef, keys, signEnv } = state;
    const publicKey = join(keys.dir, "cosign.pub");
    const verified = await run([...args.REGISTRY_AUTH_ENTRYPOINT, ...args.cosignVerifyArgs(digestRef, publicKey, false)], signEnv);
    const claims = JSON.parse(verified.stdout) as { critical: { image: { "docker-manifest-digest": string } } }[];
    expect(claims.map((c) => c.critical.image["docker-manifest-digest"])).toEqual([digestRef.split("@")[1]]);
    const attested = await run([...args.REGISTRY_AUTH_ENTRYPOINT, ...args.cosignVerifyAttestationArgs(digestRef, publicKey, "spdxjson", false)], signEnv);
    // One in-toto statement per platform's SPDX SBOM, each on the index's digest.
    const statements = attested.stdout.trim().split("\n").map((line) => JSON.parse(Buffer.from((JSON.parse(line) as { payload: string }).payload, "base64").toString()) as { predicateType: string; subject: { digest: { sha256: string } }[] });
    expect(statements).toHaveLength(state.plan.build.platforms.length);
    for (const s of statements) {
      expect(s.predicateType).toBe("https://spdx.dev/Document");
      expect(s.subject[0]!.digest.sha256).toBe(digestRef.split(":").pop());
    }
    const other = await run([...args.REGISTRY_AUTH_ENTRYPOINT, ...args.cosignVerifyArgs(digestRef, join(keys.other, "cosign.pub"), false)], signEnv, { reject: false });
    expect(other.exitCode).not.toBe(0);
    expect(other.stderr).toMatch(/no matching signatures|invalid signature/i);
  });

  it("never puts the registry token or the key password in an argv, an output or an SBOM", () => {
    expect(ran.length).toBeGreaterThan(8);
    for (const { argv, output } of ran) {
      for (const secret of [TOKEN, KEY_PASSWORD]) {
        expect(argv.join(" ")).not.toContain(secret);
        expect(output).not.toContain(secret);
      }
    }
    expect(JSON.stringify(state.sboms)).not.toContain(TOKEN);
  });
});

/**
 * Docker 20.10's builder writes the clock into the config (`created`, each
 * history entry) and ignores SOURCE_DATE_EPOCH, so two Docker builds of one
 * commit differ; the engine the pipeline runs on (BuildKit) takes it. This
 * is the crane stand-in: the image assembled twice from one commit with the
 * pipeline's inputs (its labels, the layer's times at SOURCE_DATE_EPOCH)
 * must push as the same digest, and another commit as another.
 */
describe.skipIf(!host)("two builds of one commit publish the same digest (crane, no daemon)", { timeout: 300_000 }, () => {
  it("assembles the same bytes from one commit, and other bytes from the next commit", async () => {
    const root = await releaseCheckout(host!.registry);
    const plan = await planOf(root);
    const assemble = async (git: GitMetadata, tag: string) => {
      const inputs = buildInputs(plan.build.buildArgs, plan.build.title, git, release);
      const epoch = inputs.buildArgs.find((a) => a.name === "SOURCE_DATE_EPOCH")!.value;
      const dir = workDir("repro-");
      mkdirSync(join(dir, "app"));
      await goBinary(root, "linux/amd64", inputs.buildArgs.find((a) => a.name === "VERSION")!.value, join(dir, "app", "server"));
      await execa("tar", ["-C", dir, "--sort=name", `--mtime=@${epoch}`, "--owner=0", "--group=0", "--numeric-owner", "--format=gnu", "-cf", join(dir, "layer.tar"), "app"]);
      const ref = `${plan.name}:${tag}`;
      await crane("append", "--oci-empty-base", "-f", join(dir, "layer.tar"), "-t", ref);
      const labels = Object.entries(inputs.labels).flatMap(([k, v]) => ["--label", `${k}=${v}`]);
      await crane("mutate", ref, "--set-platform", "linux/amd64", "--user", "65532:65532", "--entrypoint", "/app/server", ...labels, "-t", ref);
      return crane("digest", ref);
    };
    const first = await commitOf(root);
    const once = await assemble(first, "build-1");
    expect(await assemble(first, "build-2")).toBe(once);
    await gitIn(root, "commit", "--allow-empty", "-q", "-m", "fix: answer 404 for unknown ranges");
    const next = await commitOf(root);
    expect(next.sha).not.toBe(first.sha);
    expect(await assemble(next, "build-3")).not.toBe(once);
  });
});

describe("the image tools the tests build", () => {
  it("are pinned in tools/go-tools.txt at the versions of the images the pipeline runs (IMAGES.syft, IMAGES.cosign)", () => {
    const goTools = readFileSync(`${REPO}tools/go-tools.txt`, "utf8").split("\n").map((l) => l.split(/\s+/)[0]!).filter((l) => l && !l.startsWith("#"));
    const version = (image: string) => /:(v[\d.]+)@sha256:/.exec(image)![1]!;
    expect(goTools).toContain(`github.com/anchore/syft/cmd/syft@${version(IMAGES.syft)}`);
    expect(goTools).toContain(`github.com/sigstore/cosign/v2/cmd/cosign@${version(IMAGES.cosign)}`);
    expect(goTools.some((t) => t.startsWith("github.com/google/go-containerregistry/cmd/crane@v"))).toBe(true);
    // The scan tools' own agreement is test/tools/scan.test.ts's; this one only checks they are still listed beside.
    expect(goTools).toEqual(expect.arrayContaining([...GO_SCAN_TOOLS]));
  });
});

/** ajv validators of the SPDX 2.3 and CycloneDX 1.6 JSON schemas lib4sbom ships, or undefined without it. */
async function sbomValidators(): Promise<{ spdx: ValidateFunction; cyclonedx: ValidateFunction } | undefined> {
  const find = "import importlib.util as u; s = u.find_spec('lib4sbom'); print(s.submodule_search_locations[0] if s else '')";
  let dir: string | undefined;
  for (const python of ["python3", join(TOOLS_HOME, "bin", "python")]) {
    const found = await execa(python, ["-c", find], { reject: false }).catch(() => undefined);
    if (found?.exitCode === 0 && String(found.stdout).trim()) {
      dir = join(String(found.stdout).trim(), "schemas");
      break;
    }
  }
  if (!dir) return undefined;
  const schema = (path: string) => JSON.parse(readFileSync(join(dir, path), "utf8")) as object;
  // ajv-formats is CommonJS: its default export is wrapped under NodeNext.
  const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;
  // Not strict: CycloneDX's schema carries annotations of its own (meta:enum) that strict mode refuses as unknown keywords.
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  // CycloneDX's two formats ajv-formats lacks, by their RFCs' character rules (RFC 3987 §2.2 excludes these, RFC 6531 needs one @).
  ajv.addFormat("iri-reference", (value: string) => !/[\s<>"{}|\\^`]/u.test(value));
  ajv.addFormat("idn-email", (value: string) => /^[^\s@]+@[^\s@]+$/u.test(value));
  ajv.addSchema(schema("cyclonedx/spdx.schema.json"));
  ajv.addSchema(schema("cyclonedx/jsf-0.82.schema.json"));
  return { spdx: ajv.compile(schema("spdx/2.3-schema.json")), cyclonedx: ajv.compile(schema("cyclonedx/bom-1.6.schema.json")) };
}
