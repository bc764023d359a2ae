import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { extractModuleSignature } from "../../cli/module/extract-signature.js";
import { importFromRuntimeView } from "../../cli/runtime-view/load.js";
import { REPO, tempDir } from "../helpers/examples.js";

const MODULE_FILE = join(REPO, "pipeline/src/index.ts");

function moduleFile(text: string): string {
  const file = join(tempDir("module-signature-"), "index.ts");
  writeFileSync(file, text);
  return file;
}

describe("the module signature, extracted from pipeline/src/index.ts", () => {
  const signature = extractModuleSignature(MODULE_FILE);

  it("lists the @func() methods as `dagger call` names them, each a real method of the class plan instantiates", async () => {
    const flags = signature.functions.map((f) => f.flag);
    expect(flags).toEqual(expect.arrayContaining(["ci", "lint", "test", "property-test", "bench", "reports", "bench-baseline", "release"]));
    const { Pipeline } = await importFromRuntimeView();
    for (const fn of signature.functions) expect(typeof (Pipeline.prototype as unknown as Record<string, unknown>)[fn.name], fn.name).toBe("function");
  });

  it("reads release's parameters with their kinds and JSDoc, and the function's own JSDoc", () => {
    const release = signature.functions.find((f) => f.name === "release")!;
    expect(release.params.slice(0, 3).map(({ flag, type, kind, optional }) => ({ flag, type, kind, optional }))).toEqual([
      { flag: "tag", type: "string", kind: "string", optional: false },
      { flag: "registry-token", type: "Secret", kind: "secret", optional: true },
      { flag: "registry-username", type: "string", kind: "string", optional: true },
    ]);
    expect(release.params[0]!.description).toMatch(/^The release tag/);
    expect(release.description).toMatch(/^Cuts a release: /);
    expect(release.description).not.toContain("@param");
  });

  it("takes the source ignore list from the constructor's @argument, exactly as written there", () => {
    const written = /ignore:\s*(\[[^\]]*\])/.exec(readFileSync(MODULE_FILE, "utf8"))?.[1];
    expect(written).toBeDefined();
    expect(signature.sourceIgnore).toEqual(JSON.parse(written!));
  });

  it("reads optional, nullable, defaulted, list and unsupported parameter types, and constructor arguments after the source", () => {
    const read = extractModuleSignature(
      moduleFile(`@object()
export class M {
  /** @param region Where it runs. */
  constructor(@argument({ defaultPath: "/" }) source: Directory, region: string = "eu") {}
  /**
   * Does a. It does more.
   *
   * Details that --help leaves out of the list.
   * @param n How many.
   */
  @func() a(n: number, flag: boolean = false, token: Secret | undefined, name: string | null, dir?: Directory, tags: string[] = ["x"], count = -2): void {}
  helper(): void {}
}
`),
    );
    expect(read.sourceIgnore).toEqual([]);
    expect(read.constructorParams).toEqual([{ name: "region", flag: "region", type: "string", kind: "string", optional: true, default: "eu", description: "Where it runs." }]);
    expect(read.functions.map((f) => [f.name, f.description])).toEqual([["a", "Does a. It does more."]]);
    expect(read.functions[0]!.params.map(({ name, kind, optional, description, default: value }) => ({ name, kind, optional, description, value }))).toEqual([
      { name: "n", kind: "number", optional: false, description: "How many.", value: undefined },
      { name: "flag", kind: "boolean", optional: true, description: "", value: false },
      { name: "token", kind: "secret", optional: true, description: "", value: undefined },
      { name: "name", kind: "string", optional: true, description: "", value: undefined },
      { name: "dir", kind: undefined, optional: true, description: "", value: undefined },
      { name: "tags", kind: "string[]", optional: true, description: "", value: ["x"] },
      // No type written: plan cannot tell what to pass, so it passes nothing.
      { name: "count", kind: undefined, optional: true, description: "", value: -2 },
    ]);
  });

  it("fails loudly when the constructor no longer takes the source first", () => {
    const file = moduleFile(`@object()\nexport class M {\n  constructor(extra: string, @argument({ defaultPath: "/" }) source: Directory) {}\n}\n`);
    expect(() => extractModuleSignature(file)).toThrow("plan expects the constructor's first parameter to be the source Directory");
  });
});
