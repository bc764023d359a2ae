import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { pinnedDaggerVersion } from "../../cli/dagger-version.js";
import { IMAGES } from "../../pipeline/modules/pins.js";

const read = (path: string) => JSON.parse(readFileSync(new URL(`../../${path}`, import.meta.url), "utf8"));

describe("version pins", () => {
  it("keeps the Dagger engine (dagger.json) and the SDK package on the same version", () => {
    const engine = pinnedDaggerVersion();
    expect(engine).toMatch(/^0\.21\.\d+$/);
    // A devDependency: the CLI bundles the part of the SDK plan uses (dist/ needs no package).
    expect(read("package.json").devDependencies["@dagger.io/dagger"]).toBe(engine);
    expect(read("node_modules/@dagger.io/dagger/package.json").version).toBe(engine);
  });

  it("installs the pinned dagger CLI in the README's first command", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    expect(readme).toContain(`DAGGER_VERSION=${pinnedDaggerVersion()} `);
  });

  it("keeps typescript 5.9.3 the module's only dependency, so the runtime mounts its own and installs nothing", () => {
    const pkg = read("pipeline/package.json");
    expect(pkg.dependencies).toEqual({ typescript: "5.9.3" });
    expect(pkg.devDependencies).toBeUndefined();
  });

  it("points dagger.json at the module source, with nothing included from outside it", () => {
    const config = read("dagger.json");
    expect(config).toMatchObject({ sdk: { source: "typescript" }, source: "pipeline" });
    expect(config.include).toBeUndefined();
  });
});

/** `name:tag@sha256:<digest>` split into its parts; undefined when the reference is not of that form. */
function tagAndDigest(image: string): { name: string; tag: string; digest: string } | undefined {
  const match = /^([a-z0-9][\w./-]*):([\w.-]+)@sha256:([a-f0-9]{64})$/.exec(image);
  return match ? { name: match[1]!, tag: match[2]!, digest: match[3]! } : undefined;
}

/** The leading version numbers of a tag: "24.21.0-bookworm-slim" is [24, 21, 0], "v2.14.0" is [2, 14, 0]. */
function versionOf(tag: string): number[] {
  return /^v?(\d+(?:\.\d+)*)/.exec(tag)![1]!.split(".").map(Number);
}

const atLeast = (version: number[], minimum: number[]) => {
  for (let i = 0; i < minimum.length; i++) if ((version[i] ?? 0) !== minimum[i]) return (version[i] ?? 0) > minimum[i]!;
  return true;
};

describe("tool image pins", () => {
  // No image is allowed a tag alone: a tag is moved by every upstream rebuild, a digest is not.
  it.each(Object.entries(IMAGES))("pins %s by tag and digest (name:tag@sha256:<64 hex>)", (_key, image) => {
    expect(tagAndDigest(image), image).toBeDefined();
  });

  it("runs a Node with a corepack that can install pnpm (22.14 or later), on Debian bookworm slim", () => {
    const { name, tag } = tagAndDigest(IMAGES.node)!;
    expect(name).toBe("node");
    expect(tag).toMatch(/^\d+\.\d+\.\d+-bookworm-slim$/);
    expect(atLeast(versionOf(tag), [22, 14])).toBe(true);
    // Even majors are the LTS lines; odd ones are never LTS.
    expect(versionOf(tag)[0]! % 2).toBe(0);
  });

  it("runs golangci-lint v2, the major that lints modules declaring go 1.24 and later", () => {
    const { name, tag } = tagAndDigest(IMAGES.golangciLint)!;
    expect(name).toBe("golangci/golangci-lint");
    expect(versionOf(tag)[0]).toBe(2);
  });

  it("runs a supported Go (1.25 or 1.26) on bookworm, an exact patch release", () => {
    const { name, tag } = tagAndDigest(IMAGES.go)!;
    expect(name).toBe("golang");
    expect(tag).toMatch(/^1\.2[56]\.\d+-bookworm$/);
  });

  it("runs Python 3.11 slim-bookworm, the Python the real-tool tests use here", () => {
    const { name, tag } = tagAndDigest(IMAGES.python)!;
    expect(name).toBe("python");
    expect(tag).toMatch(/^3\.11\.\d+-slim-bookworm$/);
  });
});
