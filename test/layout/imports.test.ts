import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const repo = new URL("../../", import.meta.url).pathname;

function tsFiles(dir: string): string[] {
  return readdirSync(join(repo, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts"))
    .map((e) => relative(repo, join(e.parentPath, e.name)))
    // Dot folders are scratch (typecheck.test.ts's probe lives and dies in modules/.typecheck-*).
    .filter((file) => !file.split("/").some((part) => part.startsWith(".")));
}

const importsOf = (file: string) =>
  [...readFileSync(join(repo, file), "utf8").matchAll(/from\s+["']([^"']+)["']/g)].map((m) => m[1]!);

describe("layout rules the Dagger runtime enforces only at `dagger call`", () => {
  it("keeps host-only packages and tests out of pipeline/src (the runtime imports every file there)", () => {
    for (const file of tsFiles("pipeline/src")) {
      expect(file).not.toMatch(/\.(test|spec)\.ts$/);
      for (const spec of importsOf(file)) expect(spec, file).not.toMatch(/^(vitest|commander|execa|node:test|tsx)$/);
    }
  });

  it("lets modules/ import only @dagger.io/dagger, node: builtins and relative files", () => {
    for (const file of tsFiles("modules")) {
      for (const spec of importsOf(file)) expect(spec, file).toMatch(/^(@dagger\.io\/dagger$|node:|\.\.?\/)/);
    }
  });

  it("uses .js suffixes on relative imports, which both tsx and the runtime's module resolution accept", () => {
    for (const file of [...tsFiles("modules"), ...tsFiles("pipeline/src")]) {
      for (const spec of importsOf(file).filter((s) => s.startsWith("."))) expect(spec, file).toMatch(/\.js$/);
    }
  });
});
