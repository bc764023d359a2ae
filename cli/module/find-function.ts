import { CliError, EXIT } from "../errors.js";
import type { ModuleFunction } from "./signature.js";

/** The module function named as `dagger call` spells it (`bench-baseline`) or as declared (`benchBaseline`); a usage error otherwise. */
export function findFunction(functions: readonly ModuleFunction[], name: string): ModuleFunction {
  const fn = functions.find((f) => f.flag === name || f.name === name);
  if (fn) return fn;
  throw new CliError("PLAN_UNKNOWN_FUNCTION", `unknown function "${name}".\n  Fix: use one of ${functions.map((f) => f.flag).join(", ")}.`, EXIT.usage);
}
