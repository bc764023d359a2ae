import { Option, type Command } from "commander";
import { CliError, EXIT } from "./errors.js";
import type { ModuleParam } from "./module/signature.js";

/**
 * A module function's parameter as a command-line flag, spelled as `dagger
 * call` spells it (`--registry-token`), described by the parameter's JSDoc.
 * No default is set here: an absent flag is an absent argument, and the
 * module applies its own default.
 */
export function paramOption(param: ModuleParam): Option {
  const value = param.kind === "boolean" ? "[true|false]" : param.kind === "secret" ? "<ref>" : param.kind === "string[]" ? "<a,b,...>" : `<${param.kind ?? "value"}>`;
  const notes = [
    param.optional ? undefined : "required",
    param.kind === "secret" ? "a secret: env://NAME, file://path or cmd://command" : undefined,
    param.default !== undefined ? `default: ${JSON.stringify(param.default)}` : undefined,
    param.kind === undefined ? `a ${param.type}: plan passes ${param.defaultPath !== undefined ? `its default, ${param.defaultPath} of the source` : "none"}` : undefined,
  ].filter((n) => n !== undefined);
  const description = [param.description, notes.length ? `(${notes.join("; ")})` : ""].filter(Boolean).join(" ");
  return new Option(`--${param.flag} ${value}`, description).helpGroup("Function arguments (as `dagger call` takes them):");
}

/** The given flags among `params`, as the text the command line had (a bare boolean flag is "true"). */
export function paramValues(command: Command, params: readonly ModuleParam[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const param of params) {
    const option = command.options.find((o) => o.long === `--${param.flag}`);
    // Commander gives a flag's text, or true for a bare boolean flag.
    const value = option ? (command.getOptionValue(option.attributeName()) as string | true | undefined) : undefined;
    if (value !== undefined) values[param.flag] = value === true ? "true" : value;
  }
  return values;
}

/**
 * Refuses what commander let through (`allowUnknownOption`) so the error can
 * name every valid flag: an unknown option, or an argument with no place.
 */
export function refuseLeftovers(command: Command, usage: string): void {
  const [first] = command.args;
  if (first === undefined) return;
  const flags = command.options.map((o) => o.long).filter((f): f is string => f !== undefined);
  if (first.startsWith("-")) {
    const name = first.split("=")[0]!;
    const near = closest(name, flags);
    throw new CliError(
      "UNKNOWN_OPTION",
      `unknown option ${name} for ${usage}${near ? ` (did you mean ${near}?)` : ""}.\n  Fix: use ${flags.join(", ")} (see pipeline ${usage} --help).`,
      EXIT.usage,
    );
  }
  throw new CliError("UNEXPECTED_ARGUMENT", `unexpected argument "${first}" for ${usage}.\n  Fix: give values as flags: ${flags.join(", ")} (see pipeline ${usage} --help).`, EXIT.usage);
}

/** The flag nearest `flag` by edit distance, when it is close enough to be a typo. */
function closest(flag: string, flags: readonly string[]): string | undefined {
  let best: { flag: string; distance: number } | undefined;
  for (const candidate of flags) {
    const distance = editDistance(flag, candidate);
    if (!best || distance < best.distance) best = { flag: candidate, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(flag.length / 4)) ? best.flag : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

/** The first sentence of a function's description, for the list of functions; a long one is cut at a word. */
export function firstSentence(text: string, max = 100): string {
  const end = text.search(/(?<!\b(?:e\.g|i\.e))\.(\s|$)/);
  const sentence = end < 0 ? text : text.slice(0, end + 1);
  if (sentence.length <= max) return sentence;
  return `${sentence.slice(0, sentence.lastIndexOf(" ", max - 1))}…`;
}
