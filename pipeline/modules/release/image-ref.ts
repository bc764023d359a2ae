// The distribution reference grammar (distribution/reference regexp.go): a domain of host
// components (either case, inner hyphens) or a bracketed IPv6 address, with an optional port;
// then path components in lower case, separated by one `.` or `_`, two `_`, or any run of `-`.
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?$`);
const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const PATH = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);

export class ImageNameError extends Error {
  override readonly name = "ImageNameError";
  readonly code = "RELEASE_IMAGE_INVALID";
}

/**
 * Splits an image name as registries see it (distribution spec), without tag
 * or digest, into the registry host (for credentials) and the repository.
 */
export function parseImageName(image: string): { registry: string; repository: string } {
  // Like docker (splitDockerDomain): the first part is a registry when it looks like a host
  // (a dot, a port, localhost) or has upper case, which no repository component may have.
  const slash = image.indexOf("/");
  const first = image.slice(0, Math.max(slash, 0)); // "" without a slash: no host
  const onHost = first.includes(".") || first.includes(":") || first === "localhost" || first !== first.toLowerCase();
  const path = onHost ? image.slice(slash + 1) : image;
  if ((onHost && !DOMAIN.test(first)) || !PATH.test(path)) {
    throw new ImageNameError(
      `release.image ${JSON.stringify(image)} is not an image name.\n` +
        "  Fix: write it without tag or digest, in lower case, like ghcr.io/acme/go-service.",
    );
  }
  if (onHost) return { registry: first, repository: path };
  return { registry: "docker.io", repository: path.includes("/") ? path : `library/${path}` };
}
