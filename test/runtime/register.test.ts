import { describe, expect, it } from "vitest";
import { returnedValue } from "../../cli/recording-engine/function-call.js";
import { argText, isChainRef, type Step } from "../../cli/recording-engine/query.js";
import { runtimeView } from "../../cli/runtime-view/view.js";
import { callAsRuntime } from "../helpers/runtime.js";

interface RegisteredFunction {
  name: string;
  cachePolicy: unknown;
  check: boolean;
  args: unknown[];
}

/** The functions of a module typedef chain (module → withObject(typeDef … withFunction(function …)…)), once each. */
function registeredFunctions(chain: readonly Step[]): RegisteredFunction[] {
  const found = new Map<string, RegisteredFunction>();
  const visit = (steps: readonly Step[]) => {
    for (const step of steps) {
      const fn = step.args["function"];
      if (step.field === "withFunction" && isChainRef(fn)) {
        const fnSteps = fn.$chain;
        const name = argText(fnSteps[0]?.args["name"]);
        found.set(name, {
          name,
          cachePolicy: fnSteps.find((s) => s.field === "withCachePolicy")?.args["policy"],
          check: fnSteps.some((s) => s.field === "withCheck"),
          args: fnSteps.filter((s) => s.field === "withArg").map((s) => s.args["name"]),
        });
      }
      for (const value of Object.values(step.args)) if (isChainRef(value)) visit(value.$chain);
    }
  };
  visit(chain);
  return [...found.values()];
}

/**
 * The registration call: with no parent the SDK's entrypoint introspects the
 * files it was given and returns the module's typedef (the SDK's
 * module/entrypoint/entrypoint.js, Register), which is what `dagger functions`
 * and `dagger call --help` list and what the engine's function cache obeys.
 */
describe("the module registered as the runtime registers it", () => {
  it("declares each function, the stage checks, and never caches the ones with side effects", async () => {
    const call = await callAsRuntime(runtimeView(), { moduleName: "pipeline", parentName: "", name: "", inputArgs: {} });
    expect(call.stderr).toBe("");
    expect(call.exitCode).toBe(0);
    const moduleId = JSON.parse(returnedValue(call.engine.records) ?? "null") as string;
    const functions = registeredFunctions(call.engine.chainOf(moduleId) ?? []);
    const byName = Object.fromEntries(functions.map((f) => [f.name, f]));
    expect(Object.keys(byName).sort()).toEqual([
      "bench",
      "benchBaseline",
      "build",
      "ci",
      "deploy",
      "integration",
      "lint",
      "propertyTest",
      "publish",
      "release",
      "reports",
      "sbom",
      "scan",
      "scanImage",
      "sign",
      "test",
      "withSecret",
    ]);
    expect(functions.filter((f) => f.check).map((f) => f.name).sort()).toEqual(["bench", "integration", "lint", "propertyTest", "scan", "test"]);
    expect(functions.filter((f) => f.cachePolicy === "Never").map((f) => f.name).sort()).toEqual(["benchBaseline", "deploy", "publish", "release", "sign"]);
    expect(byName["release"]!.args).toEqual(expect.arrayContaining(["tag", "registryToken", "githubToken", "gitlabToken", "signingKey", "dryRun"]));
    expect(byName["deploy"]!.args).toEqual(expect.arrayContaining(["environment", "image", "kubeconfig", "dryRun"]));
  }, 300_000);
});
