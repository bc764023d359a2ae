import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MODULE_FILE, readModuleSignature } from "../../cli/plan/module-signature.js";
import { importFromRuntimeView } from "../../cli/runtime-view/load.js";
import { tempDir } from "../helpers/examples.js";

describe("the module signature plan reads from pipeline/src/index.ts", () => {
  const signature = readModuleSignature();

  it("lists the @func() methods with their parameters' kinds, as `dagger call` exposes them", async () => {
    expect(signature.functions.map((f) => f.flag)).toEqual(["ci", "lint", "test", "property-test", "scan", "bench", "reports", "bench-baseline", "build", "scan-image", "sbom", "publish", "sign", "release", "deploy"]);
    const release = signature.functions.find((f) => f.name === "release")!;
    expect(release.params.map(({ flag, type, kind, optional }) => ({ flag, type, kind, optional }))).toEqual([
      { flag: "tag", type: "string", kind: "string", optional: false },
      { flag: "registry-token", type: "Secret", kind: "secret", optional: true },
      { flag: "registry-username", type: "string", kind: "string", optional: true },
      { flag: "rerun", type: "string", kind: "string", optional: true },
      { flag: "npmrc", type: "Secret", kind: "secret", optional: true },
      { flag: "pip-conf", type: "Secret", kind: "secret", optional: true },
      { flag: "netrc", type: "Secret", kind: "secret", optional: true },
      { flag: "goprivate", type: "string", kind: "string", optional: true },
      { flag: "dry-run", type: "boolean", kind: "boolean", optional: true },
      { flag: "github-token", type: "Secret", kind: "secret", optional: true },
      { flag: "gitlab-token", type: "Secret", kind: "secret", optional: true },
      { flag: "signing-key", type: "Secret", kind: "secret", optional: true },
      { flag: "signing-password", type: "Secret", kind: "secret", optional: true },
      { flag: "oidc-token", type: "Secret", kind: "secret", optional: true },
    ]);
    expect(release.params[0]!.description).toMatch(/^The release tag/);
    // Each is a real method of the class plan instantiates.
    const { Pipeline } = await importFromRuntimeView();
    for (const fn of signature.functions) expect(typeof (Pipeline.prototype as unknown as Record<string, unknown>)[fn.name], fn.name).toBe("function");
  });

  it("takes the source ignore list from the constructor's @argument, exactly as written there", () => {
    const text = readFileSync(MODULE_FILE, "utf8");
    const written = /ignore:\s*(\[[^\]]*\])/.exec(text)?.[1];
    expect(written).toBeDefined();
    expect(signature.sourceIgnore).toEqual(JSON.parse(written!));
    expect(signature.sourceIgnore).toEqual(expect.arrayContaining(["**/node_modules", "**/.git"]));
  });

  it("reads optional, nullable, defaulted and unsupported parameter types", () => {
    const file = join(tempDir("module-signature-"), "index.ts");
    writeFileSync(
      file,
      `@object()
export class M {
  constructor(@argument({ defaultPath: "/" }) source: Directory) {}
  /** @param n How many. */
  @func() a(n: number, flag: boolean = false, token: Secret | undefined, name: string | null, dir?: Directory): void {}
  helper(): void {}
}
`,
    );
    const read = readModuleSignature(file);
    expect(read.sourceIgnore).toEqual([]);
    expect(read.functions).toHaveLength(1);
    expect(read.functions[0]!.params.map(({ name, kind, optional, description }) => ({ name, kind, optional, description }))).toEqual([
      { name: "n", kind: "number", optional: false, description: "How many." },
      { name: "flag", kind: "boolean", optional: true, description: "" },
      { name: "token", kind: "secret", optional: true, description: "" },
      { name: "name", kind: "string", optional: true, description: "" },
      { name: "dir", kind: undefined, optional: true, description: "" },
    ]);
  });

  it("fails loudly when the constructor no longer takes just the source", () => {
    const file = join(tempDir("module-signature-"), "index.ts");
    writeFileSync(file, `@object()\nexport class M {\n  constructor(source: Directory, extra: string) {}\n}\n`);
    expect(() => readModuleSignature(file)).toThrow("plan expects the constructor to take only the source Directory");
  });
});
