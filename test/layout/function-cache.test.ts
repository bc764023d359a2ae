import { readFileSync } from "node:fs";
import ts from "typescript";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/** The module's entry file, where the SDK's introspector reads each function's options. */
const MODULE_FILE = fileURLToPath(new URL("../../pipeline/src/index.ts", import.meta.url));

/**
 * The engine caches a function's result (7 days by default) unless its
 * `@func({ cache })` says otherwise; the SDK's introspector reads that option
 * from the decorator's object literal, as this does.
 */
function functionCacheOptions(file = MODULE_FILE): Record<string, string | undefined> {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
  const options: Record<string, string | undefined> = {};
  const visit = (node: ts.Node): void => {
    if (ts.isMethodDeclaration(node)) {
      const func = ts
        .getDecorators(node)
        ?.map((d) => d.expression)
        .find((e): e is ts.CallExpression => ts.isCallExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === "func");
      if (func) {
        const [argument] = func.arguments;
        const cache = argument && ts.isObjectLiteralExpression(argument)
          ? argument.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText(source) === "cache")
          : undefined;
        options[node.name.getText(source)] = cache && ts.isStringLiteral(cache.initializer) ? cache.initializer.text : undefined;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return options;
}

describe("function caching", () => {
  it("never caches a function with side effects: release publishes, bench-baseline measures", () => {
    const options = functionCacheOptions();
    expect(options["release"]).toBe("never");
    expect(options["benchBaseline"]).toBe("never");
    // deploy applies to a cluster or pushes a GitOps commit: a cached "deployed" would deploy nothing.
    expect(options["deploy"]).toBe("never");
  });

  it("leaves ci, the checks and reports to the engine's cache, so the wrappers' ci after reports costs nothing", () => {
    const options = functionCacheOptions();
    for (const name of ["ci", "lint", "test", "integration", "propertyTest", "bench", "reports"]) expect(options).toHaveProperty(name, undefined);
  });
});
