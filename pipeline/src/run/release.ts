import { dag, type Directory, type Secret } from "@dagger.io/dagger";
import type { GitCommit, GitMetadata } from "../../modules/git/metadata.js";
import { cosignContainer, signBlobs, signingMode, type SigningInputs } from "../../modules/image/index.js";
import { sourceDateEpoch } from "../../modules/image/labels.js";
import { digestsOf, daggerTransport, goBinaries, npmPackage, pythonPackages, withChecksumFiles } from "../../modules/release/artifacts.js";
import { renderReleaseNotes } from "../../modules/release/conventional.js";
import { detectTarget, HostedReleaseError, publishGitHub, publishGitLab, type HostedOutcome } from "../../modules/release/hosted.js";
import { readOnly } from "../../modules/release/http-client.js";
import { parseReleaseTag, previousReleaseTag, type ReleaseVersion } from "../../modules/release/semver.js";
import { checkTagAgainstVersion, readDeclaredVersion, VERSION_FILES } from "../../modules/release/version-file.js";
import { readProjectFile } from "../../modules/project.js";
import { buildAndCheck, planImage, publishChecked, today, type ImagePlan } from "./image.js";
import { CONFIG_FILE, loadProject, PipelineUserError, type LoadedProject } from "./load-project.js";
import { runLoadedStages, type CallInputs } from "./stages.js";

/** The history a release reads: every tag of the repository, and the commits since one. */
export interface GitHistory {
  allTags: readonly string[];
  commitsSince(previousTag: string | undefined): Promise<GitCommit[]>;
}

export interface ReleaseInputs extends CallInputs {
  tag: string;
  /** With pipeline.yaml's projects: the one released. */
  project?: string | undefined;
  registryToken: Secret | undefined;
  registryUsername: string | undefined;
  dryRun?: boolean | undefined;
  githubToken?: Secret | undefined;
  gitlabToken?: Secret | undefined;
  signing?: Omit<SigningInputs, "transparencyLog"> | undefined;
  /** The commit being released; the git reader supplies it (pipeline/modules/git). */
  git?: GitMetadata | undefined;
  /** Without git metadata: why and its fix (run/git.ts missingGitLine), said where the release needed the commit. */
  gitNote?: string | undefined;
  history?: GitHistory | undefined;
}

/**
 * Cuts a release: checks the tag, the config, the project's version and the
 * image settings first (nothing runs on bad input), then every gate; then
 * builds, checks, scans and SBOMs the image, pushes it (immutable tag, signed,
 * then the moving tags), builds the artifacts with their checksums and
 * signatures, and creates or completes the GitHub or GitLab release. A dry run
 * builds and checks everything and changes nothing anywhere.
 */
export async function cutRelease(source: Directory, inputs: ReleaseInputs): Promise<string> {
  const version = parseReleaseTag(inputs.tag);
  const loaded = await loadProject(source, inputs.project);
  await checkVersionFile(loaded, version);
  const plan = await planImage(loaded, { registryUsername: inputs.registryUsername });
  if (!plan.name) {
    throw new PipelineUserError(
      `${CONFIG_FILE}: release.image is not set, so there is nowhere to publish ${inputs.tag}.\n` +
        "  Fix: add `release: { image: ghcr.io/<owner>/<name> }` (or image.name) to pipeline.yaml.",
    );
  }
  const dryRun = inputs.dryRun ?? false;
  const hosted = hostedTarget(loaded, inputs, dryRun);
  const transparencyLog = loaded.config.image.sign.transparencyLog;
  const signing = inputs.signing && (inputs.signing.key || inputs.signing.identityToken) ? { ...inputs.signing, transparencyLog } : undefined;
  if (signing) signingMode(signing);

  const gates = await runLoadedStages(loaded, undefined, inputs);
  if (gates.failed) throw new Error(`release ${inputs.tag} stopped before publishing: a gate failed.\n\n${gates.summary}`);

  const run = { git: inputs.git, gitNote: inputs.gitNote, release: version, rerun: inputs.rerun, today: today() };
  const checked = await buildAndCheck(loaded, plan, run, { scan: true, sbom: true });
  const sections = [...checked.report.lines];
  if (checked.report.failed) throw new Error(`release ${inputs.tag} stopped before publishing: the image failed its checks.\n\n${gates.summary}\n${sections.join("\n\n")}\n`);

  if (dryRun) sections.push(`### Dry run: nothing pushed\n\n- would push ${plan.name}:${version.version} and move its other tags onto that digest${signing ? ", signed" : ""}`);
  else sections.push(...(await publishChecked(checked, run, { token: inputs.registryToken }, signing)).lines);

  // A dry run signs nothing either: a signature with the transparency log is a public record.
  const assets = await releaseAssets(loaded, plan, version, inputs, checked.sbom, dryRun ? undefined : signing);
  sections.push(`### Artifacts\n\n| file | sha256 |\n| --- | --- |\n${assets.digests.map((d) => `| ${d.name} | \`${d.sha256}\` |`).join("\n")}`);

  const previous = inputs.history ? previousReleaseTag(version, inputs.history.allTags) : undefined;
  const commits = inputs.history ? await inputs.history.commitsSince(previous) : [];
  const notes = renderReleaseNotes({ tag: inputs.tag, previousTag: previous, commits, webUrl: hosted?.target.webUrl });
  if (hosted) {
    const outcome = await publishHosted(loaded, hosted, version, inputs, notes, assets, dryRun);
    sections.push(`### ${dryRun ? "Dry run: " : ""}${hosted.target.provider === "github" ? "GitHub" : "GitLab"} release\n\n${outcome.actions.map((a) => `- ${dryRun ? "would " : ""}${a}`).join("\n")}\n\n${outcome.url}`);
  } else if (!inputs.history && inputs.gitNote) sections.push(`### Release notes\n\n- ⚠️ none written: ${inputs.gitNote}`);
  else sections.push("### Release notes\n\n" + notes);
  return `${gates.summary}\n## 🚀 ${dryRun ? "Dry run of" : "Released"} ${inputs.tag}\n\n${sections.join("\n\n")}\n`;
}

async function checkVersionFile(loaded: LoadedProject, version: ReleaseVersion): Promise<void> {
  const configured = loaded.config.release.versionFile;
  const candidates = configured ? [configured] : VERSION_FILES.filter((f) => loaded.project.entries.includes(f));
  for (const path of candidates) {
    const text = await readProjectFile(loaded.project, path);
    if (text === undefined) {
      if (configured) throw new PipelineUserError(`${CONFIG_FILE}: release.versionFile ${configured} does not exist.\n  Fix: point it at the file holding the version, or remove it.`);
      continue;
    }
    try {
      checkTagAgainstVersion(version.version, path, readDeclaredVersion(path, text));
    } catch (error) {
      throw new PipelineUserError((error as Error).message);
    }
    // The first file that declares one decides (package.json before pyproject.toml before VERSION).
    if (readDeclaredVersion(path, text) !== undefined) return;
  }
}

interface Hosted {
  target: NonNullable<ReturnType<typeof detectTarget>>;
  token: Secret | undefined;
}

function hostedTarget(loaded: LoadedProject, inputs: ReleaseInputs, dryRun: boolean): Hosted | undefined {
  const settings = loaded.config.release;
  const target = detectTarget(inputs.git?.remoteUrl, settings);
  if (!target) return undefined;
  const token = target.provider === "github" ? inputs.githubToken : inputs.gitlabToken;
  const flag = target.provider === "github" ? "--github-token" : "--gitlab-token";
  if (!token && !dryRun) {
    // Detected, not asked for: a release of the image alone is a fair wish. Asked for: a missing token is a mistake.
    if (!settings.provider) return undefined;
    throw new PipelineUserError(`release.provider is ${target.provider} but no ${flag} was given.\n  Fix: pass ${flag} env://${target.provider === "github" ? "GITHUB_TOKEN" : "GITLAB_TOKEN"}, or --dry-run to see what would be done.`);
  }
  if (!inputs.git) {
    throw new HostedReleaseError(
      `a ${target.provider} release needs the commit being released: ${inputs.gitNote ?? "no git metadata. Fix: pass the checkout with --git=."} (or set release.provider: none)`,
    );
  }
  return { target, token };
}

interface ReleaseAssets {
  dir: Directory;
  digests: { name: string; sha256: string; sha512: string }[];
}

/** Binaries, packages and SBOMs, checksums over them, signatures of the checksums: every file the release attaches. */
async function releaseAssets(loaded: LoadedProject, plan: ImagePlan, version: ReleaseVersion, inputs: ReleaseInputs, sbom: Directory | undefined, signing: SigningInputs | undefined): Promise<ReleaseAssets> {
  const { config, project, language } = loaded;
  const epoch = sourceDateEpoch(inputs.git);
  let dist = dag.directory();
  if (config.release.binaries.length > 0) dist = dist.withDirectory(".", goBinaries(project, config.images, config.release.binaries, version.version, epoch));
  if (config.release.packages && language === "node") {
    const pkg = JSON.parse((await readProjectFile(project, "package.json")) ?? "{}") as { private?: boolean };
    if (!pkg.private) dist = dist.withDirectory(".", npmPackage(project, config.images));
  }
  if (config.release.packages && language === "python" && project.entries.includes("pyproject.toml")) dist = dist.withDirectory(".", pythonPackages(project, config.images, epoch));
  if (sbom) dist = dist.withDirectory(".", sbom);
  const listed = await digestsOf(dist, config.images);
  let final = withChecksumFiles(dist, listed);
  if (signing) {
    const cosign = cosignContainer(plan.tools, signing, { host: plan.registry ?? "", username: plan.username, token: inputs.registryToken });
    final = signBlobs(cosign, final, ["checksums.txt", "checksums-sha512.txt"], signingMode(signing));
  }
  return { dir: final, digests: await digestsOf(final, config.images) };
}

async function publishHosted(loaded: LoadedProject, hosted: Hosted, version: ReleaseVersion, inputs: ReleaseInputs, notes: string, assets: ReleaseAssets, dryRun: boolean): Promise<HostedOutcome> {
  const release = {
    tag: inputs.tag,
    commit: inputs.git!.sha,
    name: inputs.tag,
    notes,
    prerelease: version.prerelease !== undefined,
    assets: assets.digests.map((d) => ({ name: d.name, path: `/assets/${d.name}`, sha256: d.sha256 })),
  };
  if (dryRun && !hosted.token) {
    return { url: `${hosted.target.webUrl}`, actions: [`create or complete the release ${inputs.tag} (no token given: nothing was asked of ${hosted.target.provider})`, ...release.assets.map((a) => `attach ${a.name}`)] };
  }
  const transport = daggerTransport(loaded.config.images.node, assets.dir, hosted.token, hosted.target.provider === "github" ? "bearer" : "private-token");
  const guarded = dryRun ? readOnly(transport) : transport;
  return hosted.target.provider === "github" ? publishGitHub(guarded, hosted.target, release, dryRun) : publishGitLab(guarded, hosted.target, release, version.version, dryRun);
}
