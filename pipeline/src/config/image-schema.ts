import { z } from "../../vendor/zod.js";
import { DEFAULT_ALLOWED_FILES, DEFAULT_FORBIDDEN_FILES, DEFAULT_REQUIRED_LABELS, POLICY_RULES } from "../../modules/image/policy.js";
import { emptyIsAbsent, insidePath, matching, section } from "./rules.js";

/**
 * The `image` and `release` sections of pipeline.yaml: how the container
 * image is built, checked, scanned, signed and tagged, and what a release
 * publishes besides it. schema.ts composes them into the whole config.
 */

const argv = z.array(z.string().min(1)).min(1);

export const platform = matching(/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/, (value) => ({
  message: `expected os/arch, like linux/amd64, got ${JSON.stringify(value)}`,
  fix: "write the platform as os/arch or os/arch/variant, e.g. linux/amd64 or linux/arm/v7",
}));

const duration = matching(/^\d+(ms|s|m|h)$/, (value) => ({
  message: `expected a duration like 30s or 5m, got ${JSON.stringify(value)}`,
  fix: "write a number followed by ms, s, m or h",
}));

const day = matching(/^\d{4}-\d{2}-\d{2}$/, (value) => ({
  message: `expected a date YYYY-MM-DD, got ${JSON.stringify(value)}`,
  fix: "write the last day the entry applies, like 2027-03-31",
}));

const policy = section(
  z.strictObject({
    disable: z
      .array(z.strictObject({ rule: z.enum(POLICY_RULES).describe("The rule to turn off."), reason: z.string().min(1).describe("Why the team accepts this; shown in every summary.") }))
      .default([])
      .describe(`Rules turned off, each with its reason: ${POLICY_RULES.join(", ")}.`),
    requiredLabels: emptyIsAbsent(z.array(z.string().min(1)).default([...DEFAULT_REQUIRED_LABELS])).describe("Labels every image must carry, non-empty."),
    forbiddenFiles: emptyIsAbsent(z.array(z.string().min(1)).default([...DEFAULT_FORBIDDEN_FILES])).describe(
      "Path globs no layer may hold (a file deleted by a later layer is still in the image). Setting it replaces the defaults: .git, .env, private keys, credential files.",
    ),
    allowFiles: emptyIsAbsent(z.array(z.string().min(1)).default([...DEFAULT_ALLOWED_FILES])).describe("Path globs exempted from forbiddenFiles (default: .env.example and other dotenv templates)."),
  }),
).describe("The image policy: a non-root numeric USER, a HEALTHCHECK, no secret-looking ENV, no forbidden files in any layer, the OCI labels.");

const scan = section(
  z.strictObject({
    enabled: z.boolean().default(true).describe("Scan every platform's image for known vulnerabilities before it is published."),
    scanner: z.enum(["trivy", "grype"]).default("trivy").describe("trivy image or grype, on the exported image (no registry involved)."),
    failOn: z.enum(["critical", "high", "medium", "low", "none"]).default("high").describe("Fail on a vulnerability of this severity or above; none reports without failing."),
    ignoreUnfixed: z.boolean().default(false).describe("Fail only on vulnerabilities that have a fixed version."),
    ignore: z
      .array(
        z.strictObject({
          id: z.string().min(1).describe("The vulnerability's CVE or GHSA id, as the scanner reports it."),
          reason: z.string().min(1).describe("Why the team accepts it; shown in every summary."),
          expires: day.describe("The last day the entry applies (YYYY-MM-DD); from the next day on, the scan fails on it again."),
        }),
      )
      .default([])
      .describe("Accepted vulnerabilities (CVE or GHSA id), each with a reason and the last day it applies; an expired entry fails the scan."),
  }),
).describe("Image vulnerability scan (scan-image, and in release before anything is pushed).");

const healthcheck = z
  .strictObject({
    command: argv.describe("The probe, as an argv array (exec form: the image needs no shell)."),
    interval: duration.default("30s").describe("Time between probes."),
    timeout: duration.default("5s").describe("How long one probe may take before it counts as failed."),
    startPeriod: duration.default("5s").describe("Time after the start during which failed probes do not count."),
    retries: z.number().int().min(1).default(3).describe("Failed probes in a row that make the container unhealthy."),
  })
  .optional()
  .describe("HEALTHCHECK of an image built without a Dockerfile.");

export const image = section(
  z.strictObject({
    name: z.string().optional().describe("Image to publish, without tag, like ghcr.io/acme/go-service (release.image is the older spelling)."),
    registryUsername: z.string().min(1).optional().describe("Registry user for --registry-token (release.registryUsername is the older spelling)."),
    dockerfile: insidePath("image.dockerfile", "project", "docker/Dockerfile").optional().describe("Dockerfile, relative to the project; without one, the image is built from the toolchain."),
    target: z.string().min(1).optional().describe("Dockerfile stage to build (docker build --target)."),
    buildArgs: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string()).default({}).describe("Build arguments; VERSION, REVISION and SOURCE_DATE_EPOCH are set by the pipeline."),
    platforms: emptyIsAbsent(z.array(platform).min(1).optional()).describe("Platforms of the multi-arch image (default: release.platforms, linux/amd64 and linux/arm64)."),
    title: z.string().min(1).optional().describe("org.opencontainers.image.title; default: the image name's last segment."),
    main: z.string().min(1).default(".").describe("Go only, without a Dockerfile: the package to build into /app/server."),
    command: argv.optional().describe("No Dockerfile: the image's command (Go: arguments of /app/server; Node and Python: the whole command, e.g. [node, dist/main.js])."),
    port: z.number().int().min(1).max(65535).optional().describe("No Dockerfile: the port the service listens on (EXPOSE)."),
    healthcheck,
    tags: section(
      z.strictObject({
        mainBranches: emptyIsAbsent(z.array(z.string().min(1)).default(["main", "master"])).describe("Branches whose builds `publish` tags sha-<short>."),
        branch: z.boolean().default(false).describe("Also tag each build with its branch name (made tag-safe)."),
      }),
    ).describe("Tags of `publish`; a release adds X.Y.Z, X.Y, X and latest (a prerelease only its own)."),
    policy,
    scan,
    sign: section(
      z.strictObject({
        transparencyLog: z.boolean().default(true).describe("Record signatures in the public Rekor log (keyless signing needs it; turn off for private images signed with a key)."),
      }),
    ).describe("cosign signatures and SBOM attestations: with --signing-key, or keyless with --oidc-token."),
  }),
).describe("The container image: build, policy, scan, SBOM, signing and tags.");

const binary = z.strictObject({
  name: matching(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, (value) => ({ message: `expected a file name, got ${JSON.stringify(value)}`, fix: "use letters, digits, '.', '_' or '-', like go-service" })).describe(
    "The binary's file name in the release (per platform: <name>_<version>_<os>_<arch>, .exe on Windows).",
  ),
  package: z.string().min(1).default(".").describe("The Go package to build, like ./cmd/server."),
  platforms: emptyIsAbsent(z.array(platform).min(1).default(["linux/amd64", "linux/arm64", "darwin/amd64", "darwin/arm64", "windows/amd64"])).describe("Platforms to build it for, as os/arch."),
});

export const release = section(
  z.strictObject({
    image: z.string().optional().describe("Image to publish, without tag, like ghcr.io/acme/go-service. Required by `dagger call release` (or image.name)."),
    registryUsername: z.string().min(1).default("pipeline").describe("Registry user for the token given as --registry-token (GHCR: any non-empty name)."),
    dockerfile: insidePath("release.dockerfile", "project", "docker/Dockerfile").default("Dockerfile").describe("Dockerfile, relative to the project."),
    platforms: emptyIsAbsent(z.array(platform).min(1).default(["linux/amd64", "linux/arm64"])).describe("Platforms of the multi-arch image."),
    versionFile: insidePath("release.versionFile", "project", "VERSION")
      .optional()
      .describe("The file holding the project's version, checked against the tag; default: package.json, pyproject.toml or VERSION, whichever exists."),
    binaries: emptyIsAbsent(z.array(binary).default([])).describe("Go only: binaries built per platform and attached to the release."),
    packages: z.boolean().default(true).describe("Attach the language's package: npm pack's tarball (not for a private package), Python's sdist and wheel."),
    provider: z.enum(["github", "gitlab", "none"]).optional().describe("Where the release is created; detected from the git remote when absent."),
    repository: z.string().regex(/^[\w.-]+(\/[\w.-]+)+$/).optional().describe("owner/name (GitLab: group/subgroup/name); detected from the git remote when absent."),
    apiUrl: z.string().url().optional().describe("API root for GitHub Enterprise (https://host/api/v3) or a self-hosted GitLab (https://host/api/v4)."),
  }),
).describe("Releases: `dagger call release --tag v1.2.0` runs every gate, builds, checks, scans, signs and publishes the image, and creates the release with its artifacts.");

/** The image `release` publishes (image.name, or the older release.image); none means a release has nothing to publish. */
export function publishedImageName(config: { image: { name?: string | undefined }; release: { image?: string | undefined } }): string | undefined {
  return config.image.name ?? config.release.image;
}
