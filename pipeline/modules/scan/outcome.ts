import { failedRunLine, type ToolRun } from "../stage.js";
import { pickErrorLines } from "../report/summary.js";
import { describeSignal } from "../tool-exit.js";
import type { Category, ToolReport } from "./model.js";
import { ReportError } from "./parsers/common.js";

/** What a scanner's run means: parsed, or the reason it could not scan. */
export interface ToolOutcome {
  tool: string;
  category: Category;
  run: ToolRun;
  /** The exits that mean "scanned" (with or without findings). */
  okExits: readonly number[];
  /** The report's text: a file the tool wrote, or its stdout. */
  report: string | undefined;
  parse: (text: string) => ToolReport;
}

/** Network and database failures, worded by the tools in many ways: said plainly in front of the tool's own line. */
const UNREACHABLE = /creating client|dial tcp|no such host|name resolution|name or service not known|connection refused|connection reset|timed? ?out|tls handshake|certificate|fetching vulnerabilities|failed to (download|fetch|update)|could not (download|fetch)|db (download|update)|database/i;

/**
 * The report of one run: parsed when the tool exited as it does after a
 * scan and left its report, else an error naming the command, its exit and
 * its own lines (a database it could not reach says so): never an empty
 * pass.
 */
export function interpret(outcome: ToolOutcome): ToolReport {
  const { tool, category, run } = outcome;
  const failed = (reason: string): ToolReport => ({ tool, category, rules: [], findings: [], error: reason, notes: [] });
  const ownLines = pickErrorLines(`${run.stderr}\n${outcome.report === undefined ? run.stdout : ""}`, 8);
  const why = (head: string) => {
    const reach = ownLines.find((l) => UNREACHABLE.test(l));
    const lead = reach ? `${head}; its database or network could not be reached: ${reach.trim()}` : head;
    return [lead, ...ownLines.filter((l) => l !== reach).slice(0, 5)].join("\n");
  };
  if (run.signal !== undefined || !outcome.okExits.includes(run.exitCode)) return failed(why(failedRunLine(run)));
  // Every scanner writes a report, "[]" or an empty results list when it finds nothing: exit 0 with none is
  // a run with nothing to read (a plan answers every exec so), said in the summary, like a test run that found no tests.
  if (outcome.report === undefined || outcome.report.trim() === "") return notRun(tool, category, `${run.argv[0]} exited ${run.exitCode} without a report`);
  try {
    return outcome.parse(outcome.report);
  } catch (error) {
    if (error instanceof ReportError) return failed(`${error.message} (${run.argv.join(" ")})`);
    throw error;
  }
}

/** One report from several runs of the same tool (gitleaks' tree and history, pip-audit per requirements file). */
export function mergeReports(all: readonly ToolReport[]): ToolReport {
  const reports = all.filter((r) => r.skipped === undefined);
  if (reports.length === 0) return all[0]!;
  const [first, ...rest] = reports as [ToolReport, ...ToolReport[]];
  const rules = new Map(first.rules.map((r) => [r.id, r]));
  for (const r of rest) for (const rule of r.rules) if (!rules.has(rule.id)) rules.set(rule.id, rule);
  const errors = reports.map((r) => r.error).filter((e): e is string => e !== undefined);
  const version = reports.map((r) => r.version).find((v) => v !== undefined);
  const merged: ToolReport = {
    tool: first.tool,
    category: first.category,
    ...(version ? { version } : {}),
    ...(first.informationUri ? { informationUri: first.informationUri } : {}),
    rules: [...rules.values()],
    findings: reports.flatMap((r) => r.findings),
    notes: [...reports.flatMap((r) => r.notes), ...all.filter((r) => r.skipped !== undefined).map((r) => `a run was skipped: ${r.skipped}`)],
  };
  if (errors.length > 0) merged.error = errors.join("\n");
  return merged;
}

/**
 * A scanner whose container failed before it ran (an install step): the
 * error's first line and, read structurally (the module bundle has no error
 * classes), the failing step's own output.
 */
export function crashed(tool: string, category: Category, error: unknown): ToolReport {
  const message = String((error as Error | undefined)?.message ?? error).split("\n")[0]!;
  const { stdout, stderr, exitCode } = (error ?? {}) as { stdout?: unknown; stderr?: unknown; exitCode?: unknown };
  const killed = typeof exitCode === "number" && exitCode > 128 && exitCode < 192 ? [`killed by signal ${describeSignal(exitCode - 128)}`] : [];
  const own = pickErrorLines(`${typeof stderr === "string" ? stderr : ""}\n${typeof stdout === "string" ? stdout : ""}`, 6);
  return { tool, category, rules: [], findings: [], error: [message, ...killed, ...own].join("\n"), notes: [] };
}

/** A tool that did not run, and why (disabled, nothing for it to read): a note, not an error. */
export function notRun(tool: string, category: Category, reason: string): ToolReport {
  return { tool, category, rules: [], findings: [], notes: [], skipped: reason };
}
