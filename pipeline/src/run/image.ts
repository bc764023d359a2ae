import { dag, type Directory, type Secret } from "@dagger.io/dagger";
import type { GitMetadata } from "../../modules/git/metadata.js";
import { checkPolicy, buildImages, pushRemainingTags, pushTag, sboms, scanImages, signImage, cosignContainer, signingMode, type BuildSettings, type ImageTools, type PlatformImage, type SigningInputs } from "../../modules/image/index.js";
import { formatViolation, type PolicyOptions, type PolicyRule } from "../../modules/image/policy.js";
import { checkDockerfileTarget, checkImageName, checkPlatform, checkRegistryUsername, checkTarget, ImageInputError } from "../../modules/image/refs.js";
import { describeGate } from "../../modules/image/scan.js";
import { tagScheme } from "../../modules/image/tags.js";
import { failedRunLine } from "../../modules/stage.js";
import type { ReleaseVersion } from "../../modules/release/semver.js";
import { CONFIG_FILE, type LoadedProject } from "./load-project.js";
import { publishedImageName } from "../config/image-schema.js";

/** What one call of build, scan-image, sbom, publish or release says about the image, stage by stage. */
export interface ImageReport {
  lines: string[];
  failed: boolean;
}

/** pipeline.yaml's image settings with the older release.* spellings applied, checked before anything builds. */
export interface ImagePlan {
  name: string | undefined;
  registry: string | undefined;
  username: string;
  build: BuildSettings;
  policy: PolicyOptions;
  tags: { mainBranches: readonly string[]; branch: boolean };
  tools: ImageTools;
}

/** Resolves and checks the image settings: every bad value is an error naming its field, before any build. */
export async function planImage(loaded: LoadedProject, overrides: { platforms?: readonly string[] | undefined; registryUsername?: string | undefined } = {}): Promise<ImagePlan> {
  const { config, project, language } = loaded;
  const { image, release } = config;
  const name = publishedImageName(config);
  const parsed = name === undefined ? undefined : checkImageName(image.name ? "image.name" : "release.image", name);
  const platforms = (overrides.platforms ?? image.platforms ?? release.platforms).map((p: string) => checkPlatform(overrides.platforms ? "--platform" : "image.platforms", p));
  const username = checkRegistryUsername("--registry-username", overrides.registryUsername ?? image.registryUsername ?? release.registryUsername);
  const dockerfilePath = image.dockerfile ?? release.dockerfile;
  const dockerfile = project.entries.includes(dockerfilePath) || dockerfilePath.includes("/") ? await readIfFile(loaded, dockerfilePath) : undefined;
  if (image.dockerfile && dockerfile === undefined) {
    throw new ImageInputError(`image.dockerfile: ${image.dockerfile} does not exist in the project.\n  Fix: point image.dockerfile at the project's Dockerfile, or remove it to build from the toolchain.`);
  }
  if (image.target) {
    checkTarget("image.target", image.target);
    if (dockerfile === undefined) throw new ImageInputError(`image.target: ${image.target} is set but there is no Dockerfile to build it from.\n  Fix: remove image.target, or set image.dockerfile.`);
    checkDockerfileTarget(dockerfilePath, dockerfile, image.target);
  }
  if (dockerfile === undefined && language !== "go" && !image.command) {
    throw new ImageInputError(
      `image.command: a ${language} image built without a Dockerfile needs its command.\n` +
        `  Fix: set image.command in ${CONFIG_FILE}, e.g. ${language === "node" ? "[node, dist/main.js]" : "[python, -m, app]"}, or add a Dockerfile.`,
    );
  }
  const title = image.title ?? parsed?.repository.split("/").pop() ?? "app";
  return {
    name,
    registry: parsed?.registry,
    username,
    build: {
      language,
      dockerfile: dockerfile === undefined ? undefined : dockerfilePath,
      target: image.target,
      buildArgs: image.buildArgs,
      platforms,
      title,
      main: image.main,
      command: image.command,
      port: image.port,
      healthcheck: image.healthcheck,
    },
    policy: {
      disabled: new Map(image.policy.disable.map((d: { rule: string; reason: string }) => [d.rule as PolicyRule, d.reason])),
      requiredLabels: image.policy.requiredLabels,
      forbiddenFiles: image.policy.forbiddenFiles,
      allowedFiles: image.policy.allowFiles,
    },
    tags: image.tags,
    tools: config.images,
  };
}

async function readIfFile(loaded: LoadedProject, path: string): Promise<string | undefined> {
  if (!(await loaded.project.source.exists(path))) return undefined;
  return loaded.project.source.file(path).contents();
}

export interface ImageRunInputs {
  git: GitMetadata | undefined;
  /** Without git metadata: why, and its fix (run/git.ts missingGitLine), said in the build's section. */
  gitNote?: string | undefined;
  release: ReleaseVersion | undefined;
  rerun: string | undefined;
  /** YYYY-MM-DD, for the scan's ignore expiry and its daily rescan. */
  today: string;
}

export interface CheckedImage {
  plan: ImagePlan;
  images: PlatformImage[];
  sbom: Directory | undefined;
  sbomFiles: string[];
  report: ImageReport;
}

/** Build → policy → scan → SBOM, in that order: a failing step stops the ones after it, and nothing is pushed. */
export async function buildAndCheck(loaded: LoadedProject, plan: ImagePlan, inputs: ImageRunInputs, steps: { scan: boolean; sbom: boolean }): Promise<CheckedImage> {
  const lines: string[] = [];
  const images = buildImages(loaded.project, plan.build, { git: inputs.git, release: inputs.release, tools: plan.tools });
  const { inspected, violations } = await checkPolicy(images, plan.tools, plan.policy);
  const gitLine = !inputs.git && inputs.gitNote ? `\n- ⚠️ no sha-<short> tag, no revision, created or source label: ${inputs.gitNote}` : "";
  lines.push(`### Image build\n\n${images.map((i) => `- ${i.platform}`).join("\n")}${plan.build.dockerfile ? ` (from ${plan.build.dockerfile}${plan.build.target ? `, target ${plan.build.target}` : ""})` : " (from the toolchain)"}${gitLine}`);
  const off = [...plan.policy.disabled].map(([rule, reason]) => `- ${rule} off: ${reason}`);
  if (violations.length > 0) {
    lines.push(`### ❌ Image policy\n\n${violations.map((v) => `- ${formatViolation(v).replace("\n", "\n ")}`).join("\n")}${off.length ? `\n${off.join("\n")}` : ""}`);
    return { plan, images, sbom: undefined, sbomFiles: [], report: { lines, failed: true } };
  }
  lines.push(`### ✅ Image policy\n\n- ${inspected.length} platform image${inspected.length === 1 ? "" : "s"} checked: user, healthcheck, env, labels, every layer's files${off.length ? `\n${off.join("\n")}` : ""}`);
  const scanSettings = loaded.config.image.scan;
  if (steps.scan && scanSettings.enabled) {
    const scans = await scanImages(images, plan.tools, {
      scanner: scanSettings.scanner,
      rerun: inputs.rerun,
      gate: { failOn: scanSettings.failOn, ignoreUnfixed: scanSettings.ignoreUnfixed, ignore: scanSettings.ignore, today: inputs.today },
    });
    const details: string[] = [];
    const errors: string[] = [];
    for (const scan of scans) {
      if (scan.run.exitCode !== 0) errors.push(`${scan.platform}: ${failedRunLine(scan.run)}`, ...scan.run.stderr.split("\n").filter(Boolean).slice(-5));
      else if (!scan.gate) details.push(`${scan.platform}: ${scanSettings.scanner} wrote no report`);
      else {
        const described = describeGate(scan.platform, scan.gate);
        details.push(...described.details);
        if (scan.gate.failing.length > 0 || scan.gate.expired.length > 0) errors.push(...described.errorLines);
      }
    }
    const failed = errors.length > 0;
    lines.push(`### ${failed ? "❌" : "✅"} Image scan (${scanSettings.scanner}, fail on ${scanSettings.failOn})\n\n${[...details, ...errors].map((l) => `- ${l}`).join("\n")}`);
    if (failed) return { plan, images, sbom: undefined, sbomFiles: [], report: { lines, failed: true } };
  }
  let sbom: Directory | undefined;
  let sbomFiles: string[] = [];
  if (steps.sbom) {
    sbom = sboms(images, plan.tools, plan.name ?? plan.build.title, inputs.release?.version);
    sbomFiles = images.flatMap((i) => [`sbom-${i.platform.replaceAll("/", "-")}.spdx.json`, `sbom-${i.platform.replaceAll("/", "-")}.cdx.json`]);
    // Evaluated here, so a failing syft stops the release before anything is pushed.
    await sbom.sync();
    lines.push(`### ✅ SBOM (syft: SPDX 2.3, CycloneDX 1.6)\n\n${sbomFiles.map((f) => `- ${f}`).join("\n")}`);
  }
  return { plan, images, sbom, sbomFiles, report: { lines, failed: false } };
}

export interface PublishedImage {
  /** `image@sha256:...`, what every tag points at (deploy consumes it). */
  digestRef: string;
  tags: Record<string, string>;
  lines: string[];
}

/**
 * Pushes the immutable tag, signs the digest (and attests the SBOMs), then
 * moves the other tags onto the same digest: a consumer of `latest` never
 * sees an unsigned image. Without signing inputs, the tags follow directly.
 */
export async function publishChecked(checked: CheckedImage, inputs: ImageRunInputs, registry: { token: Secret | undefined }, signing: SigningInputs | undefined): Promise<PublishedImage> {
  const { plan } = checked;
  if (!plan.name || !plan.registry) {
    throw new ImageInputError(`image.name: there is nowhere to publish the image.\n  Fix: add \`image: { name: ghcr.io/<owner>/<name> }\` to ${CONFIG_FILE}.`);
  }
  // Without the commit and a release version there is no tag at all: say why the commit is missing, not which branch to use.
  if (!inputs.git && !inputs.release && inputs.gitNote) throw new ImageInputError(`nothing to tag the image with: ${inputs.gitNote}`);
  const tags = tagScheme({ git: inputs.git, release: inputs.release, mainBranches: plan.tags.mainBranches, branchTags: plan.tags.branch });
  const mode = signing ? signingMode(signing) : undefined;
  const publish = { image: plan.name, registryHost: plan.registry, username: plan.username, token: registry.token, tags };
  const digestRef = await pushTag(checked.images, publish, tags[0]!);
  const lines: string[] = [];
  if (signing && mode) {
    const cosign = cosignContainer(plan.tools, signing, { host: plan.registry, username: plan.username, token: registry.token });
    const signed = await signImage(cosign, digestRef, checked.sbom, checked.sbomFiles, mode);
    lines.push(`### ✅ Signed (cosign, ${mode.keyed ? "key" : "keyless"}${mode.tlog ? ", Rekor" : ", no transparency log"})\n\n${signed.map((s) => `- ${s}`).join("\n")}`);
  }
  const refs = await pushRemainingTags(checked.images, publish, digestRef);
  lines.push(`### 🚀 Published ${digestRef}\n\n| tag | digest |\n| --- | --- |\n${tags.map((t) => `| \`${plan.name}:${t}\` | \`${refs[t]!.split("@")[1]}\` |`).join("\n")}`);
  return { digestRef, tags: refs, lines };
}

/** Today as YYYY-MM-DD (UTC). */
export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** The SBOM directory, or an empty one (for functions returning it). */
export function sbomOrEmpty(checked: CheckedImage): Directory {
  return checked.sbom ?? dag.directory();
}

export interface ImageCall {
  git: GitMetadata | undefined;
  gitNote?: string | undefined;
  rerun?: string | undefined;
  platform?: string | undefined;
}

async function checkedImage(loaded: LoadedProject, call: ImageCall, steps: { scan: boolean; sbom: boolean }, registryUsername?: string): Promise<CheckedImage> {
  const plan = await planImage(loaded, { platforms: call.platform ? [call.platform] : undefined, registryUsername });
  const checked = await buildAndCheck(loaded, plan, { git: call.git, gitNote: call.gitNote, release: undefined, rerun: call.rerun, today: today() }, steps);
  if (checked.report.failed) throw new Error(checked.report.lines.join("\n\n"));
  return checked;
}

/** `build`: the images, once the policy passed. */
export async function buildFunction(loaded: LoadedProject, call: ImageCall): Promise<PlatformImage[]> {
  return (await checkedImage(loaded, call, { scan: false, sbom: false })).images;
}

/** `scan-image`: build, policy, scan; the summary, or a failure with the findings. */
export async function scanImageFunction(loaded: LoadedProject, call: ImageCall): Promise<string> {
  return (await checkedImage(loaded, call, { scan: true, sbom: false })).report.lines.join("\n\n") + "\n";
}

/** `sbom`: the SBOMs of every platform's image. */
export async function sbomFunction(loaded: LoadedProject, call: ImageCall): Promise<Directory> {
  return sbomOrEmpty(await checkedImage(loaded, call, { scan: false, sbom: true }));
}

/** `publish`: build, policy, scan, SBOM, push the tag scheme (signed when a key or token is given); returns `image@sha256:...`. */
export async function publishFunction(loaded: LoadedProject, call: ImageCall, registry: { token: Secret | undefined; username: string | undefined }, signing: Omit<SigningInputs, "transparencyLog"> | undefined): Promise<{ digestRef: string; summary: string }> {
  const withSigning = signing && (signing.key || signing.identityToken) ? { ...signing, transparencyLog: loaded.config.image.sign.transparencyLog } : undefined;
  if (withSigning) signingMode(withSigning);
  const checked = await checkedImage(loaded, call, { scan: true, sbom: true }, registry.username);
  const published = await publishChecked(checked, { git: call.git, gitNote: call.gitNote, release: undefined, rerun: call.rerun, today: today() }, { token: registry.token }, withSigning);
  return { digestRef: published.digestRef, summary: [...checked.report.lines, ...published.lines].join("\n\n") + "\n" };
}

/** `sign`: signs a published digest (an image built elsewhere too). */
export async function signFunction(loaded: LoadedProject, ref: string, registry: { token: Secret | undefined; username: string | undefined }, signing: Omit<SigningInputs, "transparencyLog">): Promise<string> {
  const at = ref.indexOf("@");
  const parsed = checkImageName("--ref", at < 0 ? ref : ref.slice(0, at));
  const inputs = { ...signing, transparencyLog: loaded.config.image.sign.transparencyLog };
  const mode = signingMode(inputs);
  const username = checkRegistryUsername("--registry-username", registry.username ?? loaded.config.image.registryUsername ?? loaded.config.release.registryUsername);
  const cosign = cosignContainer(loaded.config.images, inputs, { host: parsed.registry, username, token: registry.token });
  return (await signImage(cosign, ref, undefined, [], mode)).join("\n") + "\n";
}
