import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { unresolvedImports } from "../../cli/runtime-view/imports.js";
import { runtimeView } from "../../cli/runtime-view/view.js";
import { fixture } from "../helpers/runtime.js";

/**
 * (a) The runtime's file view. The runtime's source is the module source folder
 * alone (rt:config.go:144 `ContextDirectory().Directory(subPath)`), copied without
 * its config files, `sdk` and `node_modules` (rt:config.go:540-551, 561-583) into
 * `/src/<source>`, also the workdir (rt:runtime_node.go:29, 103; rt:main.go:27).
 * Nothing else of the repository reaches it: dagger.json `include` only adds to the
 * module's context, which the TypeScript runtime never copies.
 */
describe("the runtime's file view of the module", () => {
  const view = runtimeView();

  it("is the module source at /src/pipeline, without its config files, sdk/ and node_modules/", () => {
    expect(view.containerModulePath).toBe("/src/pipeline");
    expect(view.sourceFiles).toContain("src/index.ts");
    expect(view.sourceFiles).toContain("modules/pins.ts");
    expect(view.sourceFiles).toContain("vendor/zod.js");
    for (const file of view.sourceFiles) expect(file).not.toMatch(/^(package\.json|package-lock\.json|yarn\.lock|tsconfig\.json|sdk\/|node_modules\/)/);
  });

  it("holds in node_modules only what the runtime mounts: the SDK library and its TypeScript", () => {
    expect(readdirSync(join(view.modulePath, "node_modules"))).toEqual(["@dagger.io", "typescript"]);
    expect(readdirSync(join(view.modulePath, "node_modules/@dagger.io"))).toEqual(["dagger"]);
  });

  it("resolves every import of every module file inside that view", () => {
    expect(unresolvedImports(view)).toEqual([]);
  });

  it("leaves out what the old layout imported from outside the source folder, so that import fails", () => {
    const old = runtimeView(fixture("outside-import"));
    expect(old.sourceFiles).toEqual(["src/index.ts"]);
    expect(unresolvedImports(old)).toEqual([
      "src/index.ts imports ../../modules/greet.js: outside the module source, which is all the runtime copies (/src/pipeline)",
    ]);
  });
});
