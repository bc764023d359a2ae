import { repositoryPath } from "../paths.js";

/** Where a tool ran: its container folder (`root`) and that folder's place in the repository (`folder`). */
export interface ParseContext {
  root: string;
  folder: string;
}

/** A report that does not parse: the tool's part fails with this, not with an empty pass. */
export class ReportError extends Error {
  override readonly name = "ReportError";
}

export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ReportError(`${what} is not JSON (${(error as Error).message.split("\n")[0]})`);
  }
}

/**
 * Objects written back to back, pretty-printed or not (govulncheck's JSON
 * stream): split at each top-level closing brace, strings and escapes
 * respected, so a brace inside a message does not cut an object.
 */
export function parseJsonStream(text: string, what: string): unknown[] {
  const objects: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === "{") {
      if (depth === 0) start = i;
      depth++;
    } else if (c === "}" && depth > 0) {
      depth--;
      if (depth === 0) objects.push(parseJson(text.slice(start, i + 1), what));
    }
  }
  if (depth !== 0) throw new ReportError(`${what} ends inside an object: the tool stopped mid-report`);
  return objects;
}

export const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
export const str = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);
export const num = (value: unknown): number | undefined => {
  const n = typeof value === "string" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) ? n : undefined;
};
export const arr = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
export const strings = (value: unknown): string[] => arr(value).filter((v): v is string => typeof v === "string" && v !== "");

export function repoPath(path: unknown, ctx: ParseContext): string | undefined {
  return typeof path === "string" ? repositoryPath(path, ctx) : undefined;
}

/** A positive line number, or undefined (0 and garbage mean "no line"). */
export function lineOf(value: unknown): number | undefined {
  const n = num(value);
  return n !== undefined && n >= 1 ? Math.floor(n) : undefined;
}

/** The first sentence-ish line of a long text, for a message. */
export function firstLine(text: string | undefined, max = 200): string | undefined {
  if (!text) return undefined;
  const line = text.trim().split(/\r?\n/)[0]!.trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
