/**
 * The argv of every tool the image stages run, as pure functions: the
 * real-tool tests run exactly these. Paths are fixed container paths; no value
 * a user gives reaches a shell.
 */

/** Where each exported single-platform image is mounted for the scanners and syft. */
export const IMAGE_TARBALL = "/image/image.tar";
export const SBOM_DIR = "/sbom";
export const SBOM_FILES = { spdx: `${SBOM_DIR}/sbom.spdx.json`, cyclonedx: `${SBOM_DIR}/sbom.cdx.json` } as const;
export const SCAN_REPORT = "/reports/image-scan.json";

/** SPDX 2.3 and CycloneDX 1.6 JSON, the versions asked for, pinned rather than left to syft's default. */
export function syftArgs(source: string, name: string, version: string | undefined, files: { spdx: string; cyclonedx: string } = SBOM_FILES): string[] {
  return [
    "syft",
    "scan",
    source,
    "--output",
    `spdx-json@2.3=${files.spdx}`,
    "--output",
    `cyclonedx-json@1.6=${files.cyclonedx}`,
    "--source-name",
    name,
    ...(version ? ["--source-version", version] : []),
  ];
}

/** syft reads an OCI layout tarball as `oci-archive:`. */
export function ociArchive(path = IMAGE_TARBALL): string {
  return `oci-archive:${path}`;
}

/** Every severity goes into the report; the gate (scan.ts) decides, so trivy's and grype's verdicts agree. */
export function trivyImageArgs(tarball = IMAGE_TARBALL, report = SCAN_REPORT): string[] {
  return ["trivy", "image", "--input", tarball, "--scanners", "vuln", "--format", "json", "--output", report, "--cache-dir", "/cache/trivy", "--quiet"];
}

export function grypeArgs(tarball = IMAGE_TARBALL, report = SCAN_REPORT): string[] {
  return ["grype", ociArchive(tarball), "--output", "json", "--file", report, "--quiet"];
}

/** Names of the variables the signing execs read, from Dagger secrets (withSecretVariable): never in argv. */
export const SIGNING_ENV = {
  key: "COSIGN_PRIVATE_KEY",
  password: "COSIGN_PASSWORD",
  identityToken: "SIGSTORE_ID_TOKEN",
} as const;

export interface SigningMode {
  /** With a key (`--signing-key`); keyless (OIDC identity token, Fulcio certificate) without. */
  keyed: boolean;
  /** Record the signature in the Rekor transparency log (public: turn off for private images with a key). */
  tlog: boolean;
}

function signingFlags(mode: SigningMode): string[] {
  return [...(mode.keyed ? ["--key", `env://${SIGNING_ENV.key}`] : []), ...(mode.tlog ? [] : ["--tlog-upload=false"])];
}

/** `cosign sign` of one digest: `ref` is always `name@sha256:...`, never a tag. */
export function cosignSignArgs(ref: string, mode: SigningMode): string[] {
  requireDigestRef(ref);
  return ["cosign", "sign", "--yes", ...signingFlags(mode), ref];
}

/** An SBOM as a signed in-toto attestation on the digest. */
export function cosignAttestArgs(ref: string, predicate: string, type: "spdxjson" | "cyclonedx", mode: SigningMode): string[] {
  requireDigestRef(ref);
  return ["cosign", "attest", "--yes", ...signingFlags(mode), "--type", type, "--predicate", predicate, ref];
}

/** A detached signature of a release file (checksums.txt); keyless also writes the certificate. */
export function cosignSignBlobArgs(file: string, mode: SigningMode): string[] {
  return [
    "cosign",
    "sign-blob",
    "--yes",
    ...signingFlags(mode),
    "--output-signature",
    `${file}.sig`,
    ...(mode.keyed ? [] : ["--output-certificate", `${file}.pem`]),
    file,
  ];
}

/** How a consumer checks a keyed signature (the README and the real-tool tests use it). */
export function cosignVerifyBlobArgs(file: string, publicKey: string, tlog: boolean): string[] {
  return ["cosign", "verify-blob", "--key", publicKey, "--signature", `${file}.sig`, ...(tlog ? [] : ["--insecure-ignore-tlog=true"]), file];
}

export function cosignVerifyArgs(ref: string, publicKey: string, tlog: boolean): string[] {
  return ["cosign", "verify", "--key", publicKey, ...(tlog ? [] : ["--insecure-ignore-tlog=true"]), ref];
}

/** How a consumer checks an SBOM attestation made by cosignAttestArgs, of the same predicate type. */
export function cosignVerifyAttestationArgs(ref: string, publicKey: string, type: "spdxjson" | "cyclonedx", tlog: boolean): string[] {
  return ["cosign", "verify-attestation", "--key", publicKey, "--type", type, ...(tlog ? [] : ["--insecure-ignore-tlog=true"]), ref];
}

function requireDigestRef(ref: string): void {
  if (!/@sha256:[0-9a-f]{64}$/.test(ref)) throw new Error(`cosign signs digests, not tags: ${JSON.stringify(ref)} has no @sha256:<digest>`);
}

/**
 * Registry credentials for the tools that push (cosign's signatures): a fixed
 * script writes a Docker config.json on a tmpfs (`$DOCKER_CONFIG`, discarded
 * with the exec) from REGISTRY_HOST, REGISTRY_USERNAME and the secret
 * REGISTRY_TOKEN, then runs the tool's argv untouched. printf and the pipe
 * are shell builtins: the token is never in a process's arguments.
 */
export const REGISTRY_AUTH_SCRIPT = [
  "set -eu",
  "umask 077",
  'auth=$(printf "%s:%s" "$REGISTRY_USERNAME" "$REGISTRY_TOKEN" | base64 | tr -d "\\n")',
  'printf \'{"auths":{"%s":{"auth":"%s"}}}\\n\' "$REGISTRY_HOST" "$auth" > "$DOCKER_CONFIG/config.json"',
  'exec "$@"',
].join("\n");

export const REGISTRY_AUTH_ENTRYPOINT: readonly string[] = ["sh", "-c", REGISTRY_AUTH_SCRIPT, "registry-auth"];
export const DOCKER_CONFIG_DIR = "/run/docker-config";
