import { describe, expect, it } from "vitest";
import { parseImageName } from "../../../pipeline/modules/release/image-ref.js";
import { compareVersions, imageTags, parseReleaseTag, previousReleaseTag, ReleaseTagError } from "../../../pipeline/modules/release/semver.js";

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

  it("fails with the code RELEASE_TAG_INVALID, and hints the v only for a tag that starts with a digit", () => {
    const error = (tag: string) => {
      try {
        parseReleaseTag(tag);
      } catch (caught) {
        return caught as ReleaseTagError;
      }
      throw new Error(`${tag} parsed`);
    };
    expect(error("x1.2.0")).toBeInstanceOf(ReleaseTagError);
    expect(error("x1.2.0")).toMatchObject({ name: "ReleaseTagError", code: "RELEASE_TAG_INVALID" });
    expect(error("x1.2.0").message.split("\n")[0]).toBe('--tag "x1.2.0" is not a release tag.');
    expect(error("release-1.2.0").message.split("\n")[0]).toBe('--tag "release-1.2.0" is not a release tag.');
  });

  // SemVer 2.0.0 §10: build metadata is one or more dot-separated identifiers of [0-9A-Za-z-], none empty.
  it.each(["v1.0.0+", "v1.0.0+a b", "v1.0.0+a;b", "v1.0.0+a..b", "v1.0.0+.a", "v1.0.0+a.", "v1.0.0+a+b", "v1.0.0+é"])("rejects the build metadata of %j", (tag) => {
    expect(() => parseReleaseTag(tag)).toThrow(ReleaseTagError);
  });

  it.each(["v1.0.0-alpha+001", "v1.0.0+20130313144700", "v1.0.0-beta+exp.sha.5114f85", "v1.0.0+21AF26D3----117B344092BD"])("accepts §10's example %j, its version without the build", (tag) => {
    expect(parseReleaseTag(tag).version).toBe(tag.slice(1, tag.indexOf("+")));
    expect(parseReleaseTag(tag).build).toBe(tag.slice(tag.indexOf("+") + 1));
  });

  it("moves the floating tags only for stable releases", () => {
    expect(imageTags(parseReleaseTag("v1.4.2"))).toEqual(["1.4.2", "1.4", "1", "latest"]);
    expect(imageTags(parseReleaseTag("v1.5.0-beta.2+sha.abc"))).toEqual(["1.5.0-beta.2"]);
  });
});

// SemVer 2.0.0 §11, each rule in both directions (a comparison is antisymmetric).
describe("precedence", () => {
  const order = (lower: string, higher: string) => {
    expect(compareVersions(parseReleaseTag(lower), parseReleaseTag(higher)), `${lower} < ${higher}`).toBe(-1);
    expect(compareVersions(parseReleaseTag(higher), parseReleaseTag(lower)), `${higher} > ${lower}`).toBe(1);
  };

  it("a prerelease ranks below its release (§11.3)", () => {
    order("v1.0.0-alpha", "v1.0.0");
    order("v1.0.0-rc.1", "v1.0.0");
  });

  it("numeric identifiers compare numerically (§11.4.1), beyond the range of a double", () => {
    order("v1.0.0-2", "v1.0.0-10");
    order("v1.0.0-beta.2", "v1.0.0-beta.11");
    order("v1.0.0-9007199254740992", "v1.0.0-9007199254740993");
  });

  it("alphanumeric identifiers compare in ASCII order (§11.4.2): upper case before lower, hyphen before digits", () => {
    order("v1.0.0-alpha", "v1.0.0-beta");
    order("v1.0.0-Beta", "v1.0.0-alpha");
    order("v1.0.0--a", "v1.0.0-0a");
  });

  it("a numeric identifier ranks below an alphanumeric one (§11.4.3), even one that sorts first in ASCII", () => {
    order("v1.0.0-1", "v1.0.0-alpha");
    order("v1.0.0-9", "v1.0.0--");
    order("v1.0.0-alpha.9", "v1.0.0-alpha.-");
  });

  it("more identifiers rank higher when the shared ones are equal (§11.4.4)", () => {
    order("v1.0.0-alpha", "v1.0.0-alpha.1");
    order("v1.0.0-alpha.1", "v1.0.0-alpha.1.0");
  });

  it("equal versions compare 0, build metadata ignored (§10)", () => {
    expect(compareVersions(parseReleaseTag("v1.0.0-rc.1+a"), parseReleaseTag("v1.0.0-rc.1+b"))).toBe(0);
    expect(compareVersions(parseReleaseTag("v1.0.0"), parseReleaseTag("v1.0.0+b"))).toBe(0);
  });

  it("the previous release is the highest below, whatever order the tags come in", () => {
    const tags = ["v1.0.0", "v1.1.0", "v1.0.5", "v1.1.0-rc.1"];
    expect(previousReleaseTag(parseReleaseTag("v2.0.0"), tags)).toBe("v1.1.0");
    expect(previousReleaseTag(parseReleaseTag("v2.0.0"), [...tags].reverse())).toBe("v1.1.0");
    expect(previousReleaseTag(parseReleaseTag("v1.1.0-rc.2"), ["v1.1.0-rc.1", "v1.0.0", "v1.1.0-alpha"])).toBe("v1.1.0-rc.1");
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
