import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const repo = new URL("../../", import.meta.url).pathname;

function tsFiles(dir: string): string[] {
  return readdirSync(join(repo, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts"))
    .map((e) => relative(repo, join(e.parentPath, e.name)))
    // Dot folders are scratch (typecheck.test.ts's probe lives and dies in pipeline/modules/.typecheck-*).
    .filter((file) => !file.split("/").some((part) => part.startsWith(".")));
}

/**
 * Every module a source names with a string literal: import and export-from
 * (type-only too), side-effect imports, `import x = require(...)`,
 * `import(...)`, `require(...)` and `import("...")` types. Parsed, not
 * pattern-matched, so no spelling slips past.
 */
function importSpecifiers(text: string, fileName = "source.ts"): string[] {
  const found: string[] = [];
  const literal = (node: ts.Node | undefined) => {
    if (node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))) found.push(node.text);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) literal(node.moduleSpecifier);
    else if (ts.isExternalModuleReference(node)) literal(node.expression);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) literal(node.argument.literal);
    else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === "require")) literal(node.arguments[0]);
    }
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS));
  return found;
}

/** The package a bare specifier resolves to: `@scope/name` or `name`, before any subpath; `node:x` for builtins. */
function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

const isRelative = (spec: string) => spec.startsWith("./") || spec.startsWith("../");
const importsOf = (file: string) => importSpecifiers(readFileSync(join(repo, file), "utf8"), file);

describe("the import extractor", () => {
  it("finds every form that loads a module", () => {
    const source = [
      'import { a } from "from-named";',
      "import b from 'from-default';",
      'import * as c from "from-namespace";',
      'import type { D } from "type-only";',
      'import "side-effect";',
      'export { e } from "export-from";',
      'export * from "export-star";',
      'export type { F } from "export-type";',
      'import g = require("import-equals");',
      'const h = await import("dynamic");',
      "const i = await import(`dynamic-template`);",
      'const j = require("required");',
      'type K = typeof import("import-type");',
      "async function later() { return (await import(\"nested\")).default; }",
    ].join("\n");
    expect(importSpecifiers(source)).toEqual([
      "from-named",
      "from-default",
      "from-namespace",
      "type-only",
      "side-effect",
      "export-from",
      "export-star",
      "export-type",
      "import-equals",
      "dynamic",
      "dynamic-template",
      "required",
      "import-type",
      "nested",
    ]);
  });

  it("ignores what only looks like an import: strings, comments, computed specifiers", () => {
    const source = [
      '// import "in-a-comment";',
      'const text = "import x from \\"in-a-string\\"";',
      "const name = 'computed'; await import(name);",
      "obj.import(\"a-method\");",
    ].join("\n");
    expect(importSpecifiers(source)).toEqual([]);
  });

  it("names the package before any subpath, scoped or not", () => {
    expect(packageName("vitest")).toBe("vitest");
    expect(packageName("vitest/config")).toBe("vitest");
    expect(packageName("execa/x")).toBe("execa");
    expect(packageName("tsx/esm/api")).toBe("tsx");
    expect(packageName("@dagger.io/dagger")).toBe("@dagger.io/dagger");
    expect(packageName("@dagger.io/dagger/telemetry")).toBe("@dagger.io/dagger");
    expect(packageName("node:test")).toBe("node:test");
    expect(packageName("node:test/reporters")).toBe("node:test");
  });

  it("catches the forms a `from \"…\"` pattern let through, by their package", () => {
    const source = 'import "vitest";\nawait import("commander");\nexport { x } from "x";\nimport { defineConfig } from "vitest/config";\nimport { $ } from "execa/x";\n';
    expect(importSpecifiers(source).map(packageName)).toEqual(["vitest", "commander", "x", "vitest", "execa"]);
  });
});

describe("layout rules the Dagger runtime enforces only at `dagger call`", () => {
  it("keeps host-only packages and tests out of pipeline/src (the runtime imports every file there)", () => {
    for (const file of tsFiles("pipeline/src")) {
      expect(file).not.toMatch(/\.(test|spec)\.ts$/);
      for (const spec of importsOf(file).filter((s) => !isRelative(s))) {
        expect(packageName(spec), `${file}: ${spec}`).not.toMatch(/^(vitest|commander|execa|node:test|tsx)$/);
      }
    }
  });

  it("lets pipeline/modules/ import only @dagger.io/dagger, node: builtins and relative files", () => {
    for (const file of tsFiles("pipeline/modules")) {
      // Exactly the SDK: the runtime's tsconfig paths map `@dagger.io/dagger` alone, not its subpaths.
      for (const spec of importsOf(file)) expect(spec, file).toMatch(/^(@dagger\.io\/dagger$|node:|\.\.?\/)/);
    }
  });

  it("uses .js suffixes on relative imports, which both tsx and the runtime's module resolution accept", () => {
    for (const file of [...tsFiles("pipeline/modules"), ...tsFiles("pipeline/src")]) {
      for (const spec of importsOf(file).filter(isRelative)) expect(spec, file).toMatch(/\.js$/);
    }
  });
});
