import { readFileSync } from "node:fs";
import ts from "typescript";
import { toKebab, type ModuleFunction, type ModuleParam, type ModuleSignature, type ParamKind } from "./signature.js";

/**
 * Reads the module's functions, their parameters (types, defaults, JSDoc) and
 * the source's ignore list from its TypeScript declaration, as the Dagger
 * runtime's introspector does: tsx and esbuild emit no decorator metadata,
 * and `Function#toString` has no types. Loads the TypeScript compiler, so the
 * compiled CLI runs it at build time only.
 */
export function extractModuleSignature(file: string): ModuleSignature {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
  const object = source.statements.find((s): s is ts.ClassDeclaration => ts.isClassDeclaration(s) && decorator(s, "object") !== undefined);
  if (!object) throw new Error(`${file}: no @object() class`);
  const functions = object.members
    .filter((m): m is ts.MethodDeclaration => ts.isMethodDeclaration(m) && decorator(m, "func") !== undefined)
    .map((m): ModuleFunction => {
      const name = m.name.getText(source);
      return { name, flag: toKebab(name), description: summary(m), params: m.parameters.map((p) => describeParam(p, source, file)) };
    });
  const [sourceParam, ...constructorParams] = object.members.find(ts.isConstructorDeclaration)?.parameters ?? [];
  if (!sourceParam || sourceParam.type?.getText(source) !== "Directory" || !decorator(sourceParam, "argument")) {
    throw new Error(`${file}: plan expects the constructor's first parameter to be the source Directory, with @argument({ defaultPath })`);
  }
  return {
    constructorParams: constructorParams.map((p) => describeParam(p, source, file)),
    functions,
    sourceIgnore: describeParam(sourceParam, source, file).ignore ?? [],
  };
}

function describeParam(param: ts.ParameterDeclaration, source: ts.SourceFile, file: string): ModuleParam {
  const name = param.name.getText(source);
  const types = param.type && ts.isUnionTypeNode(param.type) ? [...param.type.types] : param.type ? [param.type] : [];
  const nullish = (t: ts.TypeNode) => t.kind === ts.SyntaxKind.UndefinedKeyword || (ts.isLiteralTypeNode(t) && t.literal.kind === ts.SyntaxKind.NullKeyword);
  const value = types.filter((t) => !nullish(t));
  const type = value.map((t) => t.getText(source)).join(" | ");
  const fallback = param.initializer ? literal(param.initializer) : undefined;
  return {
    name,
    flag: toKebab(name),
    type,
    kind: value.length === 1 ? KINDS[type.replace(/^Array<(\w+)>$/, "$1[]")] : undefined,
    optional: param.questionToken !== undefined || param.initializer !== undefined || value.length < types.length,
    ...(fallback !== undefined ? { default: fallback } : {}),
    description: ts.getTextOfJSDocComment(ts.getJSDocParameterTags(param)[0]?.comment)?.trim() ?? "",
    ...argumentOptions(param, source, file),
  };
}

const KINDS: Record<string, ParamKind> = { string: "string", number: "number", boolean: "boolean", Secret: "secret", "string[]": "string[]" };

/** A default written as a literal (a string, number, boolean or array of strings); anything computed is left to the function. */
function literal(node: ts.Expression): ModuleParam["default"] {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isNumericLiteral(node)) return Number(node.text);
  if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(node.operand)) return -Number(node.operand.text);
  if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (node.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (ts.isArrayLiteralExpression(node) && node.elements.every(ts.isStringLiteral)) return node.elements.map((e) => (e as ts.StringLiteral).text);
  return undefined;
}

/** The JSDoc's first paragraph, on one line: what `--help` lists beside the function. */
function summary(node: ts.Node): string {
  const doc = ts.getJSDocCommentsAndTags(node).find(ts.isJSDoc);
  const text = ts.getTextOfJSDocComment(doc?.comment) ?? "";
  return (text.trim().split(/\n\s*\n/)[0] ?? "").replace(/\s+/g, " ").trim();
}

/**
 * A parameter's `@argument({ defaultPath, ignore })`, which must be literals
 * (a string, an array of strings), as the runtime's introspector requires.
 */
function argumentOptions(param: ts.ParameterDeclaration, source: ts.SourceFile, file: string): Pick<ModuleParam, "defaultPath" | "ignore"> {
  const options = decorator(param, "argument")?.arguments[0];
  if (!options || !ts.isObjectLiteralExpression(options)) return {};
  const property = (key: string) => options.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText(source) === key)?.initializer;
  const where = `${file}: ${param.name.getText(source)}'s @argument`;
  const defaultPath = property("defaultPath");
  const ignore = property("ignore");
  if (defaultPath && !ts.isStringLiteral(defaultPath)) throw new Error(`${where}: defaultPath must be a string literal`);
  if (ignore && !(ts.isArrayLiteralExpression(ignore) && ignore.elements.every(ts.isStringLiteral))) throw new Error(`${where}: ignore must be an array literal of strings`);
  return {
    ...(defaultPath ? { defaultPath: defaultPath.text } : {}),
    ...(ignore ? { ignore: ignore.elements.map((e) => (e as ts.StringLiteral).text) } : {}),
  };
}

function decorator(node: ts.HasDecorators, name: string): ts.CallExpression | undefined {
  return ts
    .getDecorators(node)
    ?.map((d) => d.expression)
    .find((e): e is ts.CallExpression => ts.isCallExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === name);
}
