import { CliError, EXIT } from "../errors.js";
import type { ModuleFunction, ModuleParam } from "../module/signature.js";
import { isSecretReference, notAReferenceMessage, shownReference } from "../secret-reference.js";

/** An argument for the function: a Secret parameter gets only its reference, never a value. */
export type CallArg = string | number | boolean | string[] | { secret: string } | undefined;

export interface CallArguments {
  /** The constructor's arguments after the source, in order. */
  constructorArgs: CallArg[];
  /** The function's arguments, in order. */
  functionArgs: CallArg[];
  /** What was given, by flag, converted (a Secret as its reference, a cmd:// one without its command): the plan's record of the call. */
  given: Record<string, Exclude<CallArg, undefined>>;
}

/**
 * Maps command-line values (by flag, `registry-token`, or by parameter name,
 * `registryToken`) onto the constructor's and the function's parameters, in
 * order, converted by each declared type. Every mistake is a usage error
 * naming the argument and the fix.
 */
export function callArguments(fn: ModuleFunction, constructorParams: readonly ModuleParam[], values: Record<string, string>): CallArguments {
  const params = [...constructorParams, ...fn.params];
  const byKey = new Map(params.flatMap((p) => [[p.flag, p], [p.name, p]] as const));
  const unknown = Object.keys(values).filter((key) => !byKey.has(key));
  if (unknown.length) {
    const allowed = params.length ? params.map((p) => `--${p.flag}`).join(", ") : "none";
    throw usage("PLAN_UNKNOWN_ARGUMENT", `${fn.flag} has no argument ${unknown.map((k) => `--${k}`).join(", ")}.\n  Fix: use ${allowed}.`);
  }
  const given = new Map<ModuleParam, string>();
  for (const [key, text] of Object.entries(values)) given.set(byKey.get(key)!, text);
  const missing = fn.params.filter((p) => !p.optional && !given.has(p));
  if (missing.length) {
    const what = missing.map((p) => `--${p.flag}${p.description ? ` (${p.description.replace(/\.$/, "")})` : ""}`);
    throw usage(
      "PLAN_MISSING_ARGUMENT",
      `${fn.flag} needs ${what.join(" and ")}.\n  Fix: add ${missing.map((p) => `--${p.flag} ${example(p)}`).join(" ")}`,
    );
  }
  const convertAll = (list: readonly ModuleParam[]) => list.map((p) => (given.has(p) ? convert(p, given.get(p)!) : undefined));
  const constructorArgs = convertAll(constructorParams);
  const functionArgs = convertAll(fn.params);
  const recorded: CallArguments["given"] = {};
  params.forEach((p, i) => {
    const value = [...constructorArgs, ...functionArgs][i];
    if (value !== undefined) recorded[p.flag] = typeof value === "object" && !Array.isArray(value) ? { secret: shownReference(value.secret) } : value;
  });
  return { constructorArgs, functionArgs, given: recorded };
}

function convert(param: ModuleParam, text: string): CallArg {
  switch (param.kind) {
    case "string":
      return text;
    case "string[]":
      // As `dagger call` reads a list flag: comma-separated.
      return text === "" ? [] : text.split(",");
    case "secret":
      if (!isSecretReference(text)) throw usage("PLAN_SECRET_NOT_A_REFERENCE", notAReferenceMessage(`--${param.flag}`, `--${param.flag} ${example(param)}`));
      return { secret: text };
    case "number":
      if (text.trim() === "" || !Number.isFinite(Number(text))) throw invalid(param, text, "a number");
      return Number(text);
    case "boolean":
      if (text !== "true" && text !== "false") throw invalid(param, text, "true or false");
      return text === "true";
    case undefined:
      throw usage("PLAN_ARGUMENT_UNSUPPORTED", `--${param.flag}: plan cannot pass a ${param.type} from the command line.\n  Fix: use \`dagger call\` for this argument.`);
  }
}

/** A value to show in a fix: a Secret as the env:// reference its name suggests. */
export function example(param: ModuleParam): string {
  return param.kind === "secret" ? `env://${param.name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}` : `<${param.kind === "string[]" ? "a,b" : (param.kind ?? "value")}>`;
}

function invalid(param: ModuleParam, text: string, expected: string): CliError {
  return usage("PLAN_ARGUMENT_INVALID", `--${param.flag} ${text}: expected ${expected}.\n  Fix: pass --${param.flag} <${expected}>.`);
}

function usage(code: string, message: string): CliError {
  return new CliError(code, message, EXIT.usage);
}
