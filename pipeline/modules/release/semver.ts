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

/**
 * SemVer 2.0.0 precedence (§11): numbers numerically, a prerelease before its
 * release, prerelease identifiers compared one by one (numeric ones below
 * alphanumeric ones), more identifiers ranking higher; build metadata ignored.
 */
export function compareVersions(a: ReleaseVersion, b: ReleaseVersion): number {
  const core = a.major - b.major || a.minor - b.minor || a.patch - b.patch;
  if (core !== 0) return Math.sign(core);
  if (a.prerelease === undefined || b.prerelease === undefined) {
    return a.prerelease === b.prerelease ? 0 : a.prerelease === undefined ? 1 : -1;
  }
  const x = a.prerelease.split(".");
  const y = b.prerelease.split(".");
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const [p, q] = [x[i]!, y[i]!];
    const [pn, qn] = [/^\d+$/.test(p), /^\d+$/.test(q)];
    if (pn && qn) {
      const d = BigInt(p) - BigInt(q);
      if (d !== 0n) return d > 0n ? 1 : -1;
    } else if (pn !== qn) return pn ? -1 : 1;
    else if (p !== q) return p < q ? -1 : 1;
  }
  return Math.sign(x.length - y.length);
}

/** The tag of a version, as parseReleaseTag reads it back. */
export function formatVersionTag(v: Pick<ReleaseVersion, "major" | "minor" | "patch" | "prerelease" | "build">): string {
  return `v${v.major}.${v.minor}.${v.patch}${v.prerelease === undefined ? "" : `-${v.prerelease}`}${v.build === undefined ? "" : `+${v.build}`}`;
}

/**
 * The release tag that precedes `current` among `tags` (the repository's
 * tags): the highest version below it, skipping prereleases when `current`
 * is a release (notes of 1.3.0 cover everything since 1.2.0, not since 1.3.0-rc.2).
 */
export function previousReleaseTag(current: ReleaseVersion, tags: readonly string[]): string | undefined {
  let best: ReleaseVersion | undefined;
  for (const tag of tags) {
    let v: ReleaseVersion;
    try {
      v = parseReleaseTag(tag);
    } catch {
      continue;
    }
    if (compareVersions(v, current) >= 0) continue;
    if (current.prerelease === undefined && v.prerelease !== undefined) continue;
    if (!best || compareVersions(v, best) > 0) best = v;
  }
  return best?.tag;
}
