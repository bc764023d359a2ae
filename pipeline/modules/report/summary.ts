/**
 * summary.md: what a developer reads first when the pipeline ends (also the
 * GitHub job summary). A table of stages, then each stage's facts, then the
 * failing tool's own error lines, picked so the cause is on screen.
 */

import { stripAnsi } from "./ansi.js";
export interface SummaryStage {
  name: string;
  status: "passed" | "failed" | "skipped";
  durationSeconds?: number;
  details: string[];
  errorLines?: string[];
}

const ICON = { passed: "✅", failed: "❌", skipped: "⏭" } as const;
const MAX_ERROR_LINES = 20;
const ERROR_LINE = /fail|error|panic|not ok|exception/i;

/**
 * Picks at most `max` lines worth showing from a tool's output, like zx's
 * formatErrorDetails: everything when it is short; otherwise the lines
 * that look like errors, in order; otherwise the last lines, where tools
 * put their verdict. A trailing "..." says lines were left out.
 */
export function pickErrorLines(text: string, max = MAX_ERROR_LINES): string[] {
  const lines = stripAnsi(text)
    .split(/\r?\n/)
    .map((l) => l.trimEnd())
    .filter((l) => l !== "");
  if (lines.length <= max) return lines;
  const errors = lines.filter((l) => ERROR_LINE.test(l));
  if (errors.length === 0) return ["...", ...lines.slice(-max)];
  return errors.length > max ? [...errors.slice(0, max), "..."] : errors;
}

/**
 * The lines of one test's failure worth a summary: those that look like
 * errors (`AssertionError: ...`), else the last line, where Go's t.Fatal and
 * t.Error land after the t.Log and print lines that came before them.
 */
export function failureExcerpt(message: string, max = 3): string[] {
  const lines = stripAnsi(message)
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "");
  const errors = lines.filter((l) => ERROR_LINE.test(l));
  return errors.length > 0 ? errors.slice(0, max) : lines.slice(-1);
}

export interface SummaryOptions {
  /** Defaults to "Pipeline summary". */
  title?: string;
  /** Lines under the title, before the verdict (the commit the run is on). */
  notes?: readonly string[];
  /** 1 for a summary of its own; 2 for one project's part of a larger one. */
  headingLevel?: number;
}

/** Renders the whole summary; `title` defaults to "Pipeline summary". */
export function renderSummaryMarkdown(stages: readonly SummaryStage[], options: SummaryOptions = {}): string {
  const h = "#".repeat(options.headingLevel ?? 1);
  const out = [`${h} ${options.title ?? "Pipeline summary"}`, ""];
  if (options.notes?.length) out.push(...options.notes, "");
  out.push(headline(stages), "");
  const skippedStages = stages.filter((s) => s.status === "skipped");
  if (skippedStages.length > 0) out.push(`Skipped: ${skippedStages.map((s) => `${s.name} (${s.details[0] ?? "no reason given"})`).join("; ")}`, "");
  if (stages.length === 0) return `${out.join("\n")}No stages ran.\n`;
  out.push("| Stage | Status | Duration |", "| --- | --- | ---: |");
  for (const s of stages) out.push(`| ${escapeCell(s.name)} | ${ICON[s.status]} ${s.status} | ${formatDuration(s.durationSeconds)} |`);
  for (const s of stages) {
    const errors = s.status === "failed" ? (s.errorLines ?? []).slice(0, MAX_ERROR_LINES + 1) : [];
    if (s.details.length === 0 && errors.length === 0) continue;
    out.push("", `${h}# ${ICON[s.status]} ${s.name}`, "");
    for (const detail of s.details) out.push(`- ${detail}`);
    if (errors.length > 0) out.push(...fenced(errors.map((l) => stripAnsi(l))));
  }
  return `${out.join("\n")}\n`;
}

/** The verdict line: failed, passed, or (no stage failed and none passed) that nothing ran, never a pass. */
export function headline(stages: readonly SummaryStage[]): string {
  const failed = stages.filter((s) => s.status === "failed");
  const passed = stages.filter((s) => s.status === "passed").length;
  if (failed.length > 0) return `**${ICON.failed} Failed**: ${failed.map((s) => s.name).join(", ")} (${failed.length} of ${stages.length} stages)`;
  if (passed === 0) return `**${ICON.skipped} Nothing ran**: ${stages.length === 0 ? "no stages" : `all ${stages.length} stages skipped`}, none passed`;
  return `**${ICON.passed} Passed**: ${passed} of ${stages.length} stages passed`;
}

/** A code fence longer than any backtick run inside, so tool output cannot close it early. */
function fenced(lines: string[]): string[] {
  const longest = Math.max(2, ...lines.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((m) => m.length))));
  const fence = "`".repeat(longest + 1);
  return ["", `${fence}text`, ...lines, fence];
}

/** "0.4s", "12.3s", "2m 05s"; "–" when unknown. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return "–";
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const total = Math.round(seconds);
  return `${Math.floor(total / 60)}m ${String(total % 60).padStart(2, "0")}s`;
}

const escapeCell = (text: string) => text.replace(/\|/g, "\\|");
