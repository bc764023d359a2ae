import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ImageNameError, parseImageName } from "../../../pipeline/modules/release/image-ref.js";
import { parseReleaseTag } from "../../../pipeline/modules/release/semver.js";

/**
 * Tags and image names against their grammars, written from the specifications:
 * SemVer 2.0.0's build metadata (§10: dot-separated identifiers of [0-9A-Za-z-],
 * none empty) and the distribution reference grammar (distribution/reference
 * regexp.go, with docker's splitDockerDomain for which first component is a host).
 */

const ALNUM_HYPHEN = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-";
const buildIdentifier = fc.string({ unit: fc.constantFrom(...ALNUM_HYPHEN), minLength: 1, maxLength: 6 });
const buildMetadata = fc.array(buildIdentifier, { minLength: 1, maxLength: 3 }).map((ids) => ids.join("."));

describe("SemVer 2.0.0 build metadata (§10)", () => {
  it("accepts any dot-separated [0-9A-Za-z-] identifiers after +, and keeps them out of the version", () => {
    fc.assert(
      fc.property(buildMetadata, (build) => {
        const parsed = parseReleaseTag(`v1.2.3+${build}`);
        expect(parsed.build).toBe(build);
        expect(parsed.version).toBe("1.2.3");
      }),
    );
  });

  it("rejects a character outside [0-9A-Za-z-.] anywhere in it", () => {
    const outside = fc.constantFrom(" ", ";", "+", "_", "/", "$", "!", "é", "\n", "\t", ":", "*");
    fc.assert(
      fc.property(buildMetadata, outside, fc.nat(), (build, bad, at) => {
        const i = at % (build.length + 1);
        const tag = `v1.2.3+${build.slice(0, i)}${bad}${build.slice(i)}`;
        expect(() => parseReleaseTag(tag), tag).toThrow(/is not a release tag/);
      }),
    );
  });

  it.each(["v1.2.3+", "v1.2.3+.", "v1.2.3+a..b", "v1.2.3+.a", "v1.2.3+a.", "v1.2.3+a b", "v1.2.3+a;rm -rf /", "v1.2.3-rc.1+"])("rejects %j: an empty identifier or a space", (tag) => {
    expect(() => parseReleaseTag(tag)).toThrow(/is not a release tag/);
  });

  it("takes build metadata with leading zeros (only prerelease numbers may not have them) and after a prerelease", () => {
    expect(parseReleaseTag("v1.0.0+001")).toMatchObject({ version: "1.0.0", prerelease: undefined, build: "001" });
    expect(parseReleaseTag("v1.0.0-beta+exp.sha.5114f85")).toMatchObject({ version: "1.0.0-beta", prerelease: "beta", build: "exp.sha.5114f85" });
    expect(parseReleaseTag("v1.0.0+21AF26D3----117B344092BD")).toMatchObject({ version: "1.0.0", build: "21AF26D3----117B344092BD" });
  });
});

// The grammar's pieces, as regexp.go writes them.
const lower = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789");
const alnumRun = fc.string({ unit: lower, minLength: 1, maxLength: 4 });
const separator = fc.constantFrom(".", "_", "__", "-", "--", "---");
const pathComponent = fc.tuple(alnumRun, fc.array(fc.tuple(separator, alnumRun), { maxLength: 2 })).map(([head, rest]) => head + rest.map(([s, a]) => s + a).join(""));
const hostChar = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
const domainComponent = fc.oneof(
  fc.string({ unit: hostChar, minLength: 1, maxLength: 3 }),
  fc.tuple(hostChar, fc.string({ unit: fc.oneof(hostChar, fc.constant("-")), maxLength: 3 }), hostChar).map((p) => p.join("")),
);
/** A host that docker reads as a registry: it has a dot. */
const dottedHost = fc.array(domainComponent, { minLength: 2, maxLength: 3 }).map((c) => c.join("."));
const port = fc.option(fc.integer({ min: 1, max: 65535 }).map((p) => `:${p}`), { nil: "" });

describe("image names (distribution reference grammar)", () => {
  it("reads a dotted host, with or without a port, as the registry and the rest as the repository", () => {
    fc.assert(
      fc.property(dottedHost, port, fc.array(pathComponent, { minLength: 1, maxLength: 3 }), (host, p, path) => {
        expect(parseImageName(`${host}${p}/${path.join("/")}`)).toEqual({ registry: `${host}${p}`, repository: path.join("/") });
      }),
    );
  });

  it("puts a name without a host on Docker Hub, under library/ only when it is one component", () => {
    fc.assert(
      fc.property(fc.array(pathComponent, { minLength: 1, maxLength: 3 }), (path) => {
        const name = path.join("/");
        // A first component with a dot is a host (a.b/c is on a.b), as docker splits names, and
        // then has to be one: no underscore.
        if (path.length > 1 && path[0]!.includes(".")) {
          if (path[0]!.includes("_")) expect(() => parseImageName(name)).toThrow(/is not an image name/);
          else expect(parseImageName(name)).toEqual({ registry: path[0], repository: path.slice(1).join("/") });
          return;
        }
        expect(parseImageName(name)).toEqual({ registry: "docker.io", repository: path.length === 1 ? `library/${name}` : name });
      }),
    );
  });

  it("rejects upper case in any repository component", () => {
    fc.assert(
      fc.property(fc.array(pathComponent, { minLength: 1, maxLength: 3 }), fc.nat(), fc.nat(), (path, which, at) => {
        const i = which % path.length;
        const component = path[i]!;
        const j = at % component.length;
        if (!/[a-z]/.test(component[j]!)) return;
        const upper = [...path];
        upper[i] = component.slice(0, j) + component[j]!.toUpperCase() + component.slice(j + 1);
        expect(() => parseImageName(`ghcr.io/${upper.join("/")}`)).toThrow(/is not an image name/);
      }),
    );
  });

  it.each([
    // docker's splitDockerDomain: localhost, a port or upper case make the first part a host
    ["localhost/app", "localhost", "app"],
    ["localhost/acme/app", "localhost", "acme/app"],
    ["localhost:5000/app", "localhost:5000", "app"],
    ["registry:5000/app", "registry:5000", "app"],
    ["Registry/app", "Registry", "app"],
    ["[::1]:5000/app", "[::1]:5000", "app"],
    ["192.168.1.10:5000/team/app", "192.168.1.10:5000", "team/app"],
    ["my-registry.example.com/a__b/c--d", "my-registry.example.com", "a__b/c--d"],
    // a first part that is no host is the Docker Hub owner, even where a host could not be spelled so
    ["localhostx/app", "docker.io", "localhostx/app"],
    ["my_org/app", "docker.io", "my_org/app"],
    ["my__org/app", "docker.io", "my__org/app"],
    ["acme/app", "docker.io", "acme/app"],
    ["localhost", "docker.io", "library/localhost"],
  ])("%s is %s + %s", (image, registry, repository) => {
    expect(parseImageName(image)).toEqual({ registry, repository });
  });

  it.each([
    "ghcr.io/Acme/app",
    "acme/App",
    "App",
    "ghcr.io/acme/a___b",
    "ghcr.io/acme/a._b",
    "ghcr.io/acme/-app",
    "ghcr.io/acme/app-",
    "ghcr.io/acme//app",
    "-ghcr.io/app",
    "ghcr-.io/app",
    "ghcr..io/app",
    "ghcr.io:port/app",
    "ghcr.io/acme/app:1.0",
    "ghcr.io/acme/app@sha256:abc",
    "ghcr.io/",
    "/app",
    // a first part with a dot is a host, so it has to be spelled as one
    "my_org.io/app",
  ])("rejects %j", (image) => {
    expect(() => parseImageName(image)).toThrow(/is not an image name/);
  });

  it("rejects with an ImageNameError coded RELEASE_IMAGE_INVALID, naming release.image and the fix", () => {
    const error = (() => {
      try {
        parseImageName("Acme");
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ImageNameError);
    expect(error).toMatchObject({ name: "ImageNameError", code: "RELEASE_IMAGE_INVALID" });
    expect((error as Error).message).toBe('release.image "Acme" is not an image name.\n  Fix: write it without tag or digest, in lower case, like ghcr.io/acme/go-service.');
  });
});
