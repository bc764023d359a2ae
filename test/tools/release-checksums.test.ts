import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checksumArgs, digestOf, parseChecksumOutput } from "../../pipeline/modules/release/checksums.js";
import { tempDir } from "../helpers/examples.js";

/**
 * The release's checksum script with the real sh, sha256sum and sha512sum, as
 * digestsOf runs it: without names it lists the folder itself (files only, a
 * folder skipped), so the one exec that hashes the release files also says
 * which there are.
 */

const run = (argv: string[]) => parseChecksumOutput(execFileSync(argv[0]!, argv.slice(1), { encoding: "utf8" }));

describe("the release's checksum script", () => {
  it("hashes every file of the folder when given no names, and exactly the named ones otherwise", () => {
    const dir = tempDir("checksums-");
    const files = { "app_1.2.0_linux_amd64": "\u0000binary", "with space.tar.gz": "tarball", "sbom-linux-amd64.spdx.json": "{}" };
    for (const [name, contents] of Object.entries(files)) writeFileSync(join(dir, name), contents);
    mkdirSync(join(dir, "not-an-asset"));
    const all = run(checksumArgs(dir));
    expect(all.map((d) => d.name).sort()).toEqual(Object.keys(files).sort());
    for (const d of all) expect(d).toEqual({ name: d.name, ...digestOf(files[d.name as keyof typeof files]) });
    expect(run([...checksumArgs(dir), "with space.tar.gz"]).map((d) => d.name)).toEqual(["with space.tar.gz"]);
  });

  it("prints nothing for an empty folder (the glob left unexpanded is no file)", () => {
    expect(run(checksumArgs(tempDir("checksums-empty-")))).toEqual([]);
  });
});
