import { dag, type Platform, type Secret } from "@dagger.io/dagger";
import type { Project } from "../project.js";
import { parseImageName } from "./image-ref.js";
import { imageTags, type ReleaseVersion } from "./semver.js";

export interface PublishOptions {
  /** `registry/owner/name`, without tag. */
  image: string;
  dockerfile: string;
  platforms: readonly string[];
  release: ReleaseVersion;
  registryUsername: string;
  /** Reaches the engine only as a Dagger Secret: never in args, logs or reports. */
  registryToken: Secret | undefined;
}

/**
 * Builds the project's Dockerfile for every platform (one multi-arch image,
 * VERSION passed as a build arg for its OCI labels) and publishes it under
 * each of the release's tags. Returns the published references with digests.
 */
export async function publishImage(project: Project, options: PublishOptions): Promise<string[]> {
  const { registry } = parseImageName(options.image);
  const variants = options.platforms.map((platform) =>
    project.source.dockerBuild({
      dockerfile: options.dockerfile,
      platform: platform as Platform,
      buildArgs: [{ name: "VERSION", value: options.release.version }],
    }),
  );
  let publisher = dag.container();
  if (options.registryToken) {
    publisher = publisher.withRegistryAuth(registry, options.registryUsername, options.registryToken);
  }
  return Promise.all(
    imageTags(options.release).map((tag) => publisher.publish(`${options.image}:${tag}`, { platformVariants: variants })),
  );
}
