import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { pinnedDaggerVersion } from "../../cli/dagger-version.js";

const read = (path: string) => JSON.parse(readFileSync(new URL(`../../${path}`, import.meta.url), "utf8"));

describe("version pins", () => {
  it("keeps the Dagger engine (dagger.json) and the SDK package on the same version", () => {
    const engine = pinnedDaggerVersion();
    expect(engine).toMatch(/^0\.21\.\d+$/);
    expect(read("package.json").dependencies["@dagger.io/dagger"]).toBe(engine);
    expect(read("node_modules/@dagger.io/dagger/package.json").version).toBe(engine);
  });

  it("installs the pinned dagger CLI in the README's first command", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    expect(readme).toContain(`DAGGER_VERSION=${pinnedDaggerVersion()} `);
  });

  it("keeps typescript 5.9.3 the module's only dependency, so the runtime mounts its own and installs nothing", () => {
    const pkg = read("pipeline/package.json");
    expect(pkg.dependencies).toEqual({ typescript: "5.9.3" });
    expect(pkg.devDependencies).toBeUndefined();
  });

  it("points dagger.json at the module source, with nothing included from outside it", () => {
    const config = read("dagger.json");
    expect(config).toMatchObject({ sdk: { source: "typescript" }, source: "pipeline" });
    expect(config.include).toBeUndefined();
  });
});
