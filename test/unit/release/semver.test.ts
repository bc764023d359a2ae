import { describe, expect, it } from "vitest";
import { parseImageName } from "../../../pipeline/modules/release/image-ref.js";
import { imageTags, parseReleaseTag } from "../../../pipeline/modules/release/semver.js";

describe("release tags", () => {
  it("parses v + semantic version", () => {
    expect(parseReleaseTag("v1.2.0")).toEqual({ tag: "v1.2.0", version: "1.2.0", major: 1, minor: 2, patch: 0, prerelease: undefined, build: undefined });
    expect(parseReleaseTag("v2.0.0-rc.1+build.7")).toMatchObject({ version: "2.0.0-rc.1", prerelease: "rc.1", build: "build.7" });
  });

  it.each(["1.2.0", "v1.2", "v01.2.0", "v1.2.0-01", "v1.2.0-", "v1.2.0 ; rm -rf /", "latest", ""])("rejects %j with a fix", (tag) => {
    expect(() => parseReleaseTag(tag)).toThrow(/is not a release tag.*\n {2}Fix: use v \+ a semantic version/);
  });

  it("suggests the v prefix when only it is missing", () => {
    expect(() => parseReleaseTag("1.2.0")).toThrow('--tag "1.2.0" is not a release tag (did you mean v1.2.0?)');
  });

  it("moves the floating tags only for stable releases", () => {
    expect(imageTags(parseReleaseTag("v1.4.2"))).toEqual(["1.4.2", "1.4", "1", "latest"]);
    expect(imageTags(parseReleaseTag("v1.5.0-beta.2+sha.abc"))).toEqual(["1.5.0-beta.2"]);
  });
});

describe("image names", () => {
  it.each([
    ["ghcr.io/acme/go-service", "ghcr.io", "acme/go-service"],
    ["localhost:5000/app", "localhost:5000", "app"],
    ["acme/app", "docker.io", "acme/app"],
    ["app", "docker.io", "library/app"],
  ])("%s is on %s", (image, registry, repository) => {
    expect(parseImageName(image)).toEqual({ registry, repository });
  });

  it.each(["ghcr.io/acme/App", "ghcr.io/acme/app:1.0", "ghcr.io/acme/app@sha256:abc", ""])("rejects %j", (image) => {
    expect(() => parseImageName(image)).toThrow(/Fix: write it without tag or digest/);
  });
});
