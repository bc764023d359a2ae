import { parseImageName } from "../release/image-ref.js";

/** A problem in what the user gave for the image: named field, the fix; raised before anything builds. */
export class ImageInputError extends Error {
  override readonly name = "ImageInputError";
  readonly code = "IMAGE_INPUT";
}

const PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/;

/** `os/arch[/variant]`, as Dagger and the OCI image index write platforms. */
export function checkPlatform(field: string, platform: string): string {
  if (!PLATFORM.test(platform)) {
    throw new ImageInputError(
      `${field}: ${JSON.stringify(platform)} is not a platform.\n  Fix: write it as os/arch or os/arch/variant, e.g. linux/amd64, linux/arm64 or linux/arm/v7.`,
    );
  }
  return platform;
}

/** An image name to push to: no scheme, no whitespace, no tag or digest (tags come from the tag scheme). */
export function checkImageName(field: string, image: string): { registry: string; repository: string } {
  const fix = "  Fix: write registry/owner/name without scheme, tag or digest, in lower case, like ghcr.io/acme/go-service.";
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(image)) throw new ImageInputError(`${field}: ${JSON.stringify(image)} has a URL scheme; an image name has none.\n${fix}`);
  if (/\s/.test(image)) throw new ImageInputError(`${field}: ${JSON.stringify(image)} contains whitespace.\n${fix}`);
  if (image.includes("@")) throw new ImageInputError(`${field}: ${JSON.stringify(image)} has a digest; the pipeline publishes by tag and returns the digest.\n${fix}`);
  if (image.includes("/") && image.slice(image.lastIndexOf("/") + 1).includes(":")) {
    throw new ImageInputError(`${field}: ${JSON.stringify(image)} has a tag; the tag scheme sets tags.\n${fix}`);
  }
  try {
    return parseImageName(image);
  } catch (error) {
    throw new ImageInputError(`${field}: ${(error as Error).message.replace(/^release\.image /, "")}`);
  }
}

/** A registry user goes into the credentials file the signing tools read: no quote, backslash, colon or control character. */
export function checkRegistryUsername(field: string, username: string): string {
  if (username.length === 0 || /["\\:\p{Cc}]/u.test(username)) {
    throw new ImageInputError(`${field}: ${JSON.stringify(username)} is not a registry user name.\n  Fix: use the account name alone (no quotes, backslashes, colons or control characters).`);
  }
  return username;
}

/** A Dockerfile build target: a stage name as the Dockerfile grammar allows. */
export function checkTarget(field: string, target: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(target)) {
    throw new ImageInputError(`${field}: ${JSON.stringify(target)} is not a stage name.\n  Fix: use the name after AS in a FROM line of the Dockerfile.`);
  }
  return target;
}

/**
 * The stage names a Dockerfile declares (`FROM image AS name`), so a missing
 * target is an error naming the stages before the build starts.
 */
export function dockerfileStages(dockerfile: string): string[] {
  const joined = dockerfile.replace(/\\\r?\n/g, " ");
  const stages: string[] = [];
  for (const line of joined.split(/\r?\n/)) {
    const match = /^\s*FROM\s+(?:--\S+\s+)*\S+\s+AS\s+(\S+)\s*$/i.exec(line);
    if (match) stages.push(match[1]!);
  }
  return stages;
}

export function checkDockerfileTarget(dockerfilePath: string, dockerfile: string, target: string): void {
  const stages = dockerfileStages(dockerfile);
  if (!stages.some((s) => s.toLowerCase() === target.toLowerCase())) {
    throw new ImageInputError(
      `image.target: ${dockerfilePath} has no stage ${JSON.stringify(target)}` +
        `${stages.length ? ` (its stages: ${stages.join(", ")})` : " (it names no stage: FROM ... AS <name>)"}.\n` +
        "  Fix: set image.target to one of its stages, or remove it to build the last stage.",
    );
  }
}
