import type { GitMetadata } from "../git/metadata.js";
import type { ReleaseVersion } from "../release/semver.js";
import { OCI_LABELS, ociLabels, sourceDateEpoch } from "./labels.js";

/** What the pipeline adds to every build of the image, whatever builds it. */
export interface BuildInputs {
  /** The OCI labels, set on the built image (they win over the Dockerfile's LABELs). */
  labels: Record<string, string>;
  /** The Dockerfile's build args, in order: the user's, then VERSION, REVISION and SOURCE_DATE_EPOCH, which win. */
  buildArgs: { name: string; value: string }[];
}

/**
 * The labels and build args of one build, from pipeline.yaml's build args,
 * the image title, the commit and the release: nothing else (no clock), so
 * one commit always gets the same inputs. Pure, so the real-tool tests hand
 * `docker build` exactly what the Dagger build gets.
 */
export function buildInputs(userArgs: Readonly<Record<string, string>>, title: string, git: GitMetadata | undefined, release: ReleaseVersion | undefined): BuildInputs {
  const labels = ociLabels({ git, version: release?.version, title });
  const epoch = sourceDateEpoch(git);
  const args: Record<string, string> = {
    ...userArgs,
    VERSION: release?.version ?? labels[OCI_LABELS.version] ?? "dev",
    ...(git ? { REVISION: git.sha } : {}),
    ...(epoch ? { SOURCE_DATE_EPOCH: epoch } : {}),
  };
  return { labels, buildArgs: Object.entries(args).map(([name, value]) => ({ name, value })) };
}
