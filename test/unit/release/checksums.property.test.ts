import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checksumArgs, checksumsFile, digestOf, parseChecksumOutput, parseChecksums } from "../../../pipeline/modules/release/checksums.js";

describe("checksums", () => {
  it("round-trips checksums.txt, sorted by name", () => {
    const asset = fc.record({ name: fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,20}$/), bytes: fc.uint8Array({ maxLength: 64 }) });
    fc.assert(
      fc.property(fc.uniqueArray(asset, { selector: (a) => a.name, maxLength: 6 }), (assets) => {
        const digests = assets.map((a) => ({ name: a.name, ...digestOf(a.bytes) }));
        for (const algorithm of ["sha256", "sha512"] as const) {
          const text = checksumsFile(digests, algorithm);
          const back = parseChecksums(text);
          expect([...back.keys()]).toEqual(digests.map((d) => d.name).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
          for (const d of digests) expect(back.get(d.name)).toBe(d[algorithm]);
        }
      }),
    );
  });

  it("writes what sha256sum -c and sha512sum -c verify, from the exact checksum command the artifacts container runs", () => {
    const dir = mkdtempSync(join(tmpdir(), "checksums-"));
    const names = ["app_1.2.0_linux_amd64", "app_1.2.0_windows_amd64.exe", "with space.tar.gz"];
    names.forEach((name, i) => writeFileSync(join(dir, name), `binary ${i}\n`.repeat(i + 1)));
    const output = execFileSync(checksumArgs(dir)[0]!, [...checksumArgs(dir).slice(1), ...names], { encoding: "utf8" });
    const digests = parseChecksumOutput(output);
    expect(digests.map((d) => d.name)).toEqual(names);
    writeFileSync(join(dir, "checksums.txt"), checksumsFile(digests, "sha256"));
    writeFileSync(join(dir, "checksums-sha512.txt"), checksumsFile(digests, "sha512"));
    expect(execFileSync("sha256sum", ["-c", "checksums.txt"], { cwd: dir, encoding: "utf8" })).toContain("with space.tar.gz: OK");
    expect(execFileSync("sha512sum", ["-c", "checksums-sha512.txt"], { cwd: dir, encoding: "utf8" }).match(/: OK/g)).toHaveLength(3);
    writeFileSync(join(dir, names[0]!), "tampered");
    expect(() => execFileSync("sha256sum", ["-c", "--quiet", "checksums.txt"], { cwd: dir, stdio: "pipe" })).toThrow();
  });
});
