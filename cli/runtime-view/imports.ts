import { existsSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import type { RuntimeView } from "./view.js";

const BUILTINS = new Set(builtinModules);

/**
 * Every import of the view's TypeScript files that would not resolve in the
 * runtime's container: a relative path to a file outside the view (or absent),
 * or a package its node_modules does not hold. Empty when the module loads.
 */
export function unresolvedImports(view: RuntimeView): string[] {
  const problems: string[] = [];
  for (const file of view.sourceFiles.filter((f) => /\.(m?ts)$/.test(f) && !f.endsWith(".d.ts"))) {
    const path = join(view.modulePath, file);
    for (const { fileName: spec } of ts.preProcessFile(readFileSync(path, "utf8"), true, true).importedFiles) {
      const problem = spec.startsWith(".") ? relativeProblem(view, path, spec) : packageProblem(view, spec);
      if (problem) problems.push(`${file} imports ${spec}: ${problem}`);
    }
  }
  return problems;
}

function relativeProblem(view: RuntimeView, from: string, spec: string): string | undefined {
  const target = resolve(dirname(from), spec);
  if (relative(view.modulePath, target).startsWith("..")) return `outside the module source, which is all the runtime copies (${view.containerModulePath})`;
  // tsx maps a .js specifier to the .ts file beside it, as TypeScript does.
  const candidates = [target, target.replace(/\.js$/, ".ts"), target.replace(/\.mjs$/, ".mts")];
  return candidates.some((c) => existsSync(c)) ? undefined : "no such file in the module source";
}

function packageProblem(view: RuntimeView, spec: string): string | undefined {
  if (spec.startsWith("node:") || BUILTINS.has(spec)) return undefined;
  const name = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!;
  return existsSync(join(view.modulePath, "node_modules", name)) ? undefined : `package ${name} is neither installed nor mounted by the runtime`;
}
