import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The third-party notices of what the bundle holds: for each package whose
 * code esbuild put in (`bundledInputs`, relative to `root`), its name, version, license and license text (MIT,
 * ISC and Apache-2.0 all ask for it to travel with the code).
 */
export function thirdPartyNotices(root: string, bundledInputs: readonly string[]): string {
  const packages = new Map<string, string>();
  for (const input of bundledInputs) {
    const match = /^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//.exec(input);
    if (match) packages.set(match[2]!, join(root, match[1]!));
  }
  const sections = [...packages.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, dir]) => {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string; license?: string };
      const files = readdirSync(dir).filter((f) => /^(licen[cs]e|copying|notice)([.-]|$)/i.test(f)).sort();
      const text = files.length
        ? files.map((f) => readFileSync(join(dir, f), "utf8").trim()).join("\n\n")
        : `(no license file in the package; its package.json says ${pkg.license ?? "nothing"})`;
      return `${name}@${pkg.version} (${pkg.license ?? "unknown"})\n\n${text}\n`;
    });
  return `Third-party code bundled into this package's dist/ folder:\n\n${sections.join(`\n${"-".repeat(72)}\n\n`)}`;
}
