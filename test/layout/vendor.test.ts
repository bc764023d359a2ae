import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { bundle, declarations, VENDORED } from "../../scripts/vendor-module-deps.mjs";

const repo = new URL("../../", import.meta.url).pathname;
const read = (path: string) => readFileSync(`${repo}${path}`, "utf8");

describe("the module's vendored run-time libraries (pipeline/vendor)", () => {
  it("are exactly what scripts/vendor-module-deps.mjs bundles from the root's pinned yaml and zod", async () => {
    const devDependencies = JSON.parse(read("package.json")).devDependencies;
    for (const name of VENDORED) {
      const committed = read(`pipeline/vendor/${name}.js`);
      expect(committed.split("\n")[0], `${name}: rerun npm run vendor`).toContain(`${name}@${devDependencies[name]} `);
      expect(committed === (await bundle(name)), `pipeline/vendor/${name}.js drifted: rerun npm run vendor`).toBe(true);
      expect(read(`pipeline/vendor/${name}.d.ts`)).toBe(declarations(name));
    }
  });

});
