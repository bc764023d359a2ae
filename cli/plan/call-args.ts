import { CliError, EXIT } from "../errors.js";
import { isSecretReference, notAReferenceMessage } from "../secret-reference.js";
import type { ModuleFunction, ModuleParam } from "./module-signature.js";

/** An argument for the function: a Secret parameter gets only its reference, never a value. */
export type CallArg = string | number | boolean | { secret: string } | undefined;

/**
 * Maps `--arg name=value` pairs (named by flag or camelCase) onto the
 * function's parameters, in order, converted by each declared type. Every
 * mistake is a usage error naming the argument and the fix.
 */
export function callArguments(fn: ModuleFunction, given: Record<string, string>): CallArg[] {
  const known = (key: string) => fn.params.some((p) => p.flag === key || p.name === key);
  const unknown = Object.keys(given).filter((key) => !known(key));
  if (unknown.length) {
    const allowed = fn.params.length ? fn.params.map((p) => p.flag).join(", ") : "none";
    throw usage("PLAN_UNKNOWN_ARGUMENT", `${fn.flag} has no argument ${unknown.join(", ")}.\n  Fix: use ${allowed}.`);
  }
  const value = (p: ModuleParam) => given[p.flag] ?? given[p.name];
  const missing = fn.params.filter((p) => !p.optional && value(p) === undefined);
  if (missing.length) {
    const what = missing.map((p) => `${p.flag}${p.description ? ` (${p.description.replace(/\.$/, "")})` : ""}`);
    throw usage(
      "PLAN_MISSING_ARGUMENT",
      `${fn.flag} needs the argument${missing.length > 1 ? "s" : ""} ${what.join(" and ")}.\n  Fix: add ${missing.map((p) => `--arg ${example(p)}`).join(" ")}`,
    );
  }
  return fn.params.map((p) => {
    const text = value(p);
    return text === undefined ? undefined : convert(p, text);
  });
}

function convert(param: ModuleParam, text: string): CallArg {
  switch (param.kind) {
    case "string":
      return text;
    case "secret":
      if (!isSecretReference(text)) throw usage("PLAN_SECRET_NOT_A_REFERENCE", notAReferenceMessage(`--arg ${param.flag}`, `--arg ${example(param)}`));
      return { secret: text };
    case "number":
      if (text.trim() === "" || !Number.isFinite(Number(text))) throw invalid(param, text, "a number");
      return Number(text);
    case "boolean":
      if (text !== "true" && text !== "false") throw invalid(param, text, "true or false");
      return text === "true";
    case undefined:
      throw usage("PLAN_ARGUMENT_UNSUPPORTED", `--arg ${param.flag}: plan cannot pass a ${param.type} from the command line.\n  Fix: use \`dagger call\` for this argument.`);
  }
}

function example(param: ModuleParam): string {
  const value = param.kind === "secret" ? `env://${param.name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}` : "<value>";
  return `${param.flag}=${value}`;
}

function invalid(param: ModuleParam, text: string, expected: string): CliError {
  return usage("PLAN_ARGUMENT_INVALID", `--arg ${param.flag}=${text}: expected ${expected}.\n  Fix: pass --arg ${param.flag}=<${expected}>.`);
}

function usage(code: string, message: string): CliError {
  return new CliError(code, message, EXIT.usage);
}
