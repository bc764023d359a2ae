import { describe, expect, it } from "vitest";
import { importFromRuntimeView } from "../../cli/runtime-view/load.js";
import { fixture } from "../helpers/runtime.js";

/** The recording engine's callers (plan, the graph tests) load the module from the runtime's view, not the repository. */
describe("the module as plan and the graph tests load it", () => {
  it("fails to load a module whose import leaves its source folder, as on an engine", async () => {
    await expect(importFromRuntimeView("src/index.ts", fixture("outside-import"))).rejects.toThrow(/modules\/greet/);
  });
});
