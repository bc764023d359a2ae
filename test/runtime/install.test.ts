import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runtimeInstall } from "../../cli/runtime-view/install.js";
import { PACKAGE_MANAGER_DEFAULT_VERSIONS } from "../../cli/runtime-view/runtime-source.js";
import { canMountInNamespace, fixture, repo, runRuntimeInstall, RUNTIME_NPM_VERSION } from "../helpers/runtime.js";

/**
 * (b) The runtime's install step: the package manager its lockfile rule picks
 * (rt:config.go:467-517) at its pinned version (rt:config.go:33-38), the
 * TypeScript mount when `typescript` is exactly 5.9.3 (rt:tsdistconsts/consts.go:22;
 * rt:runtime_node.go:253-256, 312-316, 372-376), the skip when that is the only
 * dependency (lines 258-261, 317-320, 377-380), else the lockfile and .npmrc
 * copied in and `npm install --omit=dev` / `yarn install --prod` /
 * `pnpm install --shamefully-hoist=true --prod` (lines 263-267, 324-328, 383-387).
 */
const TS_ONLY = JSON.stringify({ dependencies: { typescript: "5.9.3" } });
const WITH_DEPS = JSON.stringify({ dependencies: { typescript: "5.9.3", yaml: "2.9.1" } });

describe("the runtime's package-manager rule", () => {
  it.each([
    { entries: [], manager: "yarn", version: "1.22.22" },
    { entries: ["package-lock.json"], manager: "npm", version: "11.8.0" },
    { entries: ["yarn.lock"], manager: "yarn", version: "1.22.22" },
    { entries: ["pnpm-lock.yaml"], manager: "pnpm", version: "8.15.4" },
    // npm's lockfile wins over the others: the rule checks it first.
    { entries: ["pnpm-lock.yaml", "package-lock.json", "yarn.lock"], manager: "npm", version: "11.8.0" },
  ])("picks $manager $version for lockfiles $entries", ({ entries, manager, version }) => {
    expect(runtimeInstall(WITH_DEPS, ["package.json", ...entries])).toMatchObject({ packageManager: manager, version });
  });

  it("follows package.json's packageManager over any lockfile, and refuses one without a version", () => {
    const declared = JSON.stringify({ packageManager: "pnpm@9.15.0", dependencies: {} });
    expect(runtimeInstall(declared, ["package-lock.json"])).toMatchObject({ packageManager: "pnpm", version: "9.15.0" });
    expect(() => runtimeInstall(JSON.stringify({ packageManager: "pnpm" }), [])).toThrow(/packageManager version is missing/);
  });

  it("mounts TypeScript only for exactly 5.9.3, and skips the install only when it is the only dependency", () => {
    expect(runtimeInstall(TS_ONLY, [])).toMatchObject({ mountsTypescript: true, install: undefined, copiedForInstall: [] });
    expect(runtimeInstall(WITH_DEPS, ["package-lock.json"])).toMatchObject({
      mountsTypescript: true,
      install: ["npm", "install", "--omit=dev"],
      copiedForInstall: ["package-lock.json", ".npmrc"],
    });
    expect(runtimeInstall(JSON.stringify({ dependencies: { typescript: "5.9.2" } }), [])).toMatchObject({
      mountsTypescript: false,
      install: ["yarn", "install", "--prod"],
    });
    // No package.json: the runtime writes a default one and installs typescript (it was not declared, so not mounted).
    expect(runtimeInstall(undefined, [])).toMatchObject({ mountsTypescript: false, install: ["yarn", "install", "--prod"] });
  });

  it("runs npm at the version the runtime pins", () => {
    expect(RUNTIME_NPM_VERSION).toBe(PACKAGE_MANAGER_DEFAULT_VERSIONS.npm);
  });
});

if (!canMountInNamespace) it.skip("the real install step needs `unshare -rm` with `mount --bind` (user namespaces), which this machine refuses", () => {});

describe.runIf(canMountInNamespace)("the runtime's install step, run for real with the TypeScript mount", () => {
  it("installs nothing for this module: typescript 5.9.3 alone is mounted, no package manager runs", async () => {
    const source = join(repo, "pipeline");
    expect(readdirSync(source).filter((f) => /lock/.test(f))).toEqual([]);
    expect(JSON.parse(readFileSync(join(source, "package.json"), "utf8")).dependencies).toEqual({ typescript: "5.9.3" });
    const run = await runRuntimeInstall(source);
    expect(run.install).toMatchObject({ packageManager: "yarn", setup: undefined, mountsTypescript: true, install: undefined });
    expect(run.exitCode).toBe(0);
  });

  it("fails the old layout (npm lockfile, typescript 5.9.3 and more) with EBUSY renaming the mounted TypeScript", async () => {
    const run = await runRuntimeInstall(join(fixture("npm-lockfile-with-deps"), "pipeline"));
    expect(run.install.install).toEqual(["npm", "install", "--omit=dev"]);
    expect(run.exitCode).not.toBe(0);
    expect(run.output).toMatch(/EBUSY: resource busy or locked, rename '[^']*node_modules\/typescript'/);
  }, 300_000);

  it("passes the old layout without the mount: the mount is what breaks it", async () => {
    const run = await runRuntimeInstall(join(fixture("npm-lockfile-with-deps"), "pipeline"), { mountTypescript: false });
    expect(run.output).not.toMatch(/EBUSY/);
    expect(run.exitCode, run.output).toBe(0);
  }, 300_000);
});
