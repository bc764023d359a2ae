import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareVersions, formatVersionTag, parseReleaseTag, previousReleaseTag } from "../../../pipeline/modules/release/semver.js";

/** SemVer 2.0.0 as properties: parse/format round trips, precedence is a total order, and §11's examples hold. */

const numeric = fc.nat({ max: 1000 });
const identifier = fc.oneof(fc.nat({ max: 50 }).map(String), fc.stringMatching(/^[0-9a-zA-Z-]*[a-zA-Z-][0-9a-zA-Z-]*$/).filter((s) => s.length > 0 && s.length < 8));
const version = fc.record({
  major: numeric,
  minor: numeric,
  patch: numeric,
  prerelease: fc.option(fc.array(identifier, { minLength: 1, maxLength: 3 }).map((ids) => ids.join(".")), { nil: undefined }),
  build: fc.option(fc.array(fc.stringMatching(/^[0-9a-zA-Z-]{1,6}$/), { minLength: 1, maxLength: 2 }).map((ids) => ids.join(".")), { nil: undefined }),
});

describe("semver properties", () => {
  it("formats and parses back to the same version", () => {
    fc.assert(
      fc.property(version, (v) => {
        const parsed = parseReleaseTag(formatVersionTag(v));
        expect({ major: parsed.major, minor: parsed.minor, patch: parsed.patch, prerelease: parsed.prerelease, build: parsed.build }).toEqual(v);
        expect(formatVersionTag(parsed)).toBe(formatVersionTag(v));
      }),
    );
  });

  it("orders totally: antisymmetric, transitive, build metadata ignored", () => {
    fc.assert(
      fc.property(version, version, version, (a, b, c) => {
        const [x, y, z] = [a, b, c].map((v) => parseReleaseTag(formatVersionTag(v)));
        expect(Math.sign(compareVersions(x!, y!))).toBe(-Math.sign(compareVersions(y!, x!)));
        if (compareVersions(x!, y!) <= 0 && compareVersions(y!, z!) <= 0) expect(compareVersions(x!, z!)).toBeLessThanOrEqual(0);
        expect(compareVersions(x!, parseReleaseTag(formatVersionTag({ ...a, build: "other" })))).toBe(0);
      }),
    );
  });

  it("puts a prerelease before its release, and the release after every prerelease of it", () => {
    fc.assert(
      fc.property(version, (v) => {
        fc.pre(v.prerelease !== undefined);
        const pre = parseReleaseTag(formatVersionTag(v));
        const stable = parseReleaseTag(formatVersionTag({ ...v, prerelease: undefined }));
        expect(compareVersions(pre, stable)).toBe(-1);
      }),
    );
  });

  it("follows the precedence example of SemVer 2.0.0 §11", () => {
    const chain = ["v1.0.0-alpha", "v1.0.0-alpha.1", "v1.0.0-alpha.beta", "v1.0.0-beta", "v1.0.0-beta.2", "v1.0.0-beta.11", "v1.0.0-rc.1", "v1.0.0", "v2.0.0", "v2.1.0", "v2.1.1"];
    const parsed = chain.map(parseReleaseTag);
    for (let i = 1; i < parsed.length; i++) expect(compareVersions(parsed[i - 1]!, parsed[i]!), `${chain[i - 1]} < ${chain[i]}`).toBe(-1);
    const shuffled = [...parsed].reverse().sort(compareVersions).map((v) => v.tag);
    expect(shuffled).toEqual(chain);
  });

  it("finds the previous release: the highest version below, prereleases skipped for a release", () => {
    const tags = ["v1.0.0", "v1.1.0", "v1.2.0-rc.1", "v1.2.0-rc.2", "not-a-version", "v0.9.0", "v2.0.0"];
    expect(previousReleaseTag(parseReleaseTag("v1.2.0"), tags)).toBe("v1.1.0");
    expect(previousReleaseTag(parseReleaseTag("v1.2.0-rc.3"), tags)).toBe("v1.2.0-rc.2");
    expect(previousReleaseTag(parseReleaseTag("v1.0.0"), tags)).toBe("v0.9.0");
    expect(previousReleaseTag(parseReleaseTag("v0.1.0"), tags)).toBeUndefined();
  });
});
