import { PLAN_ASSUMPTION, type Container, type ContentRef, type PathFilter, type PlanDocument, type Step } from "./document.js";

/**
 * The plan for a terminal, rendered from the same document `--json` prints:
 * concurrent groups, each container's steps in order, what was read, the
 * exports and publishes, and how the function ended. `sourceLabel` names the
 * source as the user gave it.
 */
export function renderPlan(plan: PlanDocument, sourceLabel: string): string {
  const lines = [`Plan of \`dagger call ${plan.function}\` on ${sourceLabel}`, ""];
  if (plan.sourceReads.length) {
    lines.push("Reads from the source:");
    for (const read of plan.sourceReads) lines.push(`  ${read.read} ${read.path}${read.argument !== undefined ? ` ${read.argument}` : ""}`);
    lines.push("");
  }
  plan.groups.forEach((group, index) => {
    const count = group.containers.length;
    lines.push(`Group ${index + 1} (${count > 1 ? `${count} containers run concurrently` : "1 container"}):`);
    group.containers.forEach((container, i) => lines.push(...renderContainer(container, count > 1 ? `∥${i + 1}` : "•")));
    lines.push("");
  });
  if (plan.groups.length === 0) lines.push("No container runs.", "");
  if (plan.skippedStages.length > 0) {
    lines.push("Skipped stages:");
    for (const { stage, reason } of plan.skippedStages) lines.push(`  ${stage}: ${reason}`);
    lines.push("");
  }
  for (const { to, from, container } of plan.exports) lines.push(`Exports: ${to}${container ? ` (${from ?? "/"} of ${container})` : ""}`);
  for (const { address, platforms } of plan.publishes) lines.push(`Publishes: ${address}${platforms.length ? ` (${platforms.join(", ")})` : ""}`);
  return `${lines.join("\n").trimEnd()}\n${renderOutcome(plan.outcome)}`;
}

function renderContainer(container: Container, marker: string): string[] {
  const platform = container.platform ? ` [${container.platform}]` : "";
  const stage = container.stage !== null ? `[${container.stage}] ` : container.sharedBy.length > 0 ? `[shared: ${container.sharedBy.join(", ")}] ` : "";
  const lines = [`  ${marker} ${stage}${container.image ?? "(scratch container)"}${platform}`];
  for (const { line, times } of collapseRepeats(container.steps.map(renderStep))) {
    if (line) lines.push(`      ${line[0].padEnd(7)} ${line[1]}${times > 1 ? `  ×${times}` : ""}`);
  }
  const reads = container.reads.map((r) => (r.path ? `${r.read} ${r.path}` : r.read));
  const joined = reads.join(", ");
  if (joined.length > 0 && joined.length <= 80) lines.push(`      ${"reads".padEnd(7)} ${joined}`);
  else for (const read of reads) lines.push(`      ${"reads".padEnd(7)} ${read}`);
  return lines;
}

/** Identical execs in a row (the bench's repeated runs) once, with how many times they run. */
function collapseRepeats(lines: ([string, string] | undefined)[]): { line: [string, string] | undefined; times: number }[] {
  const collapsed: { line: [string, string] | undefined; times: number }[] = [];
  for (const line of lines) {
    const last = collapsed[collapsed.length - 1];
    if (last && line?.[0] === "exec" && last.line?.[0] === "exec" && last.line[1] === line[1]) last.times++;
    else collapsed.push({ line, times: 1 });
  }
  return collapsed;
}

/** A step as [label, text]; undefined for `from`, which heads the container. */
function renderStep(step: Step): [string, string] | undefined {
  switch (step.op) {
    case "from":
      return undefined;
    case "workdir":
      return ["workdir", step.path ?? "(the image's)"];
    case "user":
      return ["user", step.user ?? "(the image's)"];
    case "env":
      return ["env", `${step.name}=${shorten(step.value)}`];
    case "unset-env":
    case "unset-secret-env":
      return ["unset", step.name];
    case "secret-env":
      return ["secret", `${step.name} ← secret ${step.secret.secret}`];
    case "secret-file":
      return ["secret", `${step.path} ← secret ${step.secret.secret}${options({ owner: step.owner, mode: step.mode === null ? null : step.mode.toString(8) })}`];
    case "registry-auth":
      return ["secret", `registry ${step.address} as ${step.username} ← secret ${step.secret.secret}`];
    case "cache":
      return ["cache", `${step.path} ← cache volume "${step.volume}"${options({ sharing: step.sharing === "SHARED" ? null : step.sharing, owner: step.owner })}`];
    case "mount":
      return ["mount", `${step.path} ← ${renderRef(step.source)}${options({ include: step.include, exclude: step.exclude, owner: step.owner, "read-only": step.readOnly ? "" : null })}`];
    case "tmpfs":
      return ["tmpfs", step.path];
    case "unmount":
      return ["unmount", step.path];
    case "copy":
      return ["copy", `${step.path} ← ${renderRef(step.source)}${options({ include: step.include, exclude: step.exclude, owner: step.owner })}`];
    case "new-file":
      return ["file", `${step.path} (${step.bytes} bytes)${options({ owner: step.owner })}`];
    case "remove":
      return ["remove", step.path];
    case "exec":
      return ["exec", formatArgv(step.argv) + (step.exitCode === "read" ? "  (exit code read, not thrown)" : step.exitCode === "must-fail" ? "  (must fail)" : "")];
    case "config":
      return ["call", step.call];
  }
}

/** Names where contents come from; a filtered source says what it leaves out (the first patterns). */
export function renderRef(ref: ContentRef): string {
  switch (ref.kind) {
    case "source":
      return `source:${ref.path}${ref.filters.map(renderFilter).join("")}`;
    case "host":
      return `host:${ref.path}`;
    case "directory":
      return `directory {${ref.files.join(", ")}}`;
    case "container":
      return `${ref.path} of container(${ref.image ?? "scratch"})`;
    case "other":
      return ref.calls.join(".");
  }
}

function renderFilter(filter: PathFilter): string {
  const parts = (["include", "exclude"] as const).flatMap((key) => {
    const patterns = filter[key];
    if (patterns.length === 0) return [];
    const more = patterns.length > 3 ? ` and ${patterns.length - 3} more` : "";
    return [`${key} ${patterns.slice(0, 3).join(", ")}${more}`];
  });
  return ` (${parts.join("; ")})`;
}

/** ` [include a, b; owner x]`: the options that are set. */
function options(values: Record<string, string | string[] | null>): string {
  const parts = Object.entries(values).flatMap(([key, value]) => {
    if (value === null || (Array.isArray(value) && value.length === 0)) return [];
    if (value === "") return [key];
    return [`${key} ${Array.isArray(value) ? value.join(", ") : value}`];
  });
  return parts.length ? ` [${parts.join("; ")}]` : "";
}

function renderOutcome(outcome: PlanDocument["outcome"]): string {
  const head = `\nWith ${PLAN_ASSUMPTION}, the function `;
  if (outcome.ok) return `${head}returns ${outcome.returns}.\n`;
  // Whole: the error is the function's summary, already concise, and its reasons come after the stage table.
  return `${head}fails:\n${outcome.error.trimEnd().replace(/^(?=.)/gm, "  ")}\n`;
}

function shorten(text: string, max = 60): string {
  const oneLine = text.replace(/\n/g, "\\n");
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

/** Quotes arguments that a reader would otherwise misread (spaces, glob or regex characters). */
function formatArgv(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(" ");
}
