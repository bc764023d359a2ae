/** A release tag, parsed by the Semantic Versioning 2.0.0 grammar (with the customary leading "v"). */
export interface ReleaseVersion {
  tag: string;
  /** The version without the "v": what images and artifacts are tagged with. */
  version: string;
  major: number;
  minor: number;
  patch: number;
  prerelease: string | undefined;
  build: string | undefined;
}

const NUMBER = "(0|[1-9]\\d*)";
const PRERELEASE_ID = "(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)";
const SEMVER_TAG = new RegExp(
  `^v${NUMBER}\\.${NUMBER}\\.${NUMBER}` +
    `(?:-(${PRERELEASE_ID}(?:\\.${PRERELEASE_ID})*))?` +
    `(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$`,
);

/** Thrown for a tag that is not `v` + a semantic version; the message says how to fix it. */
export class ReleaseTagError extends Error {
  override readonly name = "ReleaseTagError";
  readonly code = "RELEASE_TAG_INVALID";
}

export function parseReleaseTag(tag: string): ReleaseVersion {
  const match = SEMVER_TAG.exec(tag);
  if (!match) {
    const hint = /^\d/.test(tag) ? ` (did you mean v${tag}?)` : "";
    throw new ReleaseTagError(
      `--tag ${JSON.stringify(tag)} is not a release tag${hint}.\n` +
        "  Fix: use v + a semantic version, like v1.2.0 or v2.0.0-rc.1 (https://semver.org).",
    );
  }
  const [, major, minor, patch, prerelease, build] = match;
  return {
    tag,
    version: tag.slice(1).replace(/\+.*$/, ""),
    major: Number(major),
    minor: Number(minor),
    patch: Number(patch),
    prerelease,
    build,
  };
}

/**
 * Image tags for a release: a stable one moves `major.minor`, `major` and
 * `latest` too; a prerelease gets only its own tag (never `latest`).
 * Build metadata is dropped: it is not allowed in an image tag.
 */
export function imageTags(release: ReleaseVersion): string[] {
  if (release.prerelease !== undefined) return [release.version];
  return [release.version, `${release.major}.${release.minor}`, `${release.major}`, "latest"];
}
