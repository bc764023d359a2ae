import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { GitMetadata } from "../../../pipeline/modules/git/metadata.js";
import { ociLabels, sourceDateEpoch } from "../../../pipeline/modules/image/labels.js";
import { checkDockerfileTarget, checkImageName, checkPlatform, checkRegistryUsername } from "../../../pipeline/modules/image/refs.js";
import { branchTag, TAG_PATTERN, tagScheme } from "../../../pipeline/modules/image/tags.js";
import { parseReleaseTag } from "../../../pipeline/modules/release/semver.js";

const git = (branch?: string): GitMetadata => ({
  sha: "0123456789abcdef0123456789abcdef01234567",
  shortSha: "0123456789ab",
  ...(branch ? { branch } : {}),
  tags: [],
  commitTime: "2026-11-30T12:00:00Z",
  remoteUrl: "https://github.com/acme/app",
});
const scheme = { mainBranches: ["main", "master"], branchTags: false };

describe("tag scheme", () => {
  it("tags a main build sha-<short>, a release X.Y.Z first then X.Y, X, latest and the sha", () => {
    expect(tagScheme({ ...scheme, git: git("main"), release: undefined })).toEqual(["sha-0123456789ab"]);
    expect(tagScheme({ ...scheme, git: git("main"), release: parseReleaseTag("v1.2.3") })).toEqual(["1.2.3", "1.2", "1", "latest", "sha-0123456789ab"]);
    // A prerelease: only its own tag, not the commit's nor the branch's.
    expect(tagScheme({ ...scheme, git: git("main"), release: parseReleaseTag("v2.0.0-rc.1") })).toEqual(["2.0.0-rc.1"]);
    expect(tagScheme({ ...scheme, branchTags: true, git: git("main"), release: parseReleaseTag("v2.0.0-rc.1+build.7") })).toEqual(["2.0.0-rc.1"]);
  });

  it("adds the branch only when asked, and refuses a branch that would take a version tag", () => {
    expect(tagScheme({ ...scheme, branchTags: true, git: git("feature/Login_v2"), release: undefined })).toEqual(["feature-Login_v2"]);
    expect(() => tagScheme({ ...scheme, git: git("feature/x"), release: undefined })).toThrow(/nothing to tag on branch "feature\/x".*\n {2}Fix:/);
    expect(() => tagScheme({ ...scheme, branchTags: true, git: git("latest"), release: undefined })).toThrow(/would be tagged "latest"/);
    expect(() => tagScheme({ ...scheme, branchTags: true, git: git("1.2"), release: undefined })).toThrow(/version or commit tags own/);
  });

  it("makes any branch name a valid tag", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 300 }).filter((s) => /[A-Za-z0-9_]/.test(s)), (branch) => {
        expect(branchTag(branch)).toMatch(TAG_PATTERN);
      }),
    );
  });
});

describe("OCI labels", () => {
  it("come from the commit, created being its time (never the clock)", () => {
    expect(ociLabels({ git: git("main"), version: "1.2.3", title: "app" })).toEqual({
      "org.opencontainers.image.title": "app",
      "org.opencontainers.image.version": "1.2.3",
      "org.opencontainers.image.revision": "0123456789abcdef0123456789abcdef01234567",
      "org.opencontainers.image.created": "2026-11-30T12:00:00Z",
      "org.opencontainers.image.source": "https://github.com/acme/app",
    });
    expect(ociLabels({ git: undefined, version: undefined, title: "app" })).toEqual({ "org.opencontainers.image.title": "app" });
    expect(sourceDateEpoch(git())).toBe("1796040000");
  });
});

describe("bad input is refused before any build, naming the field", () => {
  it.each([
    ["https://ghcr.io/acme/app", /has a URL scheme/],
    ["ghcr.io/acme/my app", /contains whitespace/],
    ["ghcr.io/acme/app:1.0", /has a tag/],
    ["ghcr.io/acme/app@sha256:" + "a".repeat(64), /has a digest/],
    ["ghcr.io/Acme/App", /is not an image name/],
  ])("image %j", (ref, message) => {
    expect(() => checkImageName("image.name", ref)).toThrow(message);
    expect(() => checkImageName("image.name", ref)).toThrow(/^image\.name: /);
  });

  it("accepts registry hosts with ports", () => {
    expect(checkImageName("image.name", "127.0.0.1:5000/acme/app")).toEqual({ registry: "127.0.0.1:5000", repository: "acme/app" });
  });

  it.each(["linux", "linux/amd64/v8/x", "Linux/AMD64", "linux amd64", "linux/"])("platform %j", (platform) => {
    expect(() => checkPlatform("--platform", platform)).toThrow(/^--platform: .* is not a platform\.\n {2}Fix:/);
  });

  it("refuses a Dockerfile target the Dockerfile does not declare, listing its stages", () => {
    const dockerfile = "FROM --platform=$BUILDPLATFORM golang:1.26 AS build\nRUN go build\nFROM scratch as runtime\n";
    expect(() => checkDockerfileTarget("Dockerfile", dockerfile, "build")).not.toThrow();
    expect(() => checkDockerfileTarget("Dockerfile", dockerfile, "release")).toThrow('image.target: Dockerfile has no stage "release" (its stages: build, runtime)');
    expect(() => checkRegistryUsername("--registry-username", 'bot"}')).toThrow(/is not a registry user name/);
  });
});
