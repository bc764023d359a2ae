import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { returnedValue } from "../../cli/recording-engine/function-call.js";
import { runtimeView } from "../../cli/runtime-view/view.js";
import { callAsRuntime, fixture, repo } from "../helpers/runtime.js";
import { testsRan } from "../../cli/recording-engine/tests-ran.js";

/**
 * (c) The load. At every call the runtime runs its entrypoint under tsx with the
 * module's tsconfig (rt:runtime_node.go:94, 104-107), whose `paths` it points at the
 * mounted SDK library (rt:tsutils/tsconfig_updator.go:24-52); the entrypoint hands
 * every .ts/.mts file under src/ to the SDK's entrypoint (rt:tsutils/bin/__dagger.entrypoint.ts:8-42),
 * which imports them all, introspects them, then invokes the called function
 * (the SDK's module/entrypoint/entrypoint.js). Here that process talks to the
 * recording engine, which hands it the call as an engine would.
 */
describe("the module loaded and called as the runtime does", () => {
  it("imports every src/**/*.ts, then runs `ci` on a Go project and returns its summary to the engine", async () => {
    const call = await callAsRuntime(
      runtimeView(),
      { moduleName: "pipeline", parentName: "Pipeline", name: "ci", inputArgs: {} },
      join(repo, "examples/go-service"),
      // go test's events and coverprofile, as the real go writes them: ci passes only when tests ran.
      testsRan(),
    );
    expect(call.stderr).toBe("");
    expect(call.exitCode).toBe(0);
    const returned = JSON.parse(returnedValue(call.engine.records) ?? "null") as string;
    expect(returned).toMatch(/^# Pipeline: go project/);
    expect(call.engine.executedCommands()).toContainEqual(expect.arrayContaining(["go", "vet", "./..."]));
  }, 300_000);

  it("fails the old layout at load with ERR_MODULE_NOT_FOUND: its import of ../../modules is not in the view", async () => {
    const call = await callAsRuntime(runtimeView(fixture("outside-import")), {
      moduleName: "outside-import",
      parentName: "OutsideImport",
      name: "hello",
      inputArgs: {},
    });
    expect(call.exitCode).not.toBe(0);
    expect(call.stderr).toMatch(/ERR_MODULE_NOT_FOUND/);
    expect(call.stderr).toMatch(/modules\/greet/);
    expect(returnedValue(call.engine.records)).toBeUndefined();
  }, 300_000);
});
