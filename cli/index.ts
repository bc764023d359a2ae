/**
 * The programmatic API of the `pipeline` CLI: the commands as functions
 * returning data. The package's `exports` point here (dist/index.js); the
 * types are in dist/types.
 */
export { main } from "./main.js";
export { planFunction, type PlanOptions, type PlanResult, type PlanTimings } from "./commands/plan.js";
export { planDiff, renderDiff, type PlanDiff, type PlanDiffOptions } from "./commands/plan-diff.js";
export type { Cause, ExecChange } from "./plan/diff/compare.js";
export { renderPlan } from "./plan/render.js";
export * from "./plan/document.js";
