import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkTagAgainstVersion, pep440, pyprojectVersion, readDeclaredVersion } from "../../../pipeline/modules/release/version-file.js";

const semver = fc.tuple(fc.nat(99), fc.nat(99), fc.nat(99)).map(([a, b, c]) => `${a}.${b}.${c}`);

describe("version files", () => {
  it("reads the version each ecosystem declares", () => {
    fc.assert(
      fc.property(semver, (v) => {
        expect(readDeclaredVersion("package.json", JSON.stringify({ name: "x", version: v }, null, 2))).toBe(v);
        expect(readDeclaredVersion("svc/pyproject.toml", `[build-system]\nrequires = ["hatchling"]\n\n[project]\nname = "x"\nversion = "${v}"  # bumped by hand\n\n[tool.other]\nversion = "9.9.9"\n`)).toBe(v);
        expect(readDeclaredVersion("VERSION", `# the version\nv${v}\n`)).toBe(v);
      }),
    );
  });

  it("accepts the tag's version and refuses another, naming the file and both versions", () => {
    fc.assert(
      fc.property(semver, semver, (a, b) => {
        expect(() => checkTagAgainstVersion(a, "package.json", a)).not.toThrow();
        if (a !== b) expect(() => checkTagAgainstVersion(a, "package.json", b)).toThrow(`the tag says ${a} but package.json says ${b}`);
      }),
    );
  });

  it("compares Python prereleases in PEP 440 spelling", () => {
    expect(pep440("1.2.0-rc.1")).toBe("1.2.0rc1");
    expect(pep440("1.2.0-beta.2")).toBe("1.2.0b2");
    expect(() => checkTagAgainstVersion("1.2.0-rc.1", "pyproject.toml", "1.2.0rc1")).not.toThrow();
    expect(() => checkTagAgainstVersion("1.2.0-rc.1", "pyproject.toml", "1.2.0rc2")).toThrow("set the version in pyproject.toml to 1.2.0rc1");
  });

  it("says nothing of a pyproject with a dynamic version, and reads Poetry's table", () => {
    expect(pyprojectVersion('[project]\nname = "x"\ndynamic = ["version"]\n')).toBeUndefined();
    expect(pyprojectVersion("[tool.poetry]\nversion = '2.0.1'\n")).toBe("2.0.1");
    expect(() => readDeclaredVersion("package.json", "{ nope")).toThrow("package.json is not valid JSON");
  });
});
