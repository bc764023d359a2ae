import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import ts from "typescript";

/** The module's entry file, which the Dagger runtime introspects to learn what `dagger call` exposes. */
export const MODULE_FILE = fileURLToPath(new URL("../../pipeline/src/index.ts", import.meta.url));

/** How plan turns a command-line value into an argument; `undefined`: a type it cannot pass. */
export type ParamKind = "string" | "number" | "boolean" | "secret" | undefined;

export interface ModuleParam {
  /** As declared (camelCase). */
  name: string;
  /** As `dagger call` spells the flag (kebab-case). */
  flag: string;
  /** The declared type as written, e.g. `Secret`. */
  type: string;
  kind: ParamKind;
  optional: boolean;
  /** The JSDoc `@param` text, which `dagger call --help` shows. */
  description: string;
}

export interface ModuleFunction {
  name: string;
  flag: string;
  params: ModuleParam[];
}

export interface ModuleSignature {
  /** The `@func()` methods of the `@object()` class, in declaration order. */
  functions: ModuleFunction[];
  /** The constructor's `@argument({ ignore })` on the source: what `dagger call` leaves out of the upload. */
  sourceIgnore: string[];
}

/**
 * Reads the module's functions, parameter types and source ignore list from
 * its TypeScript declaration, as the Dagger runtime's introspector does: tsx
 * emits no decorator metadata, and `Function#toString` has no types.
 */
export function readModuleSignature(file = MODULE_FILE): ModuleSignature {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
  const object = source.statements.find((s): s is ts.ClassDeclaration => ts.isClassDeclaration(s) && decorator(s, "object") !== undefined);
  if (!object) throw new Error(`${file}: no @object() class`);
  const functions = object.members
    .filter((m): m is ts.MethodDeclaration => ts.isMethodDeclaration(m) && decorator(m, "func") !== undefined)
    .map((m) => {
      const name = m.name.getText(source);
      return { name, flag: toKebab(name), params: m.parameters.map((p) => describeParam(p, source)) };
    });
  return { functions, sourceIgnore: sourceIgnore(object, source, file) };
}

function describeParam(param: ts.ParameterDeclaration, source: ts.SourceFile): ModuleParam {
  const name = param.name.getText(source);
  const types = param.type && ts.isUnionTypeNode(param.type) ? [...param.type.types] : param.type ? [param.type] : [];
  const nullish = (t: ts.TypeNode) => t.kind === ts.SyntaxKind.UndefinedKeyword || (ts.isLiteralTypeNode(t) && t.literal.kind === ts.SyntaxKind.NullKeyword);
  const value = types.filter((t) => !nullish(t));
  const type = value.map((t) => t.getText(source)).join(" | ");
  const tag = ts.getJSDocParameterTags(param)[0];
  return {
    name,
    flag: toKebab(name),
    type,
    kind: value.length === 1 ? KINDS[type] : undefined,
    optional: param.questionToken !== undefined || param.initializer !== undefined || value.length < types.length,
    description: ts.getTextOfJSDocComment(tag?.comment)?.trim() ?? "",
  };
}

const KINDS: Record<string, ParamKind> = { string: "string", number: "number", boolean: "boolean", Secret: "secret" };

/** The ignore list of the constructor's one parameter, the source Directory (plan passes only that). */
function sourceIgnore(object: ts.ClassDeclaration, source: ts.SourceFile, file: string): string[] {
  const constructor = object.members.find(ts.isConstructorDeclaration);
  const params = constructor?.parameters ?? [];
  if (params.length !== 1 || params[0]!.type?.getText(source) !== "Directory") {
    throw new Error(`${file}: plan expects the constructor to take only the source Directory`);
  }
  const options = decorator(params[0]!, "argument")?.arguments[0];
  const ignore = options && ts.isObjectLiteralExpression(options) ? options.properties.find((p) => p.name?.getText(source) === "ignore") : undefined;
  if (!ignore) return [];
  if (!ts.isPropertyAssignment(ignore) || !ts.isArrayLiteralExpression(ignore.initializer)) {
    throw new Error(`${file}: the source's ignore must be an array literal of strings`);
  }
  return ignore.initializer.elements.map((e) => {
    if (!ts.isStringLiteral(e)) throw new Error(`${file}: the source's ignore must be an array literal of strings`);
    return e.text;
  });
}

function decorator(node: ts.HasDecorators, name: string): ts.CallExpression | undefined {
  return ts
    .getDecorators(node)
    ?.map((d) => d.expression)
    .find((e): e is ts.CallExpression => ts.isCallExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === name);
}

function toKebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
