import { createHash } from "node:crypto";

/** One release asset: its name as attached and its digests (hex). */
export interface AssetDigest {
  name: string;
  sha256: string;
  sha512: string;
}

/** `sha256sum` / `sha512sum` format: "<hex>  <name>", sorted by name, so `sha256sum -c` verifies it. */
export function checksumsFile(assets: readonly AssetDigest[], algorithm: "sha256" | "sha512"): string {
  return [...assets]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((a) => `${a[algorithm]}  ${a.name}\n`)
    .join("");
}

/** Reads a checksums file back: name → hex. Lines of `sha256sum -b` ("<hex> *<name>") too. */
export function parseChecksums(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const match = /^([0-9a-f]{64}|[0-9a-f]{128}) [ *](.+)$/.exec(line);
    if (match) sums.set(match[2]!, match[1]!);
  }
  return sums;
}

export function digestOf(bytes: Uint8Array | string): Pick<AssetDigest, "sha256" | "sha512"> {
  return {
    sha256: createHash("sha256").update(bytes).digest("hex"),
    sha512: createHash("sha512").update(bytes).digest("hex"),
  };
}

/**
 * A fixed checksum script for the artifacts container: prints both digests of
 * each file named after `dir`, one line each, or without names of every file
 * in `dir`, so one exec both lists and hashes the folder (what it hashes is
 * what it saw: no second look at the folder between the two).
 */
export function checksumArgs(dir: string): string[] {
  // The file names are the script's arguments ("$@") or its own glob, never part of its text.
  const script =
    'cd "$1"; shift; [ "$#" -gt 0 ] || set -- *; for f in "$@"; do [ -f "$f" ] || continue; printf "%s %s %s\\n" "$(sha256sum "$f" | cut -d" " -f1)" "$(sha512sum "$f" | cut -d" " -f1)" "$f"; done';
  return ["sh", "-c", script, "checksums", dir];
}

/** Parses checksumArgs' output into asset digests. */
export function parseChecksumOutput(output: string): AssetDigest[] {
  return output
    .split("\n")
    .map((line) => /^([0-9a-f]{64}) ([0-9a-f]{128}) (.+)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ sha256: m[1]!, sha512: m[2]!, name: m[3]! }));
}
