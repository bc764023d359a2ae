import { describe, expect, it } from "vitest";
import { daggerCallPrefix, MODULE_REF } from "../../../cli/wrappers/call-prefix.js";

/**
 * `--module`: a published Dagger module pinned exactly, as `dagger -m` takes a
 * Git module: host/owner/repo[/subfolder]@version, the version a vX.Y.Z tag
 * (with a prerelease) or a 40-hex commit.
 */
describe("MODULE_REF", () => {
  it.each([
    "github.com/acme/pipeline@v1.2.0",
    "github.com/acme/pipeline@1.2.0",
    "github.com/acme/pipeline@v2.0.0-rc.1",
    "gitlab.example.com/group/sub/pipeline@v1.2.0",
    "github.com/acme/mono/ci/pipeline@v1.2.0",
    "github.com/acme/pipeline@0123456789abcdef0123456789abcdef01234567",
  ])("takes %j", (module) => {
    expect(MODULE_REF.test(module)).toBe(true);
    expect(daggerCallPrefix("/nowhere", module)).toBe(`dagger -m ${module} call --source=. --git=.`);
  });

  it.each([
    ["a host and a name without an owner", "github.com/pipeline@v1.2.0"],
    ["a host alone", "github.com@v1.2.0"],
    ["a . segment", "github.com/acme/./pipeline@v1.2.0"],
    ["a .. segment before the version", "github.com/acme/..@v1.2.0"],
    ["a version without its patch number", "github.com/acme/pipeline@v1.2"],
    ["a branch", "github.com/acme/pipeline@main"],
    ["a 39-hex commit", "github.com/acme/pipeline@0123456789abcdef0123456789abcdef0123456"],
    ["no version", "github.com/acme/pipeline"],
    ["an upper-case host", "GitHub.com/acme/pipeline@v1.2.0"],
    ["a one-letter top-level domain", "github.c/acme/pipeline@v1.2.0"],
  ])("refuses %s (%j), naming the form it takes", (_, module) => {
    expect(MODULE_REF.test(module)).toBe(false);
    expect(() => daggerCallPrefix("/nowhere", module)).toThrow(expect.objectContaining({ code: "WRAPPERS_MODULE_INVALID", exitCode: 2, message: expect.stringContaining("(host/owner/name@version)") }));
  });
});
