import { argText, type Step } from "./query.js";

/**
 * The function call an engine hands a module's runtime: what its entrypoint
 * reads through `currentModule` and `currentFunctionCall` (the SDK's
 * module/entrypoint/entrypoint.js), so a module runs as `dagger call` runs it.
 */
export interface FunctionCall {
  moduleName: string;
  /** The object's name (PascalCase), "" for the registration call. */
  parentName: string;
  /** The function (camelCase); "" calls the constructor. */
  name: string;
  /** The object's state, as JSON values (an object argument as its ID). */
  parent: Record<string, unknown>;
  /** The function's arguments, as JSON values. */
  inputArgs: Record<string, unknown>;
}

/** An answer to a call about the current function, or undefined when the chain is not one. */
export function answerFunctionCall(call: FunctionCall | undefined, object: readonly Step[], leaf: Step): { value: unknown } | undefined {
  const root = object[0]?.field;
  if (root === "currentModule" && object.length === 1 && leaf.field === "name") return { value: call?.moduleName ?? "" };
  if (root !== "currentFunctionCall") return undefined;
  if (!call) throw new Error("no function call is being run: set the recording engine's functionCall option");
  if (object.length === 1) {
    switch (leaf.field) {
      case "parentName":
        return { value: call.parentName };
      case "name":
        return { value: call.name };
      case "parent":
        return { value: JSON.stringify(call.parent) };
      case "returnValue":
      case "returnError":
        return { value: null };
    }
  }
  const arg = object[1]?.field === "inputArgs" ? Object.entries(call.inputArgs)[Number(argText(object[1].args["index"]))] : undefined;
  if (arg && leaf.field === "name") return { value: arg[0] };
  if (arg && leaf.field === "value") return { value: JSON.stringify(arg[1]) };
  return undefined;
}

/** The chains of `currentFunctionCall.inputArgs`, one per argument: the SDK selects `{ id }` on each. */
export function inputArgChains(call: FunctionCall | undefined): Step[][] {
  return Object.keys(call?.inputArgs ?? {}).map((_, index): Step[] => [
    { field: "currentFunctionCall", args: {} },
    { field: "inputArgs", args: { index } },
  ]);
}

/** What the function returned (JSON), from the records: undefined until it returned. */
export function returnedValue(records: readonly { steps: Step[] }[]): string | undefined {
  const returned = records.find((r) => r.steps[0]?.field === "currentFunctionCall" && r.steps[1]?.field === "returnValue");
  return returned === undefined ? undefined : argText(returned.steps[1]!.args["value"]);
}
