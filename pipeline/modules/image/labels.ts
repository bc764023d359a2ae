import type { GitMetadata } from "../git/metadata.js";

/** The OCI annotation keys the pipeline sets on every image it builds (image-spec annotations.md). */
export const OCI_LABELS = {
  source: "org.opencontainers.image.source",
  revision: "org.opencontainers.image.revision",
  version: "org.opencontainers.image.version",
  created: "org.opencontainers.image.created",
  title: "org.opencontainers.image.title",
} as const;

export interface LabelInputs {
  /** The commit built; without it there is no source, revision or created to say. */
  git: GitMetadata | undefined;
  /** The release version (no "v"), when the build is a release. */
  version: string | undefined;
  /** The image's title: the configured one, or the repository's last path segment. */
  title: string;
}

/**
 * OCI labels from the commit and the release. `created` is the commit time,
 * never the build's clock, so two builds of one commit produce the same
 * config and the same digest. A build that is not a release is versioned by
 * its commit (`0.0.0-sha.<short>` would claim an order it does not have).
 */
export function ociLabels({ git, version, title }: LabelInputs): Record<string, string> {
  const labels: Record<string, string> = { [OCI_LABELS.title]: title };
  const effectiveVersion = version ?? (git ? `sha-${git.shortSha}` : undefined);
  if (effectiveVersion) labels[OCI_LABELS.version] = effectiveVersion;
  if (git) {
    labels[OCI_LABELS.revision] = git.sha;
    labels[OCI_LABELS.created] = git.commitTime;
    if (git.remoteUrl) labels[OCI_LABELS.source] = git.remoteUrl;
  }
  return labels;
}

/** SOURCE_DATE_EPOCH (seconds) of the commit, for builds that honour it (BuildKit, Go's -trimpath builds, Python wheels). */
export function sourceDateEpoch(git: GitMetadata | undefined): string | undefined {
  if (!git) return undefined;
  const ms = Date.parse(git.commitTime);
  return Number.isNaN(ms) ? undefined : String(Math.floor(ms / 1000));
}
