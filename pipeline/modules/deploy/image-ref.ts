/** The image a deploy runs: a repository and a digest, never a tag (a tag can be moved to other bytes after it was tested). */
export interface DigestRef {
  /** `registry/owner/name`, without tag or digest. */
  name: string;
  /** `sha256:` and 64 lowercase hex digits. */
  digest: string;
  /** `name@digest`: what the manifests get. */
  ref: string;
}

/** A problem with what the caller gave (an argument, a config value): shown as its message, before anything ran. */
export class DeployInputError extends Error {
  override readonly name = "DeployInputError";
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

// Distribution-spec names (lower case path components, an optional host[:port] first), like release/image-ref.ts reads them.
const NAME = "(?:[a-zA-Z0-9.-]+(?::\\d+)?/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*";
const DIGEST_REF = new RegExp(`^(${NAME})(?::([\\w][\\w.-]{0,127}))?@(sha256:[a-f0-9]{64})$`);
const TAGGED = new RegExp(`^(${NAME})(?::([\\w][\\w.-]{0,127}))?$`);
export const IMAGE_NAME = new RegExp(`^${NAME}$`);

/**
 * Reads `--image`: `repo@sha256:<64 hex>`, or `repo:tag@sha256:...` (the digest
 * decides; the tag is dropped). A tag alone, a short or upper-case digest, or
 * another algorithm is refused with the fix.
 */
export function parseDigestRef(text: string): DigestRef {
  const value = text.trim();
  const match = DIGEST_REF.exec(value);
  if (match) return { name: match[1]!, digest: match[3]!, ref: `${match[1]!}@${match[3]!}` };
  const example = "ghcr.io/acme/go-service@sha256:<64 hex digits>";
  const tagged = TAGGED.exec(value);
  if (tagged) {
    const what = tagged[2] === undefined ? `has no digest (it means ${tagged[1]}:latest)` : `is a tag ("${tagged[2]}"), which can be moved to other bytes after they were tested`;
    throw new DeployInputError(
      `--image ${JSON.stringify(value)} ${what}: a deploy runs exactly the image that was built and scanned, by digest.\n` +
        `  Fix: pass the digest the release published, like ${example} (\`dagger call release\` prints it; \`docker buildx imagetools inspect ${tagged[1]}:${tagged[2] ?? "latest"}\` shows it).`,
      "DEPLOY_IMAGE_NOT_DIGEST",
    );
  }
  const digest = /@([^@]*)$/.exec(value)?.[1];
  const why =
    digest === undefined
      ? "is not an image reference"
      : /^sha256:/i.test(digest)
        ? `has a malformed digest ("${digest}": expected sha256: and 64 lower-case hex digits)`
        : `has a digest of another algorithm ("${digest.split(":")[0]}"; registries and kustomize address images by sha256)`;
  throw new DeployInputError(`--image ${JSON.stringify(value)} ${why}.\n  Fix: pass repository@sha256:<digest>, like ${example}.`, "DEPLOY_IMAGE_INVALID");
}
