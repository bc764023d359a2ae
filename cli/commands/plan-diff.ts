import { CliError } from "../errors.js";
import { CacheInputs } from "../plan/diff/cache-inputs.js";
import { compareExecs, type Cause, type ExecChange } from "../plan/diff/compare.js";
import { checkOutTree } from "../plan/diff/git-tree.js";
import { SourceFiles } from "../plan/diff/source-files.js";
import { planFunction, sourceRoot, type PlanOptions } from "./plan.js";

/** Bumped like the plan's (see plan/document.ts); published as plan-diff.schema.json. */
export const PLAN_DIFF_SCHEMA_VERSION = 1;

export interface PlanDiffOptions extends PlanOptions {
  /** What to compare the source with: the same folder at a git commit, or another folder. */
  base: { ref: string } | { source: string };
}

/** `plan --diff`: for each exec of the function on the source, whether its cache key changed since the base, and which inputs changed it. */
export interface PlanDiff {
  schemaVersion: typeof PLAN_DIFF_SCHEMA_VERSION;
  function: string;
  base: { source: string; ref: string | null; commit: string | null };
  head: { source: string };
  counts: Record<ExecChange["status"], number>;
  execs: ExecChange[];
  /** Base execs with no counterpart now (a stage switched off, a command dropped). */
  removed: { image: string | null; argv: string[] }[];
}

/**
 * Plans the function twice, on the base and on the source, and compares
 * their execs by cache key: what `dagger call` would take from the cache,
 * what it would run again and why (a file, an env value, an image pin, an
 * argument). Both plans run with the same arguments.
 */
export async function planDiff(options: PlanDiffOptions): Promise<PlanDiff> {
  const headRoot = sourceRoot(options.source);
  const ref = "ref" in options.base ? options.base.ref : undefined;
  const checkout = ref !== undefined ? await checkOutTree(headRoot, ref) : undefined;
  try {
    const baseRoot = checkout ? checkout.dir : sourceRoot((options.base as { source: string }).source);
    const baseLabel = ref !== undefined ? `${options.source} at ${ref}` : baseRoot;
    // Against a ref, both sides plan without the checkout's history: the ref's tree has no .git of its own,
    // and the history readers (git metadata, the history's secret scan) would only ever show as new.
    const withoutHistory = ref !== undefined;
    const base = await planOrExplain({ ...options, source: baseRoot, withoutHistory }, baseLabel);
    const head = await planFunction({ ...options, withoutHistory });
    const { execs, removed } = compareExecs(
      { records: base.recording.records, inputs: new CacheInputs(new SourceFiles(baseRoot)) },
      { records: head.recording.records, inputs: new CacheInputs(new SourceFiles(headRoot)) },
    );
    const count = (status: ExecChange["status"]) => execs.filter((e) => e.status === status).length;
    return {
      schemaVersion: PLAN_DIFF_SCHEMA_VERSION,
      function: head.document.function,
      base: { source: checkout ? headRoot : baseRoot, ref: ref ?? null, commit: checkout?.commit ?? null },
      head: { source: headRoot },
      counts: { cached: count("cached"), reruns: count("reruns"), new: count("new") },
      execs,
      removed,
    };
  } finally {
    checkout?.remove();
  }
}

/** The base's plan; a module error there names the base, not its temporary folder. */
async function planOrExplain(options: PlanOptions, label: string): Promise<Awaited<ReturnType<typeof planFunction>>> {
  try {
    return await planFunction(options);
  } catch (error) {
    if (error instanceof CliError && error.code === "PLAN_INVALID_PROJECT") {
      throw new CliError(error.code, `${label} (the base of the diff): ${error.message.replace(/^[^:]*: /, "")}`);
    }
    throw error;
  }
}

/** The diff for a terminal: what re-runs and why, then what is new, cached or gone. */
export function renderDiff(diff: PlanDiff): string {
  const against = diff.base.ref !== null ? `${diff.base.ref} (${diff.base.commit!.slice(0, 12)})` : diff.base.source;
  const lines = [
    `Cache keys of \`dagger call ${diff.function}\` on ${diff.head.source}, against ${against}:`,
    `  ${diff.counts.reruns} re-run, ${diff.counts.new} new, ${diff.counts.cached} cached${diff.removed.length ? `, ${diff.removed.length} no longer run` : ""}.`,
    "",
  ];
  const section = (title: string, status: ExecChange["status"]) => {
    const execs = diff.execs.filter((e) => e.status === status);
    if (!execs.length) return;
    lines.push(title);
    for (const exec of execs) {
      lines.push(`  ${shorten(exec.argv.join(" "), 100)}  [${exec.containers.join(", ") || "builds an input of another container"}]`);
      const files = exec.causes.filter((c) => c.input === "file");
      // A few files say why; a whole tree changed (a new .git) says it by count.
      const shown = exec.causes.filter((c) => c.input !== "file" || files.indexOf(c) < FILES_SHOWN);
      for (const cause of shown) lines.push(`      ${describeCause(cause)}`);
      if (files.length > FILES_SHOWN) lines.push(`      and ${files.length - FILES_SHOWN} more files (--json lists them)`);
    }
    lines.push("");
  };
  section("Re-run (their cache key changed):", "reruns");
  section("New (no exec like it before):", "new");
  section("Cached:", "cached");
  if (diff.removed.length) {
    lines.push("No longer run:");
    for (const exec of diff.removed) lines.push(`  ${shorten(exec.argv.join(" "), 100)}`);
    lines.push("");
  }
  return `${lines.join("\n").trimEnd()}\n`;
}

const FILES_SHOWN = 8;

function describeCause(cause: Cause): string {
  const values = cause.before !== undefined || cause.after !== undefined ? `: ${shorten(cause.before ?? "(none)")} → ${shorten(cause.after ?? "(none)")}` : "";
  switch (cause.input) {
    case "file":
      return `file ${cause.path} ${cause.change} (${cause.step})`;
    case "image":
      return `image pin ${cause.change}${values}`;
    case "argument":
      return `its arguments ${cause.change}${values}`;
    case "exec":
      return `an earlier step's command ${cause.change} (${cause.step})${values}`;
    case "container-output":
      return `${cause.step} ${cause.change}: another container's output it takes changed`;
    default:
      return `${cause.step} ${cause.change}${values}`;
  }
}

function shorten(text: string, max = 70): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
