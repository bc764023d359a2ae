import type { GitMetadata } from "../git/metadata.js";
import { imageTags, type ReleaseVersion } from "../release/semver.js";

/** The tag grammar of the distribution spec: what a registry accepts after the colon. */
export const TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

export interface TagSchemeOptions {
  git: GitMetadata | undefined;
  /** Set on a release: X.Y.Z, X.Y, X, latest and sha-<short> (a prerelease only its own tag). */
  release: ReleaseVersion | undefined;
  /** Branches whose builds get `sha-<short>` (the main line). */
  mainBranches: readonly string[];
  /** Also tag every build with its branch name (made tag-safe). */
  branchTags: boolean;
}

export class ImageTagError extends Error {
  override readonly name = "ImageTagError";
  readonly code = "IMAGE_TAG";
}

/**
 * Every tag one build publishes; all of them point at one digest. The first
 * is immutable (`sha-<short>` or the exact version): the one pushed before
 * signing, so the moving tags appear only once the digest is signed.
 */
export function tagScheme(options: TagSchemeOptions): string[] {
  const { git, release } = options;
  // A prerelease moves nothing and claims no commit tag: sha-<short> is the main build's immutable tag, on its own digest.
  if (release?.prerelease !== undefined) return [release.version];
  const tags: string[] = [];
  if (release) tags.push(...imageTags(release));
  if (git && (release || (git.branch !== undefined && options.mainBranches.includes(git.branch)))) tags.push(`sha-${git.shortSha}`);
  if (options.branchTags && git?.branch) {
    const tag = branchTag(git.branch);
    if (tags.includes(tag) || tag === "latest" || /^\d+(\.\d+){0,2}$/.test(tag) || tag.startsWith("sha-")) {
      throw new ImageTagError(
        `branch ${JSON.stringify(git.branch)} would be tagged ${JSON.stringify(tag)}, which the version or commit tags own.\n` +
          "  Fix: rename the branch, or set image.tags.branch: false in pipeline.yaml.",
      );
    }
    tags.push(tag);
  }
  if (tags.length === 0) {
    const where = git ? (git.branch ? `branch ${JSON.stringify(git.branch)}` : "a detached commit") : "a source without git metadata";
    throw new ImageTagError(
      `nothing to tag on ${where}: sha-<short> tags are for ${options.mainBranches.join(", ")} builds, versions for releases.\n` +
        "  Fix: publish from the main branch, release with --tag vX.Y.Z, or set image.tags.branch: true to tag branch builds.",
    );
  }
  // The immutable tag first: sha on a branch build, the exact version on a release.
  return release ? [release.version, ...tags.filter((t) => t !== release.version)] : tags;
}

/** A branch name as a tag: characters a tag cannot hold become "-", at most 128, never starting with "." or "-". */
export function branchTag(branch: string): string {
  const tag = branch.replace(/[^A-Za-z0-9_.-]+/g, "-").replace(/^[.-]+/, "").slice(0, 128).replace(/[.-]+$/, "");
  if (!TAG_PATTERN.test(tag)) {
    throw new ImageTagError(`branch ${JSON.stringify(branch)} has no character a tag can hold.\n  Fix: set image.tags.branch: false, or rename the branch.`);
  }
  return tag;
}
