/** Image names as registries see them (distribution spec), without tag or digest. */
const IMAGE_NAME = /^(?:([a-zA-Z0-9.-]+(?::\d+)?)\/)?([a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*)$/;

export class ImageNameError extends Error {
  override readonly name = "ImageNameError";
  readonly code = "RELEASE_IMAGE_INVALID";
}

/** Splits `registry/owner/name` into the registry host (for credentials) and the repository. */
export function parseImageName(image: string): { registry: string; repository: string } {
  const match = IMAGE_NAME.exec(image);
  if (!match) {
    throw new ImageNameError(
      `release.image ${JSON.stringify(image)} is not an image name.\n` +
        "  Fix: write it without tag or digest, in lower case, like ghcr.io/acme/go-service.",
    );
  }
  const [, first, rest] = match;
  // Like docker: the first part is a registry only if it looks like a host.
  if (first && (first.includes(".") || first.includes(":") || first === "localhost")) {
    return { registry: first, repository: rest! };
  }
  return { registry: "docker.io", repository: first ? `${first}/${rest}` : `library/${rest}` };
}
