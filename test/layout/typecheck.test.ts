import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";

const repo = new URL("../../", import.meta.url).pathname;
const tsc = join(repo, "node_modules/typescript/bin/tsc");

/** Type-checks one module file as the runtime would see it, against the bundle surface or the full SDK. */
async function checkModuleFile(source: string, tsconfig: "bundle" | "module") {
  // Inside pipeline/modules/ so the include globs and relative paths match the real layout.
  const dir = mkdtempSync(join(repo, "pipeline/modules/.typecheck-"));
  try {
    writeFileSync(join(dir, "probe.ts"), source);
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({ extends: join(repo, `test/typecheck/${tsconfig}.tsconfig.json`), include: ["probe.ts"] }),
    );
    return await execa("node", [tsc, "-p", join(dir, "tsconfig.json")], { reject: false });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("module type-check against the runtime's bundle surface", () => {
  it("fails module code that imports ExecError, which the generated bundle does not export", async () => {
    const probe = `import { ExecError } from "@dagger.io/dagger";\nexport const isExec = (e: unknown) => e instanceof ExecError;\n`;
    const bundle = await checkModuleFile(probe, "bundle");
    expect(bundle.exitCode).not.toBe(0);
    expect(bundle.stdout).toMatch(/TS2305: Module '"@dagger.io\/dagger"' has no exported member 'ExecError'/);
    // The same file is fine against the full package: the bundle check is what catches it.
    const full = await checkModuleFile(probe, "module");
    expect(full.stdout).toBe("");
    expect(full.exitCode).toBe(0);
  });

  it("accepts what the bundle does export: dag, decorators, API types and enums", async () => {
    const probe = `import { dag, object, func, check, argument, ReturnType, type Container } from "@dagger.io/dagger";
void object; void func; void check; void argument;
export const probe = (): Container => dag.container().withExec(["true"], { expect: ReturnType.Any });
`;
    const result = await checkModuleFile(probe, "bundle");
    expect(result.stdout).toBe("");
    expect(result.exitCode).toBe(0);
  });
});
